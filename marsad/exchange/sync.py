"""Federation: keep a national instance and the regional hub in step over TAXII 2.1, incrementally.

Why this design:

- **Incremental and resumable.** The position of each (remote, remote collection, local collection, direction)
  lives in ``sync_state`` (:mod:`marsad.store.sync_state`). A pull pages through Get Objects with ``next``
  and saves the remote's ``X-TAXII-Date-Added-Last`` (and the ``next`` token) only *after* the page is
  stored; a push saves the last local ``date_added`` (and its paging cursor) only after the remote's status
  accepted the batch. An interruption therefore never skips an object: the next run continues with the
  saved token — exactly after the last stored page, so even a link that drops after every page makes
  progress — or, when there is none or the peer refuses it (expired), from the saved position.
- **Timestamp precision.** ``added_after`` is strict, many objects can share one ``date_added`` (a whole
  bundle is stored at one instant), and peers may truncate timestamps. So a run starts ``overlap``
  (default 1 ms) *before* the saved position — effectively ``>=`` — and the saved values are the exact
  strings the remote sent (or microsecond strings for local dates). Objects fetched or sent twice are
  harmless: the store (and a Marsad peer) treat an identical re-sent version as success ("unchanged").
- **Idempotent.** A rerun with nothing new stores nothing new (every re-fetched version is "unchanged").
- **All versions.** Pulls ask for ``match[version]=all`` and pushes send every version, so both sides end
  with the same set of (id, modified).
- **What may leave (push).** A push runs *as a local user*, normally the account that represents the remote
  organisation in the local database: exactly what that user may see in the local collection under the
  sharing policy (:func:`marsad.access.policy.visible_clause`) is pushed, so an object whose TLP or
  releasability excludes the remote organisation is never sent. Marking-definitions the sent objects refer
  to travel with them, so the remote can apply the same markings.
- **Pull writes.** What a page may bring in is decided by :mod:`marsad.exchange.sync_intake` (validation,
  markings); refused objects and conflicts (same id and version, other content) are reported, not stored,
  and do not stop the run.
- **Audit.** Each pulled page is recorded as a ``write`` and each pushed batch as an ``export``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

from marsad.access.audit import record_export, record_write
from marsad.access.context import Viewer
from marsad.access.policy import visible_clause
from marsad.errors import AccessDenied, InputError, MarsadError, NotFound
from marsad.exchange.sync_intake import accept_page, complete_markings, marking_refs
from marsad.exchange.sync_peer import Peer, RemotePage
from marsad.store.store import Store
from marsad.store.sync_state import SyncKey, SyncState, load_state, save_state
from marsad.store.timestamps import format_timestamp, parse_timestamp

__all__ = ["SyncReport", "pull", "push", "DEFAULT_OVERLAP", "rewound"]

#: how far before the saved position a run starts (see module doc: timestamp precision)
DEFAULT_OVERLAP = timedelta(milliseconds=1)
Progress = Callable[["SyncReport"], None]


@dataclass
class SyncReport:
    """What one run did. ``failures``: objects refused (id, version, message); ``complete``: reached the end."""

    direction: str
    remote: str
    remote_collection: str
    local_collection: str
    pages: int = 0
    objects: int = 0
    added: int = 0
    unchanged: int = 0
    failures: list[dict] = field(default_factory=list)
    last_added: str | None = None
    complete: bool = False
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "pulled from" if self.direction == "pull" else "pushed to"
        state = "up to date" if self.complete else "stopped early"
        return (f"{self.objects} object(s) {verb} {self.remote} in {self.pages} page(s): {self.added} new, "
                f"{self.unchanged} already there, {len(self.failures)} refused; {state}; "
                f"position {self.last_added or '(start)'}")


def rewound(position: str | None, overlap: timedelta) -> str | None:
    """``position`` moved back by ``overlap``, as a microsecond timestamp string (None stays None)."""
    if position is None:
        return None
    return format_timestamp(parse_timestamp(position) - overlap)


def _actor(viewer: Viewer | None, remote: str) -> Viewer | str:
    return viewer if viewer is not None else f"sync:{remote}"


def _save(store: Store, state: SyncState) -> SyncState:
    with store.engine.begin() as conn:
        return save_state(conn, state)


def _start(store: Store, key: SyncKey) -> SyncState:
    with store.engine.begin() as conn:
        state = load_state(conn, key)
        return save_state(conn, replace(state, runs=state.runs + 1, last_error=None))


def _note_error(store: Store, key: SyncKey, error: Exception) -> None:
    try:
        with store.engine.begin() as conn:
            state = load_state(conn, key)
            save_state(conn, replace(state, last_error=str(error)[:1000]))
    except Exception:  # pragma: no cover - the original error matters more than this note
        pass


# --- pull ------------------------------------------------------------------------------------------------------

def _store_page(store: Store, peer: Peer, report: SyncReport, page: RemotePage, actor) -> None:
    objects, failures = accept_page(store, complete_markings(store, peer, report.remote_collection, page.objects))
    report.failures.extend(failures)
    report.objects += len(page.objects)
    if not objects:
        return
    result = store.put_objects(objects, collection_id=report.local_collection, all_or_nothing=False)
    report.added += len(result.added)
    report.unchanged += len(result.unchanged)
    report.failures.extend({"id": o.id, "version": o.version, "message": o.message} for o in result.conflicts)
    record_write(store.engine, actor, [o.id for o in result.added], what="sync.pull", remote=peer.url,
                 remote_collection=report.remote_collection, collection=report.local_collection)


def _resume_point(state: SyncState, overlap: timedelta) -> tuple[str | None, str | None]:
    """(added_after, token) a run starts from: the unfinished run's token with the query it belongs to, else
    the saved position moved back by ``overlap``."""
    if state.next_token:
        return state.resume_after, state.next_token
    return rewound(state.last_added, overlap), None


_TOKEN_REFUSED = "the saved paging token was refused (expired?): continuing from the saved position instead"


def pull(store: Store, peer: Peer, *, remote_collection: str, local_collection: str, viewer: Viewer | None = None,
         page_size: int = 100, overlap: timedelta = DEFAULT_OVERLAP, max_pages: int | None = None,
         progress: Progress | None = None) -> SyncReport:
    """Fetch what the remote collection gained since the saved position into ``local_collection``.

    ``viewer`` (optional) is the local user the run is recorded as and who must be allowed to write the local
    collection; without one the audit names ``sync:<remote>``. ``max_pages`` stops early (the rest next run).
    """
    local_id = store.get_collection(local_collection).id
    if viewer is not None and not viewer.can_write_collection(local_id):
        raise AccessDenied(f"{viewer.username} may not add objects to collection {local_collection!r}")
    key = SyncKey(peer.url, remote_collection, local_id, "pull")
    state = _start(store, key)
    report = SyncReport("pull", peer.url, remote_collection, local_id, last_added=state.last_added)
    added_after, token = _resume_point(state, overlap)
    saved_token = token
    try:
        while max_pages is None or report.pages < max_pages:
            try:
                page = peer.get_objects(remote_collection, added_after=added_after, next=token, limit=page_size)
            except (InputError, NotFound):
                if token is None or token != saved_token:
                    raise
                report.warnings.append(_TOKEN_REFUSED)
                added_after, token, saved_token = rewound(state.last_added, overlap), None, None
                continue
            state = _pulled(store, peer, report, state, page, added_after, viewer, progress)
            if not page.more or not page.objects:
                report.complete = True
                break
            token = page.next
            if token is None:  # a server that pages by added_after alone
                if not page.date_added_last or page.date_added_last == added_after:
                    report.warnings.append(f"{peer.url} says there is more but gives no way to ask for it")
                    break
                added_after = page.date_added_last
    except MarsadError as exc:
        _note_error(store, key, exc)
        raise
    return report


def _pulled(store: Store, peer: Peer, report: SyncReport, state: SyncState, page: RemotePage,
            added_after: str | None, viewer: Viewer | None, progress: Progress | None) -> SyncState:
    """Store one page, then — only then — save the position it reached."""
    _store_page(store, peer, report, page, _actor(viewer, peer.url))
    report.pages += 1
    if page.objects and not page.date_added_last and not report.warnings:
        report.warnings.append(f"{peer.url} sends no X-TAXII-Date-Added-Last header: the position cannot "
                               "move, so the next run fetches everything again (nothing is stored twice)")
    state = _save(store, state.advanced(page.date_added_last, page.next if page.more else None,
                                        len(page.objects), resume_after=added_after))
    report.last_added = state.last_added
    if progress:
        progress(report)
    return state


# --- push ------------------------------------------------------------------------------------------------------

def _with_definitions(store: Store, objects: list[dict], sent: set[str]) -> list[dict]:
    """Marking-definitions the batch refers to (not TLP, not yet sent this run), placed before the batch."""
    wanted = marking_refs(objects) - {o["id"] for o in objects} - sent
    definitions = []
    for ref in sorted(wanted):
        try:
            definitions.append(store.get_object(ref).object)
        except NotFound:
            raise InputError(f"local objects refer to marking {ref}, which is not stored here") from None
    sent.update(wanted)
    return definitions + objects


def push(store: Store, peer: Peer, *, local_collection: str, remote_collection: str, viewer: Viewer,
         batch_size: int = 100, overlap: timedelta = DEFAULT_OVERLAP, max_batches: int | None = None,
         progress: Progress | None = None) -> SyncReport:
    """Send what ``viewer`` may see in ``local_collection`` and was added since the saved position.

    A batch the remote leaves pending stops the run without moving the position (it is re-sent next run);
    objects the remote refuses are reported in ``failures`` (the position moves on: re-sending would not help).
    """
    local_id = store.get_collection(local_collection).id
    key = SyncKey(peer.url, remote_collection, local_id, "push")
    state = _start(store, key)
    report = SyncReport("push", peer.url, remote_collection, local_id, last_added=state.last_added)
    added_after, cursor = _resume_point(state, overlap)
    saved_cursor, sent, where = cursor, set(), visible_clause(viewer, local_id)
    try:
        while max_batches is None or report.pages < max_batches:
            try:
                page = store.query(local_id, versions="all", added_after=added_after, limit=batch_size,
                                   cursor=cursor, where=where)
            except InputError:
                if cursor is None or cursor != saved_cursor:
                    raise
                report.warnings.append(_TOKEN_REFUSED)
                added_after, cursor, saved_cursor = rewound(state.last_added, overlap), None, None
                continue
            if not page.objects:
                report.complete = True
                break
            state = _pushed(store, peer, report, state, page, added_after, viewer, sent)
            if progress:
                progress(report)
            if not page.more:
                report.complete = True
                break
            cursor = page.next
    except MarsadError as exc:
        _note_error(store, key, exc)
        raise
    return report


def _pushed(store: Store, peer: Peer, report: SyncReport, state: SyncState, page, added_after: str | None,
            viewer: Viewer, sent: set[str]) -> SyncState:
    """Send one batch; once the remote's status is final, record it and save the position it reached."""
    objects = [item.object for item in page.objects]
    status = peer.add_objects(report.remote_collection, _with_definitions(store, objects, sent))
    if status.status != "complete" or status.pending_count:
        raise MarsadError(f"{peer.url} left {status.pending_count} object(s) pending (status {status.id}); "
                          "the batch will be sent again next run", status=502)
    report.pages += 1
    report.objects += len(objects)
    report.failures.extend(status.failures)
    already = sum(1 for s in status.successes if "already" in str(s.get("message", "")))
    report.unchanged += already
    report.added += status.success_count - already
    record_export(store.engine, viewer, [o["id"] for o in objects], what="sync.push", remote=peer.url,
                  remote_collection=report.remote_collection, status=status.id, failures=status.failure_count)
    state = _save(store, state.advanced(format_timestamp(page.last_added), page.next if page.more else None,
                                        len(objects), resume_after=added_after))
    report.last_added = state.last_added
    return state
