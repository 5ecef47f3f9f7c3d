"""A drop folder → :class:`SourceItem` values: member-state reports saved as .txt, .html, .json(l) or .eml.

Why: many units cannot expose a feed; they drop files into a shared or air-gapped folder. Every file is
read defensively: bytes are decoded by :func:`decode_bytes` (a wrong or missing charset never crashes),
JSON records use the same fields as `marsad extract` input (``id``, ``text``, ``title``, ``published``,
``lang``), e-mails are parsed by the standard :mod:`email` package (subject, date, plain or HTML body).
A file that cannot be read is reported in ``problems`` and the others still are.

What was read is remembered by *fingerprint* (relative path, size, modification time): the caller stores
the fingerprints it was given back and passes them in next time, so an unchanged file is never read twice
and a rewritten one is read again (its items then dedupe by key and content). Hidden files, symbolic
links and files over ``max_file_bytes`` are skipped.
"""

from __future__ import annotations

import email
import email.errors
import email.policy
import email.utils
import json
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from marsad.monitor.decoding import decode_bytes
from marsad.monitor.feeds import html_to_text
from marsad.monitor.items import SourceItem, make_item
from marsad.monitor.pages import page_text

__all__ = ["FolderBatch", "read_folder", "file_fingerprint", "FOLDER_SUFFIXES"]

FOLDER_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl", ".eml")
MAX_FILES = 5_000
#: new items read per call: a drop of a hundred thousand JSON Lines records is queued over several polls, so
#: the poller never holds them all at once (memory stays flat however large the drop)
MAX_ITEMS = 10_000


@dataclass
class FolderBatch:
    """One reading of a folder: new items, the fingerprints of the files read, and what could not be read."""

    items: list[SourceItem] = field(default_factory=list)
    fingerprints: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def file_fingerprint(path: Path, root: Path) -> str:
    """``file:<relative path>:<size>:<mtime ns>``: changes when the file is rewritten."""
    stat = path.stat()
    return f"file:{path.relative_to(root).as_posix()}:{stat.st_size}:{stat.st_mtime_ns}"


def _date(value) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _records(data: bytes, suffix: str) -> Iterator[tuple[str, dict]]:
    """``(record key, record)`` pairs of a .json (object or list) or .jsonl file; bad lines are skipped."""
    text, _ = decode_bytes(data)
    if suffix == ".json":
        loaded = json.loads(text)
        rows = loaded if isinstance(loaded, list) else [loaded]
        numbered = enumerate(rows, 1)
    else:
        numbered = ((n, _json_or_none(line)) for n, line in enumerate(text.splitlines(), 1) if line.strip())
    for number, row in numbered:
        if isinstance(row, dict):
            yield str(row.get("id") or f"record-{number}"), row


def _json_or_none(line: str):
    try:
        return json.loads(line)
    except ValueError:
        return None


def _email_parts(data: bytes) -> tuple[str, str, datetime | None, str | None]:
    message = email.message_from_bytes(data, policy=email.policy.default)
    subject = str(message.get("subject", "") or "")
    published = None
    if message.get("date"):
        try:
            published = email.utils.parsedate_to_datetime(str(message["date"]))
        except (TypeError, ValueError):
            published = None
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        try:
            text = body.get_content()
        except (LookupError, UnicodeError, AssertionError):
            text, _ = decode_bytes(body.get_payload(decode=True) or b"")
        if body.get_content_subtype() == "html":
            text = html_to_text(text)
    language = str(message.get("content-language", "") or "") or None
    return subject, text, published, language


def _file_items(path: Path, relative: str, source_id: int | None, now: datetime) -> list[SourceItem | None]:
    data = path.read_bytes()
    suffix = path.suffix.lower()
    url = path.as_uri()
    if suffix in (".json", ".jsonl"):
        return [make_item(source_id=source_id, key=f"{relative}#{key}", url=url, title=row.get("title"),
                          text=row.get("text"), published=_date(row.get("published")), language=row.get("lang"),
                          fetched_at=now, metadata={"file": relative, "record_id": key})
                for key, row in _records(data, suffix)]
    if suffix == ".eml":
        title, text, published, language = _email_parts(data)
    elif suffix in (".html", ".htm"):
        title, text, published, language = page_text(decode_bytes(data)[0], url)
    else:
        title, text, published, language = path.stem, decode_bytes(data)[0], None, None
    if suffix != ".eml" and not text.strip():  # a file name alone is not a report
        return []
    return [make_item(source_id=source_id, key=relative, url=url, title=title, text=text, published=published,
                      language=language, fetched_at=now, metadata={"file": relative})]


def _candidates(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or path.is_symlink():
            continue
        if path.is_file() and path.suffix.lower() in FOLDER_SUFFIXES:
            yield path


def read_folder(directory: str | Path, *, source_id: int | None = None, known: Container[str] = frozenset(),
                max_file_bytes: int = 20_000_000, max_files: int = MAX_FILES, max_items: int = MAX_ITEMS,
                fetched_at: datetime | None = None) -> FolderBatch:
    """Read the files of ``directory`` whose fingerprint is not in ``known`` (at most ``max_files`` new ones,
    and no new file once ``max_items`` items were read, per call, so a huge drop is spread over polls); never
    raises for one bad file."""
    root = Path(directory)
    batch = FolderBatch()
    if not root.is_dir():
        batch.problems.append(f"{root}: not a readable folder")
        return batch
    now = fetched_at or datetime.now(timezone.utc)
    for path in _candidates(root):
        relative = path.relative_to(root).as_posix()
        try:
            fingerprint = file_fingerprint(path, root)
            if fingerprint in known:
                continue
            if len(batch.fingerprints) >= max_files:
                batch.problems.append(f"more than {max_files} new files; the rest are read next time")
                break
            if len(batch.items) >= max_items:
                break  # not a problem: the next poll reads on
            batch.fingerprints.append(fingerprint)
            if path.stat().st_size > max_file_bytes:
                batch.problems.append(f"{relative}: over {max_file_bytes} bytes, skipped")
                continue
            batch.items.extend(item for item in _file_items(path, relative, source_id, now) if item is not None)
        except (OSError, ValueError, UnicodeError, LookupError, email.errors.MessageError) as exc:
            batch.problems.append(f"{relative}: {exc.__class__.__name__}: {exc}")
    return batch
