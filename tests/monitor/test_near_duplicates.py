"""Near-identical copies are found in the batch and among stored items; the same URL with new text is not a copy."""

from __future__ import annotations

from sqlalchemy import func, select

from marsad.monitor.items import make_item
from marsad.monitor.near_duplicates import (
    KEY_CANDIDATES,
    _cache,
    _signatures,
    _stored,
    find_duplicates,
    fingerprint,
    record_fingerprints,
)
from marsad.monitor.queue import enqueue
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
