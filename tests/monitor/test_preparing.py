"""A claimed batch's CPU work before its transaction (marsad.monitor.preparing)."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.monitor.extract import BATCH
from marsad.monitor.items import make_item
from marsad.monitor.preparing import Prepared, prepare, prepared_batch
from marsad.monitor.queue import QueuedItem

NOW = datetime(2024, 3, 4, tzinfo=timezone.utc)
TEXTS = [
    "A car bomb exploded near the central market in Kirkuk, Iraq on Monday, killing 7 people and wounding 20.",
    "Des hommes armés ont attaqué un poste de police à Gao, au Mali, mardi : trois morts et cinq blessés.",
    "انفجرت سيارة مفخخة قرب السوق المركزي في كركوك يوم الاثنين، ما أسفر عن مقتل ٧ أشخاص وإصابة ٢٠ آخرين.",
    "The foreign minister met his counterpart in Rabat to discuss trade and a new railway.",
    "Gunmen from al-Shabaab stormed a hotel in Mogadishu, Somalia on Sunday, killing 9 people.",
]
TITLES = ["", "", "Car bomb kills 7 in Kirkuk", "Attaque à Gao", "هجوم في مقديشو"]


def _batch(picks: list[tuple[int, int]]) -> list[QueuedItem]:
    items = [make_item(source_id=None, key=f"k{n}", url=f"https://example.org/{n}", title=TITLES[t],
                       text=TEXTS[x], published=NOW, language=None, fetched_at=NOW) for n, (x, t) in enumerate(picks)]
    return [QueuedItem(id=n, item=i, arrived_at=NOW, attempts=1) for n, i in enumerate(items)]


def _facts(p: Prepared) -> tuple:
    fp = p.fingerprint
    keys = (p.keys[0].values.tobytes(), p.keys[0].empty, p.keys[1]) if p.keys else None
    return (p.queued.id, p.marking, p.record, fp.signature.values.tobytes(), fp.signature.empty, fp.keys,
            fp.url_key, fp.content_hash, keys, p.error)


@settings(max_examples=8, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(TEXTS) - 1), st.integers(0, len(TITLES) - 1)),
                min_size=1, max_size=2 * BATCH + 3))
def test_a_batch_prepared_in_parts_equals_its_items_prepared_one_by_one(picks):
    """Parts of BATCH items (so the fingerprints find the readers' folded texts) change no item's result,
    repeated texts and batches longer than a part included, and keep the batch's order."""
    batch = _batch(picks)
    together = prepared_batch(batch)
    assert [p.queued for p in together] == batch
    assert [_facts(p) for p in together] == [_facts(prepare(q)) for q in batch]
