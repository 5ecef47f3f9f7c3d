"""The bundled sample: real, attributed reports that become open-source items, queued once however often fed."""

from __future__ import annotations

import threading

from sqlalchemy import select

from marsad.monitor.samples import SAMPLE_FILE, feed_live, not_yet_queued, sample_items
from marsad.store.pipeline_items import pipeline_items


def test_the_sample_is_a_hundred_dated_english_reports_with_their_licence_beside_them():
    items = sample_items()
    assert len(items) == 100 and len({i.key for i in items}) == 100 and len({i.content_hash for i in items}) == 100
    assert all(i.language == "en" and i.published and len(i.text) > 150 for i in items)
    assert all(i.metadata["tlp"] == "clear" and "CC BY-SA 4.0" in i.metadata["source_name"] for i in items)
    readme = (SAMPLE_FILE.parent / "README.md").read_text(encoding="utf-8")
    assert "strickvl/isafpr_finetune" in readme and "CC BY-SA 4.0" in readme and "Changes made" in readme
    assert "samples/isaf_press_releases.jsonl" in (SAMPLE_FILE.parents[1] / "NOTICE.md").read_text(encoding="utf-8")


def test_feeding_queues_each_item_once_across_runs(engine):
    items = sample_items()[:7]
    stop = threading.Event()
    assert feed_live(engine, items[:3], stop, per_second=0) == 3
    assert [i.key for i in not_yet_queued(engine, items)] == [i.key for i in items[3:]]
    assert feed_live(engine, not_yet_queued(engine, items), stop, per_second=0, burst=2) == 4
    stop.set()
    assert feed_live(engine, items, stop, per_second=0) == 0
    with engine.connect() as conn:
        keys = conn.execute(select(pipeline_items.c.item_key)).scalars().all()
    assert sorted(keys) == sorted(i.key for i in items)
