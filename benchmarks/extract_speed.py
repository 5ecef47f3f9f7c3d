"""CPU cost of the whole ``extract`` and of each reader, per language, on 1–2 KB news reports.

Usage: python benchmarks/extract_speed.py [--rounds 20]

``extract`` is one report at a time; ``batch`` is :func:`marsad.monitor.extract.extract_batch` (reader by reader
over 12 reports at a time, same records), per report.

Reports: benchmarks/data/speed_reports.jsonl — eight ar/fr/en reports with titles and datelines, written for
Marsad (not from any corpus; incidents and policy news), each copied with a distinct suffix so that no cache
of the last few texts answers. Time is CPU time (``time.process_time``), the best of three passes, since the
machine may be shared. Also prints the start-up cost (models and gazetteer, place scanner — from its cache when the
data folder has one — and the first report) in this process, then in a fresh process with an empty data folder
(a new install: ``fresh_load_s`` is models + gazetteer + place scanner + first report, ``fresh_import_s`` the
imports before them, ``fresh_peak_mb`` its peak memory). The last line is one ``summary key=value …`` line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from marsad.model.gazetteer import load_gazetteer
from marsad.monitor.casualties import find_casualties
from marsad.monitor.dates import find_incident_date
from marsad.monitor.extract import extract, extract_batch
from marsad.monitor.features import featurise
from marsad.monitor.language import detect_language
from marsad.monitor.models import load_models
from marsad.monitor.perpetrators import find_perpetrator
from marsad.monitor.places import find_places, place_scanner
from marsad.monitor.themes import themes_from_features

from machine import reference_ms

HERE = Path(__file__).resolve().parent
REPORTS = HERE / "data" / "speed_reports.jsonl"


def _start_up() -> dict[str, float]:
    """CPU seconds to load the models, the gazetteer, the place scanner, then to read a first report."""
    started = time.process_time()
    load_models()
    load_gazetteer()
    gazetteer = time.process_time()
    place_scanner()
    scanner = time.process_time()
    extract("A bomb exploded in a market in Baghdad yesterday, killing three people.", published="2024-01-02")
    first = time.process_time()
    return {"gazetteer_s": gazetteer - started, "place_scanner_s": scanner - gazetteer, "first_report_rest_s": first - scanner}


_FRESH = """
import json, resource, time
started = time.process_time()
from marsad.monitor.extract import extract, extract_batch
from marsad.monitor.models import load_models
imported = time.process_time()
load_models()
extract("A bomb exploded in a market in Baghdad yesterday, killing three people.", published="2024-01-02")
done = time.process_time()
print(json.dumps({"fresh_import_s": imported - started, "fresh_load_s": done - imported,
                  "fresh_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _fresh_start_up() -> dict[str, float]:
    """Start-up in a new process whose data folder is empty (no cached scanner): a fresh install's first run."""
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, MARSAD_DATA_DIR=folder)
        out = subprocess.run([sys.executable, "-c", _FRESH], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _best(run, rounds: int) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(rounds):
            run()
        best = min(best, (time.process_time() - started) / rounds)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    summary: dict[str, object] = {k: round(v, 3) for k, v in _start_up().items()}
    print("start-up (CPU s): " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    fresh = {k: round(v, 3) for k, v in _fresh_start_up().items()}
    print("fresh install, new process (CPU s, MB): " + ", ".join(f"{k} {v}" for k, v in fresh.items()))
    summary.update(fresh)

    rows = [json.loads(line) for line in REPORTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    published = date(2024, 6, 30)
    total_ms, batch_ms = [], []
    for lang in ("ar", "fr", "en"):
        docs = [dict(r, text=f"{r['text']} ({k})") for k in range(10) for r in rows if r["lang"] == lang]
        fulls = [f"{d['title']}\n\n{d['text']}" for d in docs]
        reports = [{"text": d["text"], "title": d["title"], "published": d["published"], "lang": lang} for d in docs]
        feats = [featurise(d["text"], d["title"], lang) for d in docs]
        stages = {
            "extract": lambda: [extract(d["text"], title=d["title"], published=d["published"], lang=lang) for d in docs],
            "batch": lambda: extract_batch(reports),
            "language": lambda: [detect_language(f) for f in fulls],
            "featurise": lambda: [featurise(d["text"], d["title"], lang) for d in docs],
            "themes": lambda: [themes_from_features(f, lang) for f in feats],
            "dates": lambda: [find_incident_date(d["text"], lang, published) for d in docs],
            "casualties": lambda: [find_casualties(d["text"], lang) for d in docs],
            "places": lambda: [find_places(f, lang) for f in fulls],
            "perpetrators": lambda: [find_perpetrator(f, lang) for f in fulls],
        }
        costs = {name: 1000 * _best(run, max(1, args.rounds // 4)) / len(docs) for name, run in stages.items()}
        sizes = [len(d["text"].encode("utf-8")) for d in docs]
        print(f"{lang}: {len(docs)} reports of {min(sizes)}–{max(sizes)} bytes; CPU ms per report: "
              + ", ".join(f"{k} {v:.3f}" for k, v in costs.items()))
        summary[f"{lang}_ms"] = round(costs["extract"], 3)
        summary[f"{lang}_batch_ms"] = round(costs["batch"], 3)
        total_ms.append(costs["extract"])
        batch_ms.append(costs["batch"])
    summary["reports_per_cpu_s"] = round(1000 * len(total_ms) / sum(total_ms))
    summary["batch_reports_per_cpu_s"] = round(1000 * len(batch_ms) / sum(batch_ms))
    summary["machine_ref_ms"] = reference_ms(15)  # this machine's speed (benchmarks/machine.py)
    print("summary " + " ".join(f"{k}={v}" for k, v in summary.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
