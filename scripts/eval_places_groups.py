"""Measure the place and perpetrator readers on the GTD development files (internal data, never shipped).

Dev split: rows whose md5(eventid) mod 5 == 0 (``--split train`` gives the others, for designing rules).
Figures: country accuracy (all rows with a known country), city accuracy (rows whose GTD city is known;
names compared folded, without a trailing district/city/town/village/area word), perpetrator accuracy
on rows whose GTD group is named (gname != Unknown, only the 2016-2018 file has gname), and the time per
report of each reader. Skips (exit 0) when ../shared/data is absent.

Run: /work/venv/bin/python scripts/eval_places_groups.py [--split dev|train] [--errors N]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

from marsad.model.countries import find_country
from marsad.model.gazetteer import load_gazetteer
from marsad.monitor.perpetrators import find_perpetrator, group_scanner
from marsad.monitor.places import find_places, place_scanner
from marsad.monitor.training.corpora import city_key, is_dev
from marsad.text import fold

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "gtd-dev"
FILES = ["marco2012_terrorism_2000.csv", "marco2012_terrorism_subset.csv", "sqlproj_gtd_2016-2018_20countries.csv"]
_GTD_COUNTRY = {"West Bank and Gaza Strip": "PS", "Zaire": "CD", "Soviet Union": "RU", "Kosovo": "XK",
                "Serbia-Montenegro": "RS", "Yugoslavia": "RS", "East Germany (GDR)": "DE", "West Germany (FRG)": "DE",
                "Rhodesia": "ZW", "International": None, "Republic of the Congo": "CG", "People's Republic of the Congo": "CG",
                "Democratic Republic of the Congo": "CD", "Ivory Coast": "CI", "Macau": "MO", "Slovak Republic": "SK"}


def _is_dev(eventid: str) -> bool:
    return is_dev("gtd", eventid)  # the one split definition (md5(eventid) % 5 == 0)


def _country_code(name: str) -> str | None:
    return _GTD_COUNTRY[name] if name in _GTD_COUNTRY else find_country(name)


def _rows(split: str) -> list[dict]:
    rows = []
    for fname in FILES:
        with open(DATA / fname, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if (split == "dev") == _is_dev(row["eventid"]) and row.get("summary", "").strip():
                    row["_file"] = fname
                    rows.append(row)
    return rows


def evaluate(split: str, show_errors: int, only: str = "") -> dict:
    rows = _rows(split)
    counts: Counter = Counter()
    errors: list[str] = []
    place_time = group_time = 0.0
    for row in rows:
        text = row["summary"]
        start = time.perf_counter()
        place = find_places(text, "en")
        middle = time.perf_counter()
        group = find_perpetrator(text, "en", country=place.country)
        place_time += middle - start
        group_time += time.perf_counter() - middle
        gold_country = _country_code(row["country_txt"])
        if gold_country:
            counts["country_n"] += 1
            counts["country_ok"] += place.country == gold_country
        gold_city = row.get("city", "")
        if gold_city and fold(gold_city) != "unknown":
            counts["city_n"] += 1
            ok = city_key(place.city) == city_key(gold_city)
            counts["city_ok"] += ok
            counts[row["_file"][:6] + "_n"] += 1
            counts[row["_file"][:6] + "_ok"] += ok
            if not ok and len(errors) < show_errors and (not only or only in row["_file"]):
                errors.append(f"CITY gold={gold_city!r} got={place.city!r} ({place.country}) :: {text[:160]}")
        gname = row.get("gname")
        if gname and gname != "Unknown":
            counts["group_n"] += 1
            counts["group_ok"] += group.name == gname
            if group.name != gname and len(errors) < show_errors * 2:
                errors.append(f"GROUP gold={gname!r} got={group.name!r} :: {text[:200]}")
        if gname == "Unknown":
            counts["unknown_n"] += 1
            counts["unknown_ok"] += group.name == "Unknown"
    for line in errors:
        print(line)
    n = len(rows) or 1
    return {
        "split": split, "reports": len(rows),
        "country_acc": round(counts["country_ok"] / max(counts["country_n"], 1), 4),
        "city_acc": round(counts["city_ok"] / max(counts["city_n"], 1), 4), "city_n": counts["city_n"],
        "group_acc_named": round(counts["group_ok"] / max(counts["group_n"], 1), 4), "group_n": counts["group_n"],
        "unknown_acc": round(counts["unknown_ok"] / max(counts["unknown_n"], 1), 4),
        **{f"city_acc_{k[:-2]}": round(counts[k[:-2] + "_ok"] / counts[k], 4) for k in list(counts) if k[:-2] in ("marco2", "sqlpro")},
        "places_ms": round(place_time / n * 1000, 3), "groups_ms": round(group_time / n * 1000, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "train"], default="dev")
    parser.add_argument("--errors", type=int, default=0, help="print up to N errors of each kind")
    parser.add_argument("--only", default="", help="print errors of this file only")
    args = parser.parse_args()
    if not DATA.is_dir():
        print("skipped: ../shared/data/gtd-dev is absent")
        return 0
    started = time.process_time()
    load_gazetteer()
    loaded = time.process_time()
    place_scanner()
    built = time.process_time()
    group_scanner()
    print(f"load_s gazetteer={loaded - started:.3f} place_scanner={built - loaded:.3f} "
          f"group_scanner={time.process_time() - built:.3f} (CPU seconds)")
    result = evaluate(args.split, args.errors, args.only)
    print(" ".join(f"{key}={value}" for key, value in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
