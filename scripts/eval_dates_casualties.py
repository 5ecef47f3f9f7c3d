"""Measure the monitor's date, casualty and language readers on the shared development data (internal only).

Why it exists: figures for ``marsad.monitor.dates`` / ``casualties`` / ``language`` must come from held-out
real reports, with a command anyone on the team can re-run. Nothing from the data is written anywhere: only
figures are printed.

Sets (from ``../shared/data``, skipped cleanly when absent):
* GTD (three dev files, deduplicated by ``eventid``): the fixed dev split is ``md5(eventid) mod 5 == 0``
  (rows with another remainder are for development). Casualties: English ``summary`` against
  ``nkill``/``nwound`` (rows with a value only), exact and ±10 %; ``*_silent0`` also counts "no figure
  found" as 0, as GTD codes a summary that mentions no casualties. Dates: once with the summary's leading
  "MM/DD/YYYY:" (sanity check), once with it cut off and ``published`` = the day after the GTD date:
  how often a date is still found, and how often that date is right.
* ISAF press releases: ``published`` is the release's dateline; date against ``start_date``, killed against
  ``min_killed``.

Usage: ``/work/venv/bin/python scripts/eval_dates_casualties.py [--data DIR] [--show N]``; last line is a
``key=value`` summary.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from marsad.monitor.casualties import find_casualties
from marsad.monitor.dates import find_incident_date
from marsad.monitor.language import detect_language
from marsad.monitor.training.corpora import is_dev

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
_GTD_PREFIX = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{4}(?:\s*-\s*\d{1,2}/\d{1,2}/\d{4})?\s*:?\s*")
_DATELINE = re.compile(r"\(([A-Z][a-z]+)\.?\s+(\d{1,2})(?:,\s+(\d{4}))?\)")
_RELEASE_ID = re.compile(r"\b(20\d\d)-\d\d-[A-Z]")


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def gtd_dev_rows(folder: Path, dev: bool = True) -> list[dict]:
    """Deduplicated GTD rows of the dev split (md5(eventid) mod 5 == 0), or of the rest with ``dev=False``."""
    rows: dict[str, dict] = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                eventid = row.get("eventid", "")
                if eventid and is_dev("gtd", eventid) == dev:
                    rows.setdefault(eventid, row)
    return list(rows.values())


def _score(pairs: list[tuple[int | None, int]]) -> tuple[float, float, int]:
    """(exact share, within ±10 % share, n) for (predicted, gold) pairs; None predicted counts as wrong."""
    if not pairs:
        return 0.0, 0.0, 0
    exact = sum(1 for p, g in pairs if p == g)
    near = sum(1 for p, g in pairs if p is not None and abs(p - g) <= 0.1 * g + 1e-9)
    return exact / len(pairs), near / len(pairs), len(pairs)


def _date_outcome(text: str, year: int, month: int, day: int | None) -> tuple[bool, bool, bool]:
    """(right with the summary's own "MM/DD/YYYY:" prefix, a date found once it is cut, that date right).

    Without the prefix, ``published`` is the day after the incident (a next-day report), or the first day of
    the next month when GTD gives no day; "right" is the day when GTD gives one, else the month."""
    gold = date(year, month, day or 1)
    if day:
        published = gold + timedelta(days=1)
    else:  # no day in GTD: a report at the end of the incident month
        published = (gold.replace(day=28) + timedelta(days=4)).replace(day=1)
    with_prefix = find_incident_date(text, "en", None).date
    found = find_incident_date(_GTD_PREFIX.sub("", text), "en", published).date

    def same(d: date | None) -> bool:
        return d is not None and (d == gold if day else (d.year, d.month) == (year, month))

    return same(with_prefix), found is not None, same(found)


def eval_gtd(folder: Path, show: int) -> dict[str, float]:
    rows = gtd_dev_rows(folder)
    killed, wounded, dates = [], [], []
    english = texts = 0
    shown = 0
    for row in rows:
        text = row["summary"] or ""
        if not text.strip():
            continue
        english += detect_language(text) == "en"
        texts += 1
        result = find_casualties(text, "en")
        gold_k, gold_w = _int(row.get("nkill")), _int(row.get("nwound"))
        if gold_k is not None:
            killed.append((result.killed, gold_k))
        if gold_w is not None:
            wounded.append((result.wounded, gold_w))
        if shown < show and (gold_k is not None and result.killed != gold_k):
            shown += 1
            print(f"  killed {result.killed} gold {gold_k} | wounded {result.wounded} gold {gold_w}: {text[:300]}")
        year = _int(row.get("iyear") or row.get("year"))
        month, day = _int(row.get("imonth")), _int(row.get("iday"))
        if year and month:
            dates.append(_date_outcome(text, year, month, day))
    k_exact, k_near, k_n = _score(killed)
    w_exact, w_near, w_n = _score(wounded)
    return {
        "gtd_rows": len(rows), "gtd_language_en": english / max(texts, 1), "gtd_killed_exact": k_exact, "gtd_killed_10pct": k_near, "gtd_killed_n": k_n,
        "gtd_wounded_exact": w_exact, "gtd_wounded_10pct": w_near, "gtd_wounded_n": w_n,
        "gtd_killed_exact_silent0": _score([(0 if p is None else p, g) for p, g in killed])[0],
        "gtd_wounded_exact_silent0": _score([(0 if p is None else p, g) for p, g in wounded])[0],
        "gtd_date_prefix_exact": sum(d[0] for d in dates) / max(len(dates), 1),
        "gtd_date_stripped_found": sum(d[1] for d in dates) / max(len(dates), 1),
        "gtd_date_stripped_precision": sum(d[2] for d in dates) / max(sum(d[1] for d in dates), 1),
        "gtd_date_n": len(dates),
    }


def eval_isaf(path: Path, show: int) -> dict[str, float]:
    killed, days, no_dateline, english = [], [], 0, 0
    shown = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        text = item["prompt"].split("PRESS RELEASE TEXT:", 1)[-1]
        gold = json.loads(item["completion"])
        m = _DATELINE.search(text)
        published = None
        year = m.group(3) if m else None
        if m and not year and (release := _RELEASE_ID.search(text)):
            year = release.group(1)
        if m and year:
            month = m.group(1)[:3]
            published = datetime.strptime(f"{month} {m.group(2)} {year}", "%b %d %Y").date()
        else:
            no_dateline += 1
        english += detect_language(text) == "en"
        found = find_incident_date(text, "en", published)
        days.append(found.date is not None and found.date.isoformat() == gold.get("start_date"))
        result = find_casualties(text, "en")
        if gold.get("min_killed") is not None:
            killed.append((result.killed if result.killed is not None else 0, int(gold["min_killed"])))
            if shown < show and killed[-1][0] != killed[-1][1]:
                shown += 1
                print(f"  ISAF killed {result.killed} gold {gold['min_killed']}: {' '.join(text.split())[:400]}")
    k_exact, k_near, k_n = _score(killed)
    return {"isaf_n": len(days), "isaf_language_en": english / max(len(days), 1), "isaf_date_exact": sum(days) / max(len(days), 1),
            "isaf_killed_exact": k_exact, "isaf_killed_10pct": k_near, "isaf_no_dateline": no_dateline}


def timing(texts: list[str], label: str) -> dict[str, float]:
    """Per-report cost of the three readers (language, date, casualties), each alone and together.

    CPU time of this process (``time.process_time``), so other jobs on a shared machine inflate it less than
    wall time; the first call of each reader (lazy model load) is made before timing."""
    published = date(2020, 1, 1)
    detect_language(texts[0])
    find_incident_date(texts[0], "en", published)
    find_casualties(texts[0], "en")
    figures: dict[str, float] = {}
    langs = [detect_language(t) for t in texts]
    steps = {
        "language": lambda t, _lang: detect_language(t),
        "date": lambda t, lang: find_incident_date(t, lang, published),
        "casualties": lambda t, lang: find_casualties(t, lang),
    }
    for name, step in steps.items():
        fresh = [t + f" #{name}{i}" for i, t in enumerate(texts)]  # distinct strings: no cache hits
        start = time.process_time()
        for text, lang in zip(fresh, langs):
            step(text, lang)
        elapsed = time.process_time() - start
        figures[f"{label}_{name}_us"] = 1e6 * elapsed / len(texts)
    fresh = [t + f" #together{i}" for i, t in enumerate(texts)]
    start = time.process_time()
    for text in fresh:  # the pipeline: one normalisation shared through the cache
        lang = detect_language(text)
        find_incident_date(text, lang, published)
        find_casualties(text, lang)
    together = time.process_time() - start
    figures[f"{label}_ms_per_report"] = 1000 * together / len(texts)
    figures[f"{label}_reports_per_s"] = len(texts) / together
    return figures


def timing_sets(data: Path) -> dict[str, float]:
    """Timing on ISAF releases as they are (~0.8 KB), joined in threes (~2.4 KB), and on ~2 KB blocks of GTD
    summaries (a worst case: nearly every sentence states a toll)."""
    figures: dict[str, float] = {}
    isaf = data / "isaf" / "isaf_press_releases_test_prompt_completion.jsonl"
    if isaf.is_file():
        texts = [json.loads(line)["prompt"].split("PRESS RELEASE TEXT:", 1)[-1]
                 for line in isaf.read_text(encoding="utf-8").splitlines()]
        figures["isaf_mean_chars"] = sum(map(len, texts)) / len(texts)
        figures.update(timing(texts, "isaf"))
        joined = ["\n\n".join(texts[i:i + 3]) for i in range(0, len(texts) - 2, 3)]
        figures["isaf3_mean_chars"] = sum(map(len, joined)) / len(joined)
        figures.update(timing(joined, "isaf3"))
    if (data / "gtd-dev").is_dir():
        summaries = [row["summary"] or "" for row in gtd_dev_rows(data / "gtd-dev")]
        blocks, block = [], ""
        for summary in summaries:
            block += summary + "\n"
            if len(block) >= 2000:
                blocks.append(block)
                block = ""
        figures.update(timing(blocks[:400], "gtd2kb"))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--show", type=int, default=0, help="print this many misses per set")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"shared data folder {args.data} is absent: nothing to measure")
        print("status=skipped")
        return 0
    figures: dict[str, float] = {}
    if (args.data / "gtd-dev").is_dir():
        figures.update(eval_gtd(args.data / "gtd-dev", args.show))
    isaf = args.data / "isaf" / "isaf_press_releases_test_prompt_completion.jsonl"
    if isaf.is_file():
        figures.update(eval_isaf(isaf, args.show))
    figures.update(timing_sets(args.data))
    for key, value in figures.items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
    print(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
