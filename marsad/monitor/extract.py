"""Extraction: one news report (Arabic, English or French) → one structured incident record.

Why one orchestrator: the monitoring pipeline, the ``marsad extract`` command and tests all need the same
record with the same fields in the same order (:data:`FIELDS`). This module detects the language,
featurises the text once, runs relevance and typing on the shared features, and calls the dedicated
readers for date, casualties, place and perpetrator.

Policy for reports that are *not* incidents (``is_incident`` false): the probability, language, date,
place, named perpetrator (never "Unknown") and themes are still filled — analysts use them on policy news
too — but attack/target/weapon types are ``[]`` and killed/wounded ``null``, because they only mean
something for an incident. For incidents with no named group, ``perpetrator`` is "Unknown"; for other reports it is null then.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter

import numpy as np

from marsad.errors import InputError
from marsad.monitor.casualties import find_casualties
from marsad.monitor.dates import find_incident_date
from marsad.monitor.features import Features, featurise
from marsad.monitor.incident_types import type_probabilities, types_from_features
from marsad.monitor.language import detect_language
from marsad.monitor.models import load_models
from marsad.monitor.perpetrators import UNKNOWN, find_perpetrator
from marsad.monitor.places import find_places
from marsad.monitor.relevance import relevance_from_features
from marsad.monitor.themes import themes_from_features


__all__ = ["FIELDS", "IncidentRecord", "extract", "extract_report", "extract_batch", "extract_lines"]

#: the output fields, in output order (the `marsad extract` JSON Lines contract)
FIELDS = (
    "id", "is_incident", "incident_probability", "lang", "date", "country", "admin1", "city", "latitude",
    "longitude", "perpetrator", "attack_types", "target_types", "weapon_types", "killed", "wounded", "themes",
)
_MAX_TEXT = 200_000
#: reports read together, reader by reader, by the batch entry points (at most the 16 texts the readers'
#: shared folding caches keep; numbers.normalise keeps 40: a title and a body each)
BATCH = 12


@dataclass
class IncidentRecord:
    """What Marsad extracted from one report; :meth:`to_dict` gives the JSON Lines record."""

    id: str | None
    is_incident: bool
    incident_probability: float
    lang: str
    date: str | None = None
    country: str | None = None
    admin1: str | None = None
    city: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    perpetrator: str | None = None
    attack_types: list[str] = field(default_factory=list)
    target_types: list[str] = field(default_factory=list)
    weapon_types: list[str] = field(default_factory=list)
    killed: int | None = None
    wounded: int | None = None
    themes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(zip(FIELDS, _FIELD_VALUES(self)))  # the fields in FIELDS order, read by one C-level getter


#: an :class:`IncidentRecord`'s values in :data:`FIELDS` order
_FIELD_VALUES = attrgetter(*FIELDS)


def _published(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise InputError(f"'published' must be a date written YYYY-MM-DD, not {value!r}")


@dataclass(slots=True)
class _Work:
    """One report between the stages of :func:`_finish`: its record so far and what later readers need."""

    record: IncidentRecord
    text: str
    title: str | None
    full: str
    reader_lang: str
    feats: Features
    scores: np.ndarray
    published: date | None


def _start(text, title, published, lang, report_id) -> _Work:
    """Checks, language, features, model scores and relevance of one report (raises :class:`InputError`)."""
    if not isinstance(text, str):
        raise InputError("'text' must be a string")
    if title is not None and not isinstance(title, str):
        raise InputError("'title' must be a string")
    pub = _published(published)
    text = text[:_MAX_TEXT]
    full = f"{title}\n\n{text}" if title else text
    detected = detect_language(text, lang if isinstance(lang, str) else None, title=title)
    feats = featurise(text, title, detected)
    models = load_models()
    scores = models.raw(feats, detected)
    relevance = relevance_from_features(feats, detected, models, scores)
    record = IncidentRecord(report_id, relevance.is_incident, relevance.probability, detected)
    reader_lang = detected if detected in ("ar", "en", "fr") else "en"
    return _Work(record, text, title, full, reader_lang, feats, scores, pub)


def _finish(works: list[_Work]) -> None:
    """Every other reader, one reader at a time over all the reports: each reader's tables and automata
    stay in the CPU's caches from one report to the next (a third faster than report by report, for
    batches of up to :data:`BATCH` — the folded-text caches the readers share hold 16 reports)."""
    for work in works:
        found = find_incident_date(work.text, work.reader_lang, work.published)
        if found.date is None and work.title:
            found = find_incident_date(work.title, work.reader_lang, work.published)
        work.record.date = found.date.isoformat() if found.date is not None else None
    for work in works:
        _place(work.record, work.full, work.reader_lang)
    for work in works:
        record = work.record
        record.perpetrator = _perpetrator(work.full, work.reader_lang, record.country, record.is_incident)
    models = load_models()
    incidents = [work for work in works if work.record.is_incident]
    # the incidents' type probabilities in one softmax call for them all (numpy's cost per call dominated)
    rows = iter(type_probabilities(models, [work.scores for work in incidents])) if incidents else iter(())
    for work in works:
        record = work.record
        record.themes = themes_from_features(work.feats, record.lang)  # the theme entries featurise recorded
        if record.is_incident:
            types = types_from_features(work.feats, record.lang, models, work.scores, next(rows))
            record.attack_types, record.target_types = types.attack_types, types.target_types
            record.weapon_types = types.weapon_types
    for work in works:
        if work.record.is_incident:
            work.record.killed, work.record.wounded = _toll(work)


def _toll(work: _Work) -> tuple[int | None, int | None]:
    """Killed and wounded: the body's figures; where the body states none, the title's.

    A body with no figure may still give 0 by the codebook's rule (it tells its victims' fate with no death
    word: "several people were injured"), but that rule reads the body's silence, and a headline's figure
    ("Car bomb kills 5") breaks it: a kind the title counts above zero takes the title's figure. A body with
    nothing at all takes the title's reading whole, zeros included ("no casualties" in the headline).
    """
    toll = find_casualties(work.text, work.reader_lang)
    if toll.evidence or not work.title:
        return toll.killed, toll.wounded
    head = find_casualties(work.title, work.reader_lang)
    if toll.killed is None and toll.wounded is None:
        return head.killed, head.wounded
    return (head.killed if (head.killed or 0) > 0 else toll.killed,
            head.wounded if (head.wounded or 0) > 0 else toll.wounded)


def _place(record: IncidentRecord, text: str, lang: str) -> None:
    place = find_places(text, lang)
    record.country, record.admin1, record.city = place.country, place.admin1, place.city
    record.latitude = None if place.latitude is None else round(float(place.latitude), 5)
    record.longitude = None if place.longitude is None else round(float(place.longitude), 5)


def _perpetrator(text: str, lang: str, country: str | None, is_incident: bool) -> str | None:
    name = find_perpetrator(text, lang, country=country).name
    if name and name != UNKNOWN:
        return name
    return UNKNOWN if is_incident else None


def extract(text: str, *, title: str | None = None, published: str | date | None = None,
            lang: str | None = None, id: str | None = None) -> IncidentRecord:
    """Extract the incident record of one report.

    ``lang`` is the source's declared language (a hint; the text decides); ``published`` (YYYY-MM-DD or a
    date) anchors relative dates ("yesterday", "أمس", "hier"). Raises :class:`InputError` for a text that is
    not a string or a malformed ``published``. Many reports: :func:`extract_batch` (same records, faster).
    """
    work = _start(text, title, published, lang, id)
    _finish([work])
    return work.record


def _error(message: str, report_id=None) -> dict:
    out = {"id": report_id} if report_id is not None else {}
    out["error"] = message
    return out


def _started(report) -> _Work | dict:
    """The report's work item, or its error record (``{"id"?, "error"}``) when the input is wrong."""
    if type(report) is not dict and not isinstance(report, Mapping):  # a JSON object is a dict: no ABC check
        return _error("each line must be a JSON object")
    report_id = report.get("id")
    if report_id is not None and not isinstance(report_id, str):
        report_id = str(report_id)
    if "text" not in report or report.get("text") is None:
        return _error("the report has no 'text'", report_id)
    try:
        return _start(report["text"], report.get("title"), report.get("published"), report.get("lang"), report_id)
    except InputError as exc:
        return _error(exc.message, report_id)


def _records(started: list[_Work | dict]) -> list[dict]:
    _finish([item for item in started if isinstance(item, _Work)])
    return [item.record.to_dict() if isinstance(item, _Work) else item for item in started]


def extract_report(report: Mapping) -> dict:
    """One input object (``{"id", "text", "title"?, "published"?, "lang"?}``) → its output record as a dict,
    or ``{"id"?, "error"}`` naming what is wrong with it. Never raises for bad input."""
    return _records([_started(report)])[0]


def extract_batch(reports: Iterable[Mapping]) -> list[dict]:
    """:func:`extract_report` over many reports, in order (the monitoring pipeline's entry point), read
    :data:`BATCH` at a time reader by reader (see :func:`_finish`)."""
    out: list[dict] = []
    chunk: list[_Work | dict] = []
    for report in reports:
        chunk.append(_started(report))
        if len(chunk) == BATCH:
            out += _records(chunk)
            chunk = []
    return out + _records(chunk) if chunk else out


def extract_lines(lines: Iterable[str | bytes]) -> Iterator[str]:
    """JSON Lines in (text or UTF-8 bytes) → JSON Lines out, one output line per non-blank input line, in
    order; a line that is not UTF-8 or not JSON gets an error line naming its line number. Lines are read
    :data:`BATCH` at a time (see :func:`_finish`), so output comes in bursts of that many."""
    chunk: list[_Work | dict | str] = []
    for number, line in enumerate(lines, 1):
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                chunk.append(json.dumps(_error(f"line {number} is not valid UTF-8")))
                continue
        if not line.strip():
            continue
        try:
            report = json.loads(line)
        except ValueError as exc:
            chunk.append(json.dumps(_error(f"line {number} is not valid JSON ({exc.msg})"), ensure_ascii=False))
            continue
        chunk.append(_started(report))
        if len(chunk) >= BATCH:
            yield from _lines(chunk)
            chunk = []
    yield from _lines(chunk)


def _lines(chunk: list[_Work | dict | str]) -> list[str]:
    _finish([item for item in chunk if isinstance(item, _Work)])
    return [item if isinstance(item, str) else json.dumps(item.record.to_dict() if isinstance(item, _Work) else item,
                                                          ensure_ascii=False) for item in chunk]
