"""Is this item a copy of one already filed? Same URL, or near-identical text (MinHash LSH band keys).

Why before merging: a wire story re-published by ten outlets (a new headline, a trailing sentence) is one
report, not ten: filing each would inflate an incident's report count and agreement. Each processed item
leaves its band keys (:func:`marsad.monitor.similarity.near_duplicate_key`) and a key of its URL in
``pipeline_near_keys``; a new item whose keys meet earlier ones is compared with those items' texts
(estimated Jaccard ≥ :data:`~marsad.monitor.similarity.NEAR_DUPLICATE`) and, if one is that close, recorded
as its duplicate. The same URL with a different text (a page updated as the toll rises) is not a copy: it
is filed, and merging takes its new figures. Items of one batch are checked against each other the same way. The lookup runs inside
the pipeline's write transaction, after the store's write lock, so two workers never both file copies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from marsad.monitor.items import SourceItem
from marsad.monitor.similarity import Signature, near_duplicate_key, similarity, signature, NEAR_DUPLICATE
from marsad.store.pipeline_items import pipeline_items, pipeline_near_keys

__all__ = ["Fingerprint", "fingerprint", "find_duplicates", "record_fingerprints"]

_CHUNK = 500


@dataclass(frozen=True)
class Fingerprint:
    """What identifies an item's text: its MinHash signature, its band keys and its URL key."""

    signature: Signature
    keys: tuple[str, ...]
    url_key: str | None


def _text_of(item: SourceItem) -> str:
    return item.text or item.title


def fingerprint(item: SourceItem) -> Fingerprint:
    """The item's fingerprint (computed outside any transaction: it is CPU work)."""
    sig = signature(_text_of(item))
    url_key = "url:" + hashlib.sha256(item.url.encode("utf-8")).hexdigest()[:40] if item.url else None
    return Fingerprint(sig, tuple(near_duplicate_key(sig)), url_key)


def _all_keys(fp: Fingerprint) -> list[str]:
    return [*fp.keys, fp.url_key] if fp.url_key else list(fp.keys)


def _stored(conn: Connection, keys: list[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    c = pipeline_near_keys.c
    for start in range(0, len(keys), _CHUNK):
        for row in conn.execute(select(c.band_key, c.item_id).where(c.band_key.in_(keys[start:start + _CHUNK]))):
            found.setdefault(row.band_key, []).append(row.item_id)
    return found


def _signatures(conn: Connection, ids: set[int]) -> dict[int, Signature]:
    out: dict[int, Signature] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), _CHUNK):
        query = select(pipeline_items.c.id, pipeline_items.c.payload).where(
            pipeline_items.c.id.in_(wanted[start:start + _CHUNK]))
        for row in conn.execute(query):
            out[row.id] = signature(row.payload.get("text") or row.payload.get("title") or "")
    return out


def find_duplicates(conn: Connection, items: Sequence[tuple[int, Fingerprint]]) -> dict[int, int]:
    """For the batch ``items`` (queue id, fingerprint), in order: queue id of a duplicate → id of its original
    (an earlier stored item or an earlier item of the batch)."""
    stored = _stored(conn, sorted({k for _, fp in items for k in _all_keys(fp)}))
    candidates = {i for ids in stored.values() for i in ids}
    signatures = _signatures(conn, candidates) if candidates else {}
    in_batch: dict[str, list[int]] = {}
    duplicates: dict[int, int] = {}
    for item_id, fp in items:
        signatures[item_id] = fp.signature
        seen = {i for key in _all_keys(fp) for i in (*stored.get(key, ()), *in_batch.get(key, ()))}
        close = [i for i in sorted(seen) if i in signatures and similarity(fp.signature, signatures[i]) >= NEAR_DUPLICATE]
        original = close[0] if close else None
        if original is not None:
            duplicates[item_id] = original
            continue
        for key in _all_keys(fp):
            in_batch.setdefault(key, []).append(item_id)
    return duplicates


def record_fingerprints(conn: Connection, items: Sequence[tuple[int, Fingerprint]]) -> None:
    """Remember the keys of items just filed (not of duplicates: the original stands for them)."""
    rows = [{"band_key": key, "item_id": item_id} for item_id, fp in items for key in _all_keys(fp)]
    if rows:
        conn.execute(insert(pipeline_near_keys), rows)
