"""Exporting the audit trail for an oversight body, and verifying such an export without Marsad's database.

Why: an oversight body must be able to check the trail on its own machine, with its own code. The export is JSON
Lines: a header line (format, the chain head at export time, and how to verify) and then one line per entry with
every hashed field plus ``prev_hash`` and ``hash``. Keeping the header's head from one export and comparing it
with the next export (``marsad audit verify --expect-head SEQ:HASH``) shows whether entries were later removed or
rewritten, which no check inside the database alone can prove.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from marsad.access.audit import VerifyResult, chain_head
from marsad.access.db import Db, connected
from marsad.errors import InvalidJSON
from marsad.store.accounts import utcnow
from marsad.store.audit import GENESIS_HASH, ChainHead, canonical_json, entry_hash, format_time, iter_entries

__all__ = ["EXPORT_FORMAT", "HOW_TO_VERIFY", "export_lines", "verify_export", "parse_head"]

EXPORT_FORMAT = "marsad-audit-export/1"
HASHED_FIELDS = ("seq", "at", "actor", "org", "action", "object_ids", "detail", "remote_addr")
HOW_TO_VERIFY = (
    "Every line after this header is one entry. For each entry E in order: let F be the object made of E's fields "
    + ", ".join(HASHED_FIELDS) + "; serialise F as JSON with keys sorted, separators ',' and ':' and no ASCII "
    "escaping (UTF-8); E.hash must equal the lowercase hex SHA-256 of the UTF-8 bytes of E.prev_hash followed by "
    "that JSON text. E.prev_hash must equal the previous entry's hash (for seq 1: 64 zeros) and seq must increase "
    "by 1. The last entry must be the header's head (seq and hash). Keep the head: a later export must contain "
    "the same entry at that seq with the same hash."
)


def parse_head(text: str) -> ChainHead:
    """A head written ``SEQ:HASH`` (as ``marsad audit head`` prints it)."""
    seq, sep, digest = (text or "").strip().partition(":")
    if not sep or not seq.isdigit() or len(digest) != 64:
        raise InvalidJSON(f"{text!r} is not a chain head of the form SEQ:HASH (e.g. 42:3f…)")
    return ChainHead(int(seq), digest.lower())


def export_lines(db: Db, *, since: datetime | None = None) -> Iterator[str]:
    """The export as JSON text lines: the header, then entries (at or after ``since``) up to the head."""
    with connected(db) as conn:
        head = chain_head(conn)
        yield canonical_json({
            "format": EXPORT_FORMAT, "exported_at": format_time(utcnow()),
            "since": format_time(since) if since else None,
            "head": {"seq": head.seq, "hash": head.hash}, "how_to_verify": HOW_TO_VERIFY,
        })
        for entry in iter_entries(conn, since=since, after_seq=-(2**63) + 1):  # forged seq <= 0 too
            if entry.seq > head.seq:
                break
            yield canonical_json(entry.as_json())


def _records(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError:
                raise InvalidJSON(f"line {number} of the export is not JSON") from None


def _entry_problem(record: dict[str, Any], expected_seq: int | None, prev: str | None) -> str | None:
    if not isinstance(record, dict) or any(k not in record for k in (*HASHED_FIELDS, "prev_hash", "hash")):
        return "the line is not an audit entry (fields are missing)"
    if expected_seq is not None and record["seq"] != expected_seq:
        return f"expected entry {expected_seq} but found {record['seq']}: entries are missing or were inserted"
    if prev is not None and record["prev_hash"] != prev:
        return "prev_hash does not match the previous entry's hash"
    if entry_hash(record["prev_hash"], {k: record[k] for k in HASHED_FIELDS}) != record["hash"]:
        return "hash does not match the entry's content: the entry was altered"
    return None


def verify_export(lines: Iterable[str], *, expected_head: ChainHead | None = None) -> VerifyResult:
    """Check an export on its own: header, every entry's hash and link, and the end against the header's head."""
    records = _records(lines)
    first = next(records, None)
    if first is None or not isinstance(first[1], dict) or first[1].get("format") != EXPORT_FORMAT:
        return VerifyResult(False, 0, None, f"the first line is not a {EXPORT_FORMAT} header")
    header = first[1]
    head = ChainHead(int(header["head"]["seq"]), header["head"]["hash"])
    from_start = header.get("since") is None
    expected_seq, prev = (1, GENESIS_HASH) if from_start else (None, None)
    count, last = 0, None
    anchor_ok = expected_head is None or expected_head.seq == 0
    for _, record in records:
        problem = _entry_problem(record, expected_seq, prev)
        if problem:
            seq = record.get("seq") if isinstance(record, dict) else None
            if isinstance(seq, int) and expected_seq is not None and seq > expected_seq:
                seq = expected_seq  # the first missing entry
            return VerifyResult(False, count, seq, problem, head)
        if expected_head is not None and record["seq"] == expected_head.seq:
            if record["hash"] != expected_head.hash:
                return VerifyResult(False, count, record["seq"], "entry differs from the expected head", head)
            anchor_ok = True
        expected_seq, prev, count, last = record["seq"] + 1, record["hash"], count + 1, record
    end = ChainHead(last["seq"], last["hash"]) if last else ChainHead(0, GENESIS_HASH)
    if (from_start or last) and end != head:
        return VerifyResult(False, count, end.seq + 1, "the export does not end at the header's head", head)
    if not anchor_ok and (expected_head.seq > end.seq or from_start):
        return VerifyResult(False, count, expected_head.seq, "the expected head is not in this export", head)
    return VerifyResult(True, count, None, None, head)
