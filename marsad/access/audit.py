"""The audit trail: record every read, write, export, denial, sign-in and administrative change; verify the chain.

Why in the access layer: whoever decides access also answers for it. Callers pass a
:class:`~marsad.access.context.Viewer` (or an actor name for system work) and the object ids touched; the entry
keeps who, which objects, when and from where — never object content (data minimisation). The chain itself
(hashing, locking, the head checkpoint) is in :mod:`marsad.store.audit`; :func:`verify_chain` recomputes it and
reports the first entry that does not fit, so editing, inserting or deleting any entry — including the last
ones — is detected. An outside copy of the head (from ``marsad audit export``) anchors the check against someone
who rewrites the whole tail and the head together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marsad.access.context import Viewer
from marsad.access.db import Db, connected, in_transaction
from marsad.errors import InputError
from marsad.store.accounts import utcnow
from marsad.store.audit import (
    GENESIS_HASH,
    ChainHead,
    StoredEntry,
    append_entry,
    storable_detail,
    entry_hash,
    iter_entries,
    read_head,
)

__all__ = [
    "ACTIONS",
    "SYSTEM",
    "VerifyResult",
    "record",
    "record_read",
    "record_write",
    "record_export",
    "record_denial",
    "record_login",
    "record_admin",
    "verify_chain",
    "export_entries",
    "chain_head",
]

#: what an entry may record
ACTIONS = ("read", "write", "export", "deny", "login", "logout", "admin")
_LOWEST_SEQ = -(2**63) + 1
#: the actor of work no user started (imports by schedule, migrations…)
SYSTEM = "system"
Actor = Viewer | str


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of :func:`verify_chain`: ``entries`` checked; the first bad ``seq`` and why, if not ``ok``."""

    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str | None = None
    head: ChainHead | None = None


def _who(actor: Actor) -> tuple[str, str | None]:
    if isinstance(actor, Viewer):
        return actor.username, actor.org_name
    if not actor:
        raise InputError("an audit entry needs an actor")
    return str(actor), None


def record(db: Db, actor: Actor, action: str, object_ids: Iterable[str] = (), *, detail: dict[str, Any] | None = None,
           remote_addr: str | None = None, org: str | None = None, at: datetime | None = None) -> StoredEntry:
    """Append one entry; with an Engine it commits at once, with a Connection it commits with the caller's work."""
    if action not in ACTIONS:
        raise InputError(f"unknown audit action {action!r}; expected one of {', '.join(ACTIONS)}")
    username, actor_org = _who(actor)
    ids = sorted({str(i) for i in object_ids})
    try:
        detail = storable_detail(detail or {})
    except ValueError as exc:
        raise InputError(f"an audit entry's detail must be JSON: {exc}") from None
    with in_transaction(db, "the audit entry") as conn:
        return append_entry(conn, at=at or utcnow(), actor=username[:64], org=_cut(org or actor_org, 200),
                            action=action, object_ids=ids, detail=detail, remote_addr=_cut(remote_addr, 64))


def _cut(value: str | None, length: int) -> str | None:
    return None if value is None else str(value)[:length]


def record_read(db: Db, viewer: Actor, object_ids: Iterable[str], *, remote_addr: str | None = None,
                **detail: Any) -> StoredEntry:
    """Record that ``viewer`` was given these objects (e.g. one TAXII page)."""
    return record(db, viewer, "read", object_ids, detail=detail, remote_addr=remote_addr)


def record_write(db: Db, viewer: Actor, object_ids: Iterable[str], *, remote_addr: str | None = None,
                 **detail: Any) -> StoredEntry:
    """Record that ``viewer`` stored these objects."""
    return record(db, viewer, "write", object_ids, detail=detail, remote_addr=remote_addr)


def record_export(db: Db, viewer: Actor, object_ids: Iterable[str], *, remote_addr: str | None = None,
                  **detail: Any) -> StoredEntry:
    """Record that ``viewer`` exported these objects out of Marsad (file, bundle, report)."""
    return record(db, viewer, "export", object_ids, detail=detail, remote_addr=remote_addr)


def record_denial(db: Db, viewer: Actor, attempted: str, object_ids: Iterable[str] = (), *, reason: str,
                  remote_addr: str | None = None, **detail: Any) -> StoredEntry:
    """Record a refusal: what was ``attempted`` (read, write, login…), on which objects, and why.

    Pass an Engine (not the request's Connection): the refusal must stay recorded although the request fails
    and its transaction is rolled back.
    """
    return record(db, viewer, "deny", object_ids, detail={"attempted": attempted, "reason": reason, **detail},
                  remote_addr=remote_addr)


def record_login(db: Db, viewer: Actor, *, method: str, remote_addr: str | None = None) -> StoredEntry:
    """Record a successful sign-in (``method``: password, api-key, session)."""
    return record(db, viewer, "login", detail={"method": method}, remote_addr=remote_addr)


def record_admin(db: Db, actor: Actor, change: str, *, remote_addr: str | None = None, **detail: Any) -> StoredEntry:
    """Record an administrative change (``change``: e.g. ``user.add``, ``key.revoke``, ``collection.grant``)."""
    return record(db, actor, "admin", detail={"change": change, **detail}, remote_addr=remote_addr)


def chain_head(db: Db) -> ChainHead:
    """The recorded head of the chain (seq 0 and the genesis hash when empty)."""
    with connected(db) as conn:
        return read_head(conn) or ChainHead(0, GENESIS_HASH)


def _check(entry: StoredEntry, expected_seq: int, prev: str) -> str | None:
    if entry.seq != expected_seq:
        return f"expected entry {expected_seq} but found {entry.seq}: entries are missing or were inserted"
    if entry.prev_hash != prev:
        return "prev_hash does not match the previous entry's hash: an entry before it was removed or altered"
    if entry_hash(prev, entry.fields()) != entry.hash:
        return "hash does not match the entry's content: the entry was altered"
    return None


def _check_head(recorded: ChainHead | None, last: ChainHead, expected_head: ChainHead | None) -> tuple[int, str] | None:
    if recorded is None and last.seq > 0:
        return last.seq, "the recorded head of the chain is missing: it was deleted"
    anchors = [("the recorded head", recorded or ChainHead(0, GENESIS_HASH))]
    if expected_head is not None:
        anchors.append(("the expected head", expected_head))
    for name, anchor in anchors:
        if anchor.seq > last.seq:
            return last.seq + 1, f"{name} is entry {anchor.seq} but the trail ends at {last.seq}: entries were removed"
        if anchor.seq < last.seq and name == "the recorded head":
            return anchor.seq + 1, f"entries after the recorded head {anchor.seq} were added outside the trail"
        if anchor.seq == last.seq and anchor.hash != last.hash:
            return last.seq, f"entry {last.seq}'s hash differs from {name}: the tail was rewritten"
    return None


def verify_chain(db: Db, *, expected_head: ChainHead | None = None) -> VerifyResult:
    """Recompute the whole chain; also compare its end with the recorded head and, if given, an outside copy.

    ``expected_head`` (a head from an earlier export) must be on the chain: entries after it are fine. Safe on
    a live hub: the head is read after the entries (it is written in the same transaction as each entry), and
    entries appended meanwhile are read too before the end is judged.
    """
    prev, count, last = GENESIS_HASH, 0, ChainHead(0, GENESIS_HASH)
    anchor_seen = expected_head is None or expected_head.seq == 0
    with connected(db) as conn:
        while True:
            read_before = count
            # the first pass starts below any possible seq, so a forged entry numbered 0 or less is seen too
            for entry in iter_entries(conn, after_seq=last.seq if count else _LOWEST_SEQ):
                problem = _check(entry, count + 1, prev)
                if problem:
                    return VerifyResult(False, count, min(entry.seq, count + 1), problem, read_head(conn))
                if expected_head is not None and entry.seq == expected_head.seq:
                    if entry.hash != expected_head.hash:
                        return VerifyResult(False, count, entry.seq, "entry differs from the expected head",
                                            read_head(conn))
                    anchor_seen = True
                prev, count, last = entry.hash, count + 1, ChainHead(entry.seq, entry.hash)
            recorded = read_head(conn)
            if recorded is None or recorded.seq <= last.seq or count == read_before:
                break  # nothing appended while reading: judge the end now
    bad = _check_head(recorded, last, expected_head if not anchor_seen else None)
    if bad:
        return VerifyResult(False, count, bad[0], bad[1], recorded)
    return VerifyResult(True, count, None, None, recorded)


def export_entries(db: Db, *, since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Entries as exported (hashed fields + ``prev_hash`` + ``hash``), in order, from ``since`` if given."""
    with connected(db) as conn:
        for entry in iter_entries(conn, since=since):
            yield entry.as_json()
