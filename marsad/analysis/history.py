"""Importing history: the user's own GTD or ACLED CSV export becomes Marsad incidents.

Why: trends and early warning need decades of baselines, and analysts already hold GTD and ACLED exports.
Each row becomes a STIX incident whose id is ``uuid5("incident:gtd:<eventid>")`` (or ``acled:<event_id_cnty>``),
with the event id kept as an external reference, so importing the same file twice changes nothing and an
updated release only adds a new version of the rows that changed (``modified`` = import time).

Choices, documented:

* **Bad rows are skipped and reported** with their line number and reason (first ones in the summary), the rest
  is imported; the whole file is refused only when a required column is missing (wrong format or delimiter)
  or when no row at all is usable. A history file has decades of rows: one bad date must not block it.
* Out-of-scope rows (ACLED protests, riots, strategic developments) are counted, not reported as errors.
* A row repeating an event id already seen in the file is a bad row (GTD ids are unique).
* Markings: TLP:GREEN by default (the regional community), or the ``tlp`` given.
* Storing is chunked: each chunk of rows is one transaction (stored whole or not at all) with a progress bar;
  a failure stops the import and says how many rows were stored before it.
* Encoding: UTF-8 (with or without BOM), else Windows-1252, else Latin-1 — real GTD exports come in all three.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from marsad.access import Viewer, record_write
from marsad.analysis.history_rows import (
    ACLED_REQUIRED,
    GTD_REQUIRED,
    NotAnIncident,
    acled_fields,
    gtd_fields,
)
from marsad.errors import InputError, MarsadError
from marsad.model import make_incident
from marsad.model.ids import stable_id
from marsad.model.incident import GTD_EXTENSION_ID
from marsad.store import Store
from marsad.store.incidents import analyze_incident_facts
from marsad.store.timestamps import format_timestamp, parse_timestamp

__all__ = ["FORMATS", "CHUNK", "RowProblem", "ImportReport", "read_rows", "incident_from_row", "import_history"]

#: format → (source name in external references, required columns, row mapper)
FORMATS: dict[str, tuple[str, tuple[str, ...], Callable[[Mapping[str, str]], dict]]] = {
    "gtd": ("GTD", GTD_REQUIRED, gtd_fields),
    "acled": ("ACLED", ACLED_REQUIRED, acled_fields),
}
CHUNK = 1000
_SHOWN_PROBLEMS = 10
#: Progress callback: (bytes read, file size, incidents stored so far)
ProgressFn = Callable[[int, int, int], None]


@dataclass(frozen=True)
class RowProblem:
    """A skipped row: its line in the file (header is line 1) and why."""

    line: int
    reason: str


@dataclass
class ImportReport:
    """What an import did."""

    format: str
    rows: int = 0
    added: int = 0
    unchanged: int = 0
    updated: int = 0
    out_of_scope: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    unknown_countries: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        """A few lines for people: counts, then the first problems with their line numbers."""
        lines = [f"{self.format.upper()}: {self.rows} rows read; {self.added} incidents added, {self.updated} updated, "
                 f"{self.unchanged} already present, {self.out_of_scope} out of scope, {len(self.problems)} skipped."]
        if self.unknown_countries:
            names = ", ".join(f"{n} ({c})" for n, c in self.unknown_countries.most_common(5))
            lines.append(f"Without a present-day country: {names}")
        for problem in self.problems[:_SHOWN_PROBLEMS]:
            lines.append(f"  line {problem.line}: {problem.reason}")
        if len(self.problems) > _SHOWN_PROBLEMS:
            lines.append(f"  … and {len(self.problems) - _SHOWN_PROBLEMS} more skipped rows")
        return "\n".join(lines)


def _encoding(path: Path) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            with path.open(encoding=encoding) as handle:
                while handle.read(1 << 20):
                    pass
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


def read_rows(path: Path, required: tuple[str, ...],
              on_bytes: Callable[[int], None] | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a CSV file with a header; :class:`InputError` if a required column is missing."""
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    encoding = _encoding(path)
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        reader = csv.DictReader(text)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name in required if name not in header]
        if missing:
            raise InputError(f"{path.name} is not a {'/'.join(required[:1])} export: column(s) "
                             f"{', '.join(missing)} missing (found: {', '.join(header[:8]) or 'no header'})")
        reader.fieldnames = header
        for row in reader:
            if on_bytes is not None:
                on_bytes(raw.tell())
            yield reader.line_num, row


def incident_from_row(kind: str, row: Mapping[str, str], *, tlp: str = "green", created: str) -> dict:
    """The STIX incident of one row (``created``/``modified`` = ``created``); :class:`InputError`, NotAnIncident."""
    source, _, mapper = FORMATS[kind]
    fields = mapper(row)
    event_id, name, description = fields.pop("event_id"), fields.pop("name"), fields.pop("description")
    return make_incident(
        name, description=description, determination="confirmed", investigation_status="closed",
        incident_id=stable_id("incident", f"{kind}:{event_id}"), created=created, modified=created, tlp=tlp,
        external_references=[{"source_name": source, "external_id": event_id}], labels=[f"{kind}-import"],
        lang="en", **{k: v for k, v in fields.items() if v is not None and v != []},
    )


def _same(new: Mapping[str, Any], stored: Mapping[str, Any]) -> bool:
    return {**new, "created": stored["created"], "modified": stored["modified"]} == dict(stored)


def _store_chunk(store: Store, chunk: list[dict], collection: str | None, now: str, report: ImportReport) -> list[str]:
    """Store one chunk in one transaction: new ids as they are, changed ones as a new version, unchanged ones
    only added to ``collection`` (if not there yet); returns the ids of the versions written."""
    stored = {item.object["id"]: item.object
              for item in store.query(ids=[o["id"] for o in chunk], limit=len(chunk) + 1).objects}
    fresh, same = [], []
    for obj in chunk:
        before = stored.get(obj["id"])
        if before is None:
            fresh.append(obj)
        elif _same(obj, before):
            same.append(before)
        else:
            later = max(parse_timestamp(now), parse_timestamp(before["modified"]) + timedelta(milliseconds=1))
            fresh.append({**obj, "created": before["created"], "modified": format_timestamp(later)})
    if fresh or (same and collection is not None):
        store.put_objects([*fresh, *(same if collection is not None else [])], collection_id=collection)
    added = sum(1 for o in fresh if o["id"] not in stored)
    report.added, report.updated, report.unchanged = (report.added + added, report.updated + len(fresh) - added,
                                                      report.unchanged + len(same))
    return [o["id"] for o in fresh]


def _rows_to_incidents(kind: str, path: Path, tlp: str, created: str, report: ImportReport,
                       on_bytes) -> Iterator[dict]:
    seen: set[str] = set()
    for line, row in read_rows(path, FORMATS[kind][1], on_bytes):
        report.rows += 1
        try:
            obj = incident_from_row(kind, row, tlp=tlp, created=created)
        except NotAnIncident:
            report.out_of_scope += 1
            continue
        except MarsadError as exc:
            report.problems.append(RowProblem(line, exc.message))
            continue
        if obj["id"] in seen:
            report.problems.append(RowProblem(line, "repeats an event id already in the file"))
            continue
        seen.add(obj["id"])
        place = (row.get("country_txt" if kind == "gtd" else "country") or "").strip()
        if place and "country" not in obj["extensions"][GTD_EXTENSION_ID]:
            report.unknown_countries[place] += 1
        yield obj


def import_history(store: Store, path: Path, kind: str, *, tlp: str = "green", collection: str | None = None,
                   actor: Viewer | str = "system:cli", progress: ProgressFn | None = None) -> ImportReport:
    """Import a GTD or ACLED CSV export into ``store`` (see the module docstring for the rules)."""
    if kind not in FORMATS:
        raise InputError(f"unknown history format {kind!r}; expected one of: {', '.join(FORMATS)}")
    report, size = ImportReport(kind), max(1, path.stat().st_size if path.is_file() else 1)
    created = format_timestamp(datetime.now(timezone.utc))
    position = [0]
    chunk: list[dict] = []

    def flush() -> None:
        try:
            ids = _store_chunk(store, chunk, collection, created, report)
        except MarsadError as exc:
            exc.message = (f"{exc.message} (import of {path.name} stopped after {report.rows} rows read; "
                           f"{report.added + report.updated} incidents stored before)")
            exc.args = (exc.message,)
            raise exc from None
        if ids:
            record_write(store.engine, actor, ids, source=f"{kind} import", collection=collection, file=path.name)
        chunk.clear()
        if progress:
            progress(position[0], size, report.added + report.updated + report.unchanged)

    for obj in _rows_to_incidents(kind, path, tlp, created, report, lambda n: position.__setitem__(0, n)):
        chunk.append(obj)
        if len(chunk) >= CHUNK:
            flush()
    if chunk:
        flush()
    if report.added or report.updated:
        with store.engine.begin() as conn:
            analyze_incident_facts(conn)
    if report.rows and report.rows == len(report.problems):
        raise InputError(f"{path.name}: no usable row ({report.problems[0].reason} on line {report.problems[0].line})")
    return report
