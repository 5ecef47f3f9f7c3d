"""Is this item a copy of one already filed? Same URL, or near-identical text (MinHash LSH band keys).

Why before merging: a wire story re-published by ten outlets (a new headline, a trailing sentence) is one
report, not ten: filing each would inflate an incident's report count and agreement. Each processed item
leaves its band keys (:func:`marsad.monitor.similarity.near_duplicate_key`) and a key of its URL in
``pipeline_near_keys``; a new item whose keys meet earlier ones is compared with those items' texts
(estimated Jaccard ≥ :data:`~marsad.monitor.similarity.NEAR_DUPLICATE`) and, if one is that close, recorded
as its duplicate. The same URL with a different text (a page updated as the toll rises) is not a copy: it
is filed, and merging takes its new figures. Items of one batch are checked against each other the same way. The lookup runs inside
the pipeline's write transaction, after the store's write lock, so two workers never both file copies.

Cost stays flat as the table grows: a key shared by many items (one URL for a whole JSON Lines file of
records, a band of a boilerplate sentence) offers only its :data:`KEY_CANDIDATES` newest items, the
candidates' signatures are kept in a bounded per-process cache (an item's text never changes), and a new
item is compared with all its candidates in one vectorised step.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection

from marsad.monitor.items import SourceItem
from marsad.monitor.similarity import (NEAR_DUPLICATE, NUM_PERM, Signature, key_mix, lsh_key, near_duplicate_key,
                                     signature)
from marsad.store.pipeline_items import item_hashes, item_payloads, near_key_rows, record_near_keys

__all__ = ["Fingerprint", "fingerprint", "find_duplicates", "record_fingerprints", "KEY_CANDIDATES"]

_CHUNK = 500
#: candidates a key offers: its newest items (an updated page or a re-published story is compared with the
#: latest ones; one URL for thousands of records must not make every new record read them all)
KEY_CANDIDATES = 16
#: signatures of stored items kept per process (about 1 kB each with their keys: at most ~20 MB)
_CACHE_SIZE = 20_000
_cache: OrderedDict[tuple[int, str], Signature] = OrderedDict()
#: what a URL's key is XORed with (a band key's constant is its band's)
_URL_MIX = key_mix("url")


@dataclass(frozen=True)
class Fingerprint:
    """What identifies an item's text: its MinHash signature, its band keys, its URL key (signed 64-bit
    integers, :func:`~marsad.monitor.similarity.lsh_key`) and the item's content hash, under which its signature
    is cached once it is recorded."""

    signature: Signature
    keys: tuple[int, ...]
    url_key: int | None
    content_hash: str = ""


def _text_of(item: SourceItem) -> str:
    return item.text or item.title


def fingerprint(item: SourceItem, sig: Signature | None = None) -> Fingerprint:
    """The item's fingerprint (computed outside any transaction: it is CPU work); ``sig``: the default-shingle
    signature of its text (or title when it has no text), when the caller computed it from words it needs too."""
    sig = signature(_text_of(item)) if sig is None else sig
    url_key = lsh_key(hashlib.sha256(item.url.encode("utf-8")).digest(), _URL_MIX) if item.url else None
    return Fingerprint(sig, tuple(near_duplicate_key(sig)), url_key, item.content_hash)


def _all_keys(fp: Fingerprint) -> list[int]:
    return [*fp.keys, fp.url_key] if fp.url_key is not None else list(fp.keys)


def _stored(conn: Connection, keys: list[int]) -> dict[int, list[int]]:
    """Item ids per key (the newest :data:`KEY_CANDIDATES` of each), read through the driver with one parameter
    per chunk (:func:`~marsad.store.pipeline_items.near_key_rows`: an expanding ``IN`` list built and rendered by
    SQLAlchemy per chunk was 45 % of this function's CPU)."""
    found: dict[int, list[int]] = {}
    for start in range(0, len(keys), _CHUNK):
        for key, item_id in near_key_rows(conn, keys[start:start + _CHUNK]):
            found.setdefault(key, []).append(item_id)
    return {key: sorted(ids)[-KEY_CANDIDATES:] for key, ids in found.items()}


def _remember(key: tuple[int, str], sig: Signature) -> None:
    _cache[key] = sig
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)


def _signatures(conn: Connection, ids: set[int]) -> dict[int, Signature]:
    """Signatures of stored items: cached by (id, content hash) — the hash makes a cached entry of another
    database with the same id useless rather than wrong — else computed from their texts (read in chunks)."""
    wanted, out, missing = sorted(ids), {}, []
    for start in range(0, len(wanted), _CHUNK):
        for item_id, content_hash in item_hashes(conn, wanted[start:start + _CHUNK]):
            cached = _cache.get((item_id, content_hash))
            if cached is None:
                missing.append(item_id)
            else:
                out[item_id] = cached
    for start in range(0, len(missing), _CHUNK):
        for item_id, content_hash, payload in item_payloads(conn, missing[start:start + _CHUNK]):
            out[item_id] = signature(payload.get("text") or payload.get("title") or "")
            _remember((item_id, content_hash), out[item_id])
    return out


def _first_close(sig: Signature, ids: list[int], table: np.ndarray, rows: dict[int, int]) -> int | None:
    """The smallest id among ``ids`` (sorted) whose signature (row ``rows[id]`` of ``table``; an id without a
    row has an empty signature) is near-identical to ``sig``: all compared in one vectorised step."""
    ids = [i for i in ids if i in rows]
    if sig.empty or not ids:
        return None
    equal = np.add.reduce(table[[rows[i] for i in ids]] == sig.values, axis=1).tolist()
    needed = NEAR_DUPLICATE * NUM_PERM
    return next((i for i, count in zip(ids, equal) if count >= needed), None)


def find_duplicates(conn: Connection, items: Sequence[tuple[int, Fingerprint]]) -> dict[int, int]:
    """For the batch ``items`` (queue id, fingerprint), in order: queue id of a duplicate → id of its original
    (an earlier stored item or an earlier item of the batch)."""
    stored = _stored(conn, sorted({k for _, fp in items for k in _all_keys(fp)}))
    candidates = {i for ids in stored.values() for i in ids}
    return _duplicates(items, stored, _signatures(conn, candidates) if candidates else {})


def _duplicates(items: Sequence[tuple[int, Fingerprint]], stored: dict[int, list[int]],
                signatures: dict[int, Signature]) -> dict[int, int]:
    """:func:`find_duplicates` once the stored candidates of each key and their signatures are read.

    The stored candidates' signatures and the batch's are stacked into one table first: an item is compared
    with its candidates (most often the 16 newest items of its URL, one for a whole file) by picking their rows,
    not by stacking 16 arrays for each item (``np.stack`` was most of the comparison's cost)."""
    known = list(signatures.items())
    table = np.stack([sig.values for _, sig in known] + [fp.signature.values for _, fp in items]
                     or [np.empty(NUM_PERM, dtype=np.uint32)])
    rows = {item_id: row for row, (item_id, sig) in enumerate(known) if not sig.empty}
    in_batch: dict[int, list[int]] = {}
    duplicates: dict[int, int] = {}
    for row, (item_id, fp) in enumerate(items, len(known)):
        if fp.signature.empty:  # as its stored signature would be replaced by its own: no row
            rows.pop(item_id, None)
        else:
            rows[item_id] = row
        keys = _all_keys(fp)
        seen: set[int] = set()
        for key in keys:  # most keys meet nothing: no tuple made for them
            ids = stored.get(key)
            if ids:
                seen.update(ids)
            ids = in_batch.get(key)
            if ids:
                seen.update(ids[-KEY_CANDIDATES:])
        original = _first_close(fp.signature, sorted(seen), table, rows)
        if original is not None:
            duplicates[item_id] = original
            continue
        for key in keys:
            in_batch.setdefault(key, []).append(item_id)
    return duplicates


def record_fingerprints(conn: Connection, items: Sequence[tuple[int, Fingerprint]]) -> None:
    """Remember the keys of items just filed (not of duplicates: the original stands for them)."""
    for item_id, fp in items:
        if fp.content_hash:
            _remember((item_id, fp.content_hash), fp.signature)
    record_near_keys(conn, [(key, item_id) for item_id, fp in items for key in _all_keys(fp)])
