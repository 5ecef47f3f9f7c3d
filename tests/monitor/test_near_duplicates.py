"""Near-identical copies are found in the batch and among stored items; the same URL with new text is not a copy."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from marsad.monitor.items import make_item
from marsad.monitor.near_duplicates import (
    KEY_CANDIDATES,
    Fingerprint,
    _cache,
    _duplicates,
    _signatures,
    _stored,
    find_duplicates,
    fingerprint,
    record_fingerprints,
)
from marsad.monitor.queue import enqueue
from marsad.monitor.similarity import NEAR_DUPLICATE, NUM_PERM, Signature
from marsad.store.pipeline_items import pipeline_items, pipeline_near_keys, pipeline_near_keys_recent

STORY = ("Gunmen attacked a police checkpoint on the road south of the city at dawn on Thursday, killing four "
         "officers and wounding six others before fleeing into the hills, the provincial governor said.")
COPY = "UPDATE: " + STORY + " An investigation has been opened."
OTHER = ("Heavy rain flooded several streets of the capital on Thursday and schools were closed for the day, "
         "the weather office said, adding that more rain is expected over the weekend.")
UPDATED = STORY.replace("killing four", "killing nine").replace("wounding six others", "wounding twelve others, "
                                                               "and later clashes spread to two villages")


def queued(engine, *texts, url=None):
    items = [make_item(source_id=None, key=f"k{n}-{hash(t)}", url=url, title="", text=t, published=None,
                       language=None) for n, t in enumerate(texts)]
    with engine.begin() as conn:
        enqueue(conn, items)
        ids = conn.execute(select(pipeline_items.c.id).order_by(pipeline_items.c.id.desc()).limit(len(items)))
        ids = sorted(ids.scalars())
    return [(i, fingerprint(item)) for i, item in zip(ids, items)]


def test_copies_in_one_batch_point_at_the_first(engine):
    batch = queued(engine, STORY, OTHER, COPY)
    with engine.begin() as conn:
        assert find_duplicates(conn, batch) == {batch[2][0]: batch[0][0]}


def test_copies_of_stored_items_are_found_and_duplicates_leave_no_keys(engine):
    first = queued(engine, STORY, OTHER)
    with engine.begin() as conn:
        record_fingerprints(conn, first)
    later = queued(engine, COPY, UPDATED)
    with engine.begin() as conn:
        found = find_duplicates(conn, later)
        assert found == {later[0][0]: first[0][0]}
        count = sum(conn.execute(select(func.count()).select_from(t)).scalar()
                    for t in (pipeline_near_keys, pipeline_near_keys_recent))
    assert count == sum(len(fp.keys) for _, fp in first)


def test_same_url_with_new_text_is_not_a_copy(engine):
    first = queued(engine, STORY, url="https://news.example/live")
    with engine.begin() as conn:
        record_fingerprints(conn, first)
    update = queued(engine, OTHER, url="https://news.example/live")
    with engine.begin() as conn:
        assert find_duplicates(conn, update) == {}
    assert first[0][1].url_key == update[0][1].url_key is not None


def test_a_text_without_words_is_nobodys_copy():
    item = make_item(source_id=None, key="k", url=None, title="!!!", text="…", published=None, language=None)
    assert fingerprint(item).keys == ()


def test_a_url_shared_by_many_items_offers_only_its_newest_and_still_finds_a_recent_copy(engine):
    fillers = [f"Report number {n}: the market of district {n} reopened after repairs, officials said on day {n}."
               for n in range(KEY_CANDIDATES + 5)]
    first = queued(engine, *fillers, STORY, url="file:///drop/reports.jsonl")
    with engine.begin() as conn:
        record_fingerprints(conn, first)
    later = queued(engine, COPY, OTHER, url="file:///drop/reports.jsonl")
    with engine.begin() as conn:
        assert find_duplicates(conn, later) == {later[0][0]: first[-1][0]}
        assert len(_stored(conn, [first[0][1].url_key])[first[0][1].url_key]) == KEY_CANDIDATES


def test_cached_signatures_are_those_of_the_stored_text(engine):
    first = queued(engine, STORY, OTHER)
    with engine.begin() as conn:
        record_fingerprints(conn, first)  # cached now
        cached = _signatures(conn, {i for i, _ in first})
    _cache.clear()
    with engine.begin() as conn:
        read = _signatures(conn, {i for i, _ in first})
    assert {i: s.to_bytes() for i, s in cached.items()} == {i: s.to_bytes() for i, s in read.items()}
    assert read[first[0][0]].to_bytes() == first[0][1].signature.to_bytes()


def _reference_duplicates(items, stored, signatures):
    """find_duplicates' matching as first written: each item's candidates one by one, the smallest close id."""
    signatures, in_batch, duplicates = dict(signatures), {}, {}
    for item_id, fp in items:
        signatures[item_id] = fp.signature
        keys = [*fp.keys, fp.url_key] if fp.url_key is not None else list(fp.keys)
        seen = {i for key in keys for i in (*stored.get(key, ()), *in_batch.get(key, ())[-KEY_CANDIDATES:])}
        close = [i for i in sorted(seen) if i in signatures and not signatures[i].empty and not fp.signature.empty
                 and np.count_nonzero(signatures[i].values == fp.signature.values) >= NEAR_DUPLICATE * NUM_PERM]
        if close:
            duplicates[item_id] = close[0]
        else:
            for key in keys:
                in_batch.setdefault(key, []).append(item_id)
    return duplicates


def _signature(base: int, changed: int) -> Signature:
    """One of a few base signatures with its first ``changed`` values altered (empty for base 0)."""
    if base == 0:
        return Signature(np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32), True)
    values = np.full(NUM_PERM, base, dtype=np.uint32)
    values[:changed] = 99
    return Signature(values)


signatures_drawn = st.builds(_signature, st.integers(0, 3), st.sampled_from([0, 10, 25, 26, 60]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(signatures_drawn, st.lists(st.integers(0, 5), max_size=3), st.none() | st.integers(6, 7)),
                max_size=12),
       st.dictionaries(st.integers(0, 7), st.lists(st.integers(0, 20), max_size=KEY_CANDIDATES, unique=True)),
       st.dictionaries(st.integers(0, 20), signatures_drawn))
def test_the_stacked_comparison_finds_what_one_by_one_comparisons_find(batch, stored, signatures):
    """Empty signatures, ids both stored and in the batch, candidates without a signature, copies of copies."""
    items = [(10 + n, Fingerprint(sig, tuple(keys), url)) for n, (sig, keys, url) in enumerate(batch)]
    assert _duplicates(items, stored, dict(signatures)) == _reference_duplicates(items, stored, signatures)
