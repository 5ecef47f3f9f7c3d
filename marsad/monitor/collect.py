"""One poll of one source: fetch or read, parse, drop what was seen, record health — never crash.

Why a module of its own: this is the only place that ties the pieces together (:mod:`fetch`, :mod:`feeds`,
:mod:`pages`, :mod:`folders`, the seen-items table and the health columns), so the poller, the pipeline and
`marsad source test` behave the same. Every failure of a source — unreachable, refused address, too large,
wrong content type, unsafe or broken XML, even an unexpected exception in a parser — becomes the source's
``last_error`` and one more ``consecutive_failures``, and the poll returns no items; nothing already stored
is touched. New items are recorded as seen and queued for the pipeline (:func:`marsad.monitor.queue.enqueue`)
in the same transaction as the health, so a crash between the steps never loses or repeats a batch: an item
is either seen and queued, or neither.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from marsad.errors import MarsadError, StoreError
from marsad.monitor.feeds import parse_feed
from marsad.monitor.fetch import FEED_TYPES, PAGE_TYPES, FetchPolicy, fetch
from marsad.monitor.folders import read_folder
from marsad.monitor.items import SourceItem, unique_items
from marsad.monitor.queue import enqueue
from marsad.monitor.pages import page_item
from marsad.monitor.sources import Source, due_sources, get_source, record_failure, record_success
from marsad.store import sources as table

__all__ = ["Collected", "PollResult", "collect", "poll", "check", "poll_due"]

log = logging.getLogger(__name__)


@dataclass
class Collected:
    """What one reading of a source found, before dedupe against what was seen."""

    items: list[SourceItem] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    fingerprints: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class PollResult:
    """A poll's outcome: the new items (for the pipeline), how many were found, the error if it failed."""

    source: Source
    items: list[SourceItem]
    found: int
    error: str | None = None


def _policy_for(source: Source, policy: FetchPolicy | None) -> FetchPolicy:
    return replace(policy or FetchPolicy(), allow_private=source.allow_private)


def collect(source: Source, *, policy: FetchPolicy | None = None, conditional: bool = True,
            known_files: frozenset[str] | set[str] = frozenset()) -> Collected:
    """Read ``source`` once (raises :class:`MarsadError` on failure); stores nothing."""
    now = datetime.now(timezone.utc)
    if source.kind == "folder":
        batch = read_folder(source.location, source_id=source.id, known=known_files, fetched_at=now)
        if batch.problems and not batch.items and not batch.fingerprints:
            raise MarsadError(batch.problems[0])
        return Collected(items=batch.items, fingerprints=batch.fingerprints, problems=batch.problems)
    accept = FEED_TYPES if source.kind == "feed" else PAGE_TYPES
    result = fetch(source.location, accept=accept, policy=_policy_for(source, policy),
                   etag=source.etag if conditional else None,
                   last_modified=source.last_modified if conditional else None)
    found = Collected(etag=result.etag, last_modified=result.last_modified, not_modified=result.not_modified)
    if result.not_modified:
        return found
    if source.kind == "feed":
        found.items = parse_feed(result.content, source_id=source.id, base_url=result.url, fetched_at=now)
    else:
        found.items = [page_item(result.content, url=result.url, charset=result.charset, source_id=source.id,
                                 fetched_at=now)]
    return found


def _safely_collect(engine: Engine, source: Source, policy, conditional) -> tuple[Collected | None, str | None]:
    """Collect, turning every failure into a message; a conditional read skips folder files already read."""
    try:
        known = set()
        if source.kind == "folder" and conditional:
            with engine.connect() as conn:
                known = table.seen_keys(conn, source.id, "file:")
        return collect(source, policy=policy, conditional=conditional, known_files=known), None
    except MarsadError as exc:
        log.warning("source %s failed: %s", source.name, exc.message)
        return None, exc.message
    except Exception as exc:  # a parser bug on hostile input must not stop the other sources
        log.exception("source %s failed unexpectedly", source.name)
        return None, f"unexpected {exc.__class__.__name__} while reading the source"


def _fingerprint_hash(fingerprint: str) -> str:
    return hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()


def poll(engine: Engine, source: Source, *, policy: FetchPolicy | None = None) -> PollResult:
    """Poll once: the items not seen before are recorded as seen, queued for the pipeline and returned; health
    is updated either way."""
    now = datetime.now(timezone.utc)
    found, error = _safely_collect(engine, source, policy, conditional=True)
    try:
        with engine.begin() as conn:
            if found is None:
                record_failure(conn, source, now, error or "failed")
                return PollResult(get_source(conn, source.name), [], 0, error)
            items = unique_items(found.items)
            known_keys, known_hashes = table.seen_among(conn, source.id, [i.key for i in items],
                                                        [i.content_hash for i in items])
            new = [i for i in items if i.key not in known_keys and i.content_hash not in known_hashes]
            table.add_seen(conn, source.id, [(i.key, i.content_hash) for i in new]
                           + [(f, _fingerprint_hash(f)) for f in found.fingerprints], now)
            enqueue(conn, new, now=now)
            problem = "; ".join(found.problems) or None
            if found.not_modified:  # a 304 may omit the validators: keep the ones that produced it
                found.etag, found.last_modified = found.etag or source.etag, found.last_modified or source.last_modified
            record_success(conn, source, now, new_items=len(new), etag=found.etag,
                           last_modified=found.last_modified, problem=problem)
            return PollResult(get_source(conn, source.name), new, len(found.items))
    except SQLAlchemyError as exc:
        raise StoreError(f"could not record the poll of source {source.name!r}: {exc.__class__.__name__}") from None


def check(engine: Engine, source: Source, *, policy: FetchPolicy | None = None) -> PollResult:
    """Read once without a conditional request and record only the health (`marsad source test`)."""
    now = datetime.now(timezone.utc)
    found, error = _safely_collect(engine, replace(source, etag=None, last_modified=None), policy, conditional=False)
    with engine.begin() as conn:
        if found is None:
            record_failure(conn, source, now, error or "failed", reschedule=False)
            return PollResult(get_source(conn, source.name), [], 0, error)
        record_success(conn, source, now, new_items=0, problem="; ".join(found.problems) or None, reschedule=False)
        return PollResult(get_source(conn, source.name), unique_items(found.items), len(found.items))


def poll_due(engine: Engine, *, now: datetime | None = None, policy: FetchPolicy | None = None) -> list[PollResult]:
    """Poll every source that is due, one after the other; one source failing never stops the others."""
    with engine.connect() as conn:
        due = due_sources(conn, now or datetime.now(timezone.utc))
    return [poll(engine, source, policy=policy) for source in due]
