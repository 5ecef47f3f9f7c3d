"""The bundled sample of real reports, fed to the pipeline a few at a time as if they were arriving live.

Why: a fresh hub (`marsad up`) should show monitoring at work — items arriving, incidents opening and merging,
alerts going out — without any network access. The sample is 100 ISAF press releases (CC BY-SA 4.0, see
``marsad/data/samples/README.md``); each becomes an open-source :class:`SourceItem` (TLP:CLEAR) whose key
(``sample:<id>``) makes it the same item on every run: items already queued (processed or not) are skipped,
so starting `marsad up` again never files the sample twice.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, select

from marsad.monitor.items import SourceItem, make_item
from marsad.monitor.queue import enqueue
from marsad.store.pipeline_items import pipeline_items

__all__ = ["SAMPLE_FILE", "SAMPLE_SOURCE", "sample_items", "not_yet_queued", "feed_live"]

log = logging.getLogger(__name__)

SAMPLE_FILE = Path(__file__).resolve().parents[1] / "data" / "samples" / "isaf_press_releases.jsonl"
#: named in each item's metadata (attribution travels with the text)
SAMPLE_SOURCE = "ISAF press releases (strickvl/isafpr_finetune, CC BY-SA 4.0)"


def sample_items(path: Path = SAMPLE_FILE) -> list[SourceItem]:
    """The sample as source items, in the file's order (by date)."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        published = datetime.fromisoformat(row["published"]).replace(tzinfo=timezone.utc)
        item = make_item(source_id=None, key=f"sample:{row['id']}", url=None, title=row.get("title"),
                         text=row["text"], published=published, language=row.get("lang"),
                         metadata={"tlp": "clear", "source_name": row.get("source") or SAMPLE_SOURCE})
        if item is not None:
            items.append(item)
    return items


def not_yet_queued(engine: Engine, items: Sequence[SourceItem]) -> list[SourceItem]:
    """The items whose key was never queued."""
    keys = [i.key for i in items]
    with engine.connect() as conn:
        known = set(conn.execute(select(pipeline_items.c.item_key).where(pipeline_items.c.item_key.in_(keys)))
                    .scalars())
    return [i for i in items if i.key not in known]


def feed_live(engine: Engine, items: Sequence[SourceItem], stop: threading.Event, *, per_second: float = 2.0,
              burst: int = 1) -> int:
    """Queue ``items`` ``burst`` at a time, ``per_second`` items a second, until done or ``stop``; returns how
    many were queued. Each item is stamped as fetched now (it "arrives" now). A database failure ends the feed
    (logged), never the process."""
    pause = max(burst, 1) / per_second if per_second > 0 else 0.0
    queued = 0
    for start in range(0, len(items), max(burst, 1)):
        if stop.is_set():
            break
        now = datetime.now(timezone.utc)
        chunk = [replace(item, fetched_at=now) for item in items[start:start + max(burst, 1)]]
        try:
            with engine.begin() as conn:
                queued += enqueue(conn, chunk, now=now)
        except Exception:  # noqa: BLE001 - the demo feed must not take the hub down
            log.exception("the sample feed stopped")
            break
        if pause:
            stop.wait(pause)
    return queued

