"""Merge quality on real reports of the same incidents: MUC-3/4 documents and their answer keys.

Usage: python benchmarks/merge_quality.py [--data ../shared/data] [--split dev-b] [--tune dev-a] [--analyse dev-a]

Gold: two documents report the same incident when their answer keys share a template with the same incident
date and type and agreeing locations (equal, or one a part of the other: "PERU" and "PERU: LIMA: SAN ISIDRO";
templates whose date, location or type is missing, optional or a range are left out; a document with no such
template is not evaluated). Each evaluated document is read by ``marsad extract`` (published date
from its dateline, e.g. "SAN SALVADOR, 18 FEB 90") and filed with ``file_report`` into a fresh SQLite hub, in
dateline order, as the pipeline would; two documents are predicted coreferent when they end in one incident.
Pairwise precision = predicted pairs that are gold pairs / predicted pairs; recall = gold pairs predicted /
gold pairs. A document the extractor reads as "not an incident" is in no predicted pair (end to end).

Tuning: ``--tune tst1`` sweeps the merge threshold on TST1 and prints each figure; the reported figure is on
``--split`` (TST2 by default) with the threshold shipped in ``marsad.monitor.merging.THRESHOLD``, so figures
are never measured on the data the threshold was chosen on. The MUC texts are internal-only data: they are
read at run time from ../shared/data and never copied. ``--analyse dev-a`` prints the error analysis the
weights were chosen from: every pair of reports compared by :func:`marsad.monitor.merging.match` (report to
report, without the incident's other reports), the vetoes that stop same-event pairs, and the mean agreement
of each score part on same-event and other pairs that pass the vetoes. Last line: ``merge_quality docs=… pairs_gold=…
precision=… recall=… f1=…``.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

from marsad.model.ids import stable_id
from marsad.model.markings import TLP_MARKING_IDS, Tlp
from marsad.monitor import merging
from marsad.monitor.extract import extract
from marsad.monitor.incident_files import FiledReport, file_report
from marsad.monitor.similarity import signature
from marsad.store import make_engine
from marsad.store.migrate import upgrade

HERE = Path(__file__).resolve().parent
#: split → (folder, text file glob, key file glob, first and last document number)
SPLITS = {
    "dev-a": ("dev", "dev-muc3-*", "key-dev-*", 1, 650),
    "dev-b": ("dev", "dev-muc3-*", "key-dev-*", 651, 1300),
    "tst1": ("tst1", "tst1-muc3", "key-tst1.v7", 1, 100),
    "tst2": ("tst2", "tst2-muc4", "key-tst2.v4", 1, 100),
}
_DOC_ID = re.compile(r"^((?:TST\d|DEV)-MUC\d-\d{4})(?:\s+\([^)\n]*\))?\s*$", re.M)
_DATELINE = re.compile(r",\s*(\d{1,2})\s+([A-Z]{3})\s+(\d{2})\b")
_KEY_DATE = re.compile(r"^-?\s*(\d{1,2}) ([A-Z]{3}) (\d{2})$")
_MONTHS = {m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV",
                                       "DEC"), 1)}


def _day(d: str, month: str, year: str) -> datetime | None:
    try:
        return datetime(1900 + int(year), _MONTHS[month], int(d), 12, tzinfo=timezone.utc)
    except (KeyError, ValueError):
        return None


def read_texts(path: Path) -> dict[str, str]:
    """Document id → text of a MUC text file."""
    raw = path.read_text(encoding="latin-1")
    parts = _DOC_ID.split(raw)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def _slot(block: str, name: str) -> str:
    match = re.search(rf"^\d+\.\s+{re.escape(name)}\s+(.*)$", block, re.M)
    return match.group(1).strip() if match else ""


def read_events(path: Path) -> dict[str, set[tuple]]:
    """Document id → its (date, location, type) events from the answer key (usable templates only)."""
    events: dict[str, set[tuple]] = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="latin-1")):
        doc = _slot(block, "MESSAGE: ID").split(" ")[0]
        if not doc:
            continue
        events.setdefault(doc, set())
        when, where, kind = (_slot(block, f"INCIDENT: {s}") for s in ("DATE", "LOCATION", "TYPE"))
        if any(v in ("", "*", "-") or v.startswith("*") for v in (when, where, kind)):
            continue
        match = _KEY_DATE.match(when.split("/")[0].strip())
        if not match:  # ranges and alternatives: not one day
            continue
        place = re.sub(r"\s*\([A-Z ]+\)", "", where.split("/")[0]).strip()
        events[doc].add((match.groups(), place, kind.split("/")[0].strip()))
    return events


def _same_event(a: tuple, b: tuple) -> bool:
    """Same day, same type, and places that agree: equal, or one names a part of the other (the keys give
    "PERU" for one report and "PERU: LIMA: SAN ISIDRO" for another of the same attack)."""
    if a[0] != b[0] or a[2] != b[2]:
        return False
    pa, pb = [p.strip() for p in a[1].split(":")], [p.strip() for p in b[1].split(":")]
    shorter = min(len(pa), len(pb))
    return pa[:shorter] == pb[:shorter]


def gold_pairs(events: dict[str, set[tuple]]) -> set[tuple[str, str]]:
    docs = sorted(d for d, e in events.items() if e)
    return {(a, b) for a, b in itertools.combinations(docs, 2)
            if any(_same_event(x, y) for x in events[a] for y in events[b])}


def _reports(texts: dict[str, str], docs: list[str], *, gold_relevance: bool) -> list[FiledReport]:
    out = []
    for n, doc in enumerate(docs):
        text = texts[doc]
        match = _DATELINE.search(text[:300])
        published = (match and _day(*match.groups())) or datetime(1990, 1, 1, tzinfo=timezone.utc)
        record = extract(text, published=published.date(), lang="en", id=doc).to_dict()
        if gold_relevance:  # every evaluated document has an incident template
            record["is_incident"] = True
        out.append(FiledReport(
            report_id=stable_id("report", doc), item_key=doc, source="muc", url=None, title="", text=text,
            language="en", published=published, received=published + timedelta(seconds=n), record=record,
            tlp="clear", release_to=(), created_by_ref=None, marking_refs=(TLP_MARKING_IDS[Tlp.CLEAR],)))
    return sorted(out, key=lambda r: (r.published, r.item_key))


def predicted_pairs(reports: list[FiledReport]) -> set[tuple[str, str]]:
    """File every report into a fresh SQLite hub; pairs of documents that ended in one incident."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/merge.db")
        upgrade(engine)
        incident_of: dict[str, str] = {}
        with engine.begin() as conn:
            for report in reports:
                filing = file_report(conn, report, now=report.received)
                if filing is not None:
                    incident_of[report.item_key] = filing.incident_id
        engine.dispose()
    docs = sorted(incident_of)
    return {(a, b) for a, b in itertools.combinations(docs, 2) if incident_of[a] == incident_of[b]}


def score(gold: set, predicted: set) -> tuple[float, float, float]:
    hits = len(gold & predicted)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def load_split(data: Path, split: str, *, gold_relevance: bool) -> tuple[list[FiledReport], set, int]:
    folder, text_glob, key_glob, first, last = SPLITS[split]
    root = data / "muc" / "raw" / folder
    texts: dict[str, str] = {}
    events: dict[str, set[tuple]] = {}
    for path in sorted(root.glob(text_glob)):
        texts.update(read_texts(path))
    for path in sorted(root.glob(key_glob)):
        events.update(read_events(path))
    docs = sorted(d for d, e in events.items() if e and d in texts and first <= int(d[-4:]) <= last)
    return (_reports(texts, docs, gold_relevance=gold_relevance), gold_pairs({d: events[d] for d in docs}),
            len(docs))


def tune(data: Path, split: str, *, gold_relevance: bool) -> None:
    reports, gold, docs = load_split(data, split, gold_relevance=gold_relevance)
    shipped = merging.THRESHOLD
    print(f"tuning on {split}: {docs} documents, {len(gold)} gold pairs")
    for threshold in (0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8):
        merging.THRESHOLD = threshold
        p, r, f = score(gold, predicted_pairs(reports))
        print(f"  threshold={threshold:.2f} precision={p:.3f} recall={r:.3f} f1={f:.3f}")
    merging.THRESHOLD = shipped


def analyse(data: Path, split: str, *, gold_relevance: bool) -> None:
    """Which vetoes lose the same-event pairs, and how well each score part separates the rest (see above)."""
    reports, gold, _ = load_split(data, split, gold_relevance=gold_relevance)
    facts = {r.item_key: merging.EventFacts.from_record(
        r.record, published=r.published.date(), signature=signature(f"{r.title}\n{r.text[:20_000]}", merging.MERGE_K))
        for r in reports}
    vetoes: Counter = Counter()
    parts: dict[bool, dict[str, list[float]]] = {True: defaultdict(list), False: defaultdict(list)}
    merged = Counter()
    for a, b in itertools.combinations(sorted(facts), 2):
        result, same = merging.match(facts[a], facts[b]), (a, b) in gold
        if result.veto:
            vetoes[(same, result.veto.split(" ")[0] if "apart" in result.veto else result.veto)] += 1
            continue
        merged[(same, result.merges)] += 1
        for name, value in result.parts.items():
            parts[same][name].append(value)
    print(f"error analysis on {split}: {len(gold)} same-event pairs")
    for (same, veto), n in sorted(vetoes.items(), key=lambda kv: -kv[1]):
        if same:
            print(f"  vetoed same-event pairs: {veto}: {n}")
    print(f"  past the vetoes: same-event {merged[(True, True)]} merge / {merged[(True, False)]} not; "
          f"others {merged[(False, True)]} merge / {merged[(False, False)]} not")
    for name in merging.WEIGHTS:
        mean = [sum(parts[k][name]) / max(1, len(parts[k][name])) for k in (True, False)]
        print(f"  {name}: mean agreement {mean[0]:.3f} same-event, {mean[1]:.3f} others")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--split", default="dev-b", choices=sorted(SPLITS))
    parser.add_argument("--tune", default=None, choices=sorted(SPLITS))
    parser.add_argument("--analyse", default=None, choices=sorted(SPLITS), help="print the error analysis of a split")
    parser.add_argument("--relevance", default=None, choices=("gold", "model"),
                        help="who decides a document reports an incident (default: gold on DEV, whose documents "
                             "trained the relevance model; the model on TST1/TST2)")
    args = parser.parse_args(argv)
    gold_relevance = (args.relevance or ("gold" if args.split.startswith("dev") else "model")) == "gold"
    if not (args.data / "muc" / "raw").is_dir():
        print(f"no MUC data under {args.data}: nothing to measure", file=sys.stderr)
        return 1
    if args.analyse:
        analyse(args.data, args.analyse, gold_relevance=gold_relevance)
    if args.tune:
        if args.tune == args.split:
            parser.error("tune and measure on different splits")
        tune(args.data, args.tune, gold_relevance=gold_relevance)
    reports, gold, docs = load_split(args.data, args.split, gold_relevance=gold_relevance)
    predicted = predicted_pairs(reports)
    p, r, f = score(gold, predicted)
    filed = sum(1 for rep in reports if rep.record.get("is_incident"))
    print(f"{args.split}: {docs} documents with a usable answer key, {filed} read as incidents, "
          f"{len(gold)} gold pairs, {len(predicted)} predicted pairs, threshold {merging.THRESHOLD}")
    print(f"merge_quality docs={docs} pairs_gold={len(gold)} pairs_predicted={len(predicted)} precision={p:.3f} "
          f"recall={r:.3f} f1={f:.3f} split={args.split} threshold={merging.THRESHOLD} "
          f"relevance={'gold' if gold_relevance else 'model'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
