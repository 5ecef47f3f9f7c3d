"""How often two pipeline batches filed at the same moment could interfere: the ceiling of any finer write lock.

Why: on PostgreSQL two workers' write transactions run one after the other (the store's clock lock, taken first
by :meth:`marsad.monitor.pipeline.Pipeline._file`). A finer lock (advisory locks on keys derived from each report:
marking, date bucket, country, near-duplicate keys) lets two transactions overlap only when no report of one
could interact with a report of the other. Two reports that pass each other's place and date vetoes and could
reach the merge threshold (:func:`marsad.monitor.merging.match`, the texts taken as agreeing: a key derived
from one report cannot know the other's text, and the other parts alone reach 0.75) MUST exclude each other —
filed at once, neither sees the other's new incident and the event opens twice — so such pairs bound from
below the batches any sound key set must make wait, whatever its keys. (Pairs meeting through an incident
already filed, or a shared near-duplicate key, only add to that: every record of one JSON Lines file of the
benchmark has the file's URL, hence one near-duplicate key.)

This extracts the records of ``benchmarks/pipeline.py`` (the same generator and seed) and counts, for
consecutive batches as two workers claim them, how many pairs of batches hold such a cross pair.

Usage::

    python benchmarks/batch_conflicts.py --items 6000 --batches 8,32,64,200,500
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from marsad.monitor.extract import extract_batch
from marsad.monitor.items import make_item
from marsad.monitor.merging import EventFacts, match, vetoed
from marsad.monitor.similarity import signature

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pipeline import generate  # noqa: E402 - the benchmark's own records

#: one signature given to every report, so that text agreement counts as full (see the module docstring)
_SAME_TEXT = signature("one text for every report", 1)


def report_facts(count: int) -> list[EventFacts | None]:
    """The facts of the benchmark's first ``count`` records as the pipeline files them (None: not an incident)."""
    records = generate(count, 1, "r")
    items = [make_item(source_id=1, key=r["id"], url="file:///drop/reports.jsonl", title=r["title"], text=r["text"],
                       published=datetime.fromisoformat(r["published"]).replace(tzinfo=timezone.utc),
                       language=r["lang"]) for r in records]
    out: list[EventFacts | None] = []
    for item, record in zip(items, extract_batch([i.as_report() for i in items])):
        out.append(EventFacts.from_record(record, published=item.published.date(), signature=_SAME_TEXT)
                   if record.get("is_incident") else None)
    return out


def conflicts(facts: list[EventFacts | None], size: int) -> tuple[int, int, int, list[int]]:
    """(batch pairs, pairs with a cross pair passing the vetoes, pairs with one that could merge, merge-able
    cross pairs per batch pair) over consecutive batches of ``size``."""
    pairs = passing = merging = 0
    counts = []
    for start in range(0, len(facts) - 2 * size + 1, 2 * size):
        one = [f for f in facts[start:start + size] if f]
        two = [f for f in facts[start + size:start + 2 * size] if f]
        pairs += 1
        passing += any(not vetoed(a, b) for a in one for b in two)
        counts.append(sum(match(a, b).merges for a in one for b in two))
        merging += counts[-1] > 0
    return pairs, passing, merging, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=6000)
    parser.add_argument("--batches", default="8,32,64,200,500")
    args = parser.parse_args()
    facts = report_facts(args.items)
    print(f"{sum(f is not None for f in facts)} incident reports of {args.items} items; "
          f"{sum(1 for f in facts if f and not f.country)} without a country, "
          f"{sum(1 for f in facts if f and f.precision == 'published')} undated")
    for size in (int(s) for s in args.batches.split(",")):
        pairs, passing, merging, counts = conflicts(facts, size)
        counts.sort()
        print(f"batch {size}: of {pairs} pairs of concurrent batches, {passing} hold a cross pair passing the vetoes, "
              f"{merging} one that could merge (such pairs per batch pair: median {counts[len(counts) // 2]}, "
              f"max {counts[-1]})")


if __name__ == "__main__":
    main()
