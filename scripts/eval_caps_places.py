"""Country accuracy of ``find_places`` on ALL-CAPS wire copy: the raw MUC-3/4 texts (1989-91, upper case).

Usage: python scripts/eval_caps_places.py [--data ../shared/data] [--split dev-a] [--show 10]

Gold: the first part of each answer-key template's INCIDENT: LOCATION ("EL SALVADOR: SAN MIGUEL (CITY)"
→ El Salvador); a document counts when all its usable templates agree on one country. The text is read as
the wire gave it (upper case) and again in mixed case is not available, so the figure is the all-caps one.
Development runs on ``dev-a`` (MUC dev documents 1-650); ``benchmarks/merge_quality.py`` reports on TST2.
The texts are internal-only data, read from ../shared/data and never copied.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pycountry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.merge_quality import SPLITS, read_events, read_texts  # noqa: E402
from marsad.monitor.places import find_places  # noqa: E402

_NAMES = {"EL SALVADOR": "SV", "GUATEMALA": "GT", "PERU": "PE", "COLOMBIA": "CO", "BOLIVIA": "BO",
          "HONDURAS": "HN", "NICARAGUA": "NI", "CHILE": "CL", "ECUADOR": "EC", "PANAMA": "PA"}


def _iso(name: str) -> str | None:
    if name in _NAMES:
        return _NAMES[name]
    try:
        return pycountry.countries.lookup(name.title()).alpha_2
    except LookupError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--split", default="dev-a", choices=sorted(SPLITS))
    parser.add_argument("--show", type=int, default=0, help="print this many misses")
    args = parser.parse_args(argv)
    folder, text_glob, key_glob, first, last = SPLITS[args.split]
    root = args.data / "muc" / "raw" / folder
    texts: dict[str, str] = {}
    for path in sorted(root.glob(text_glob)):
        texts.update(read_texts(path))
    events: dict[str, set] = {}
    for path in sorted(root.glob(key_glob)):
        events.update(read_events(path))
    right = total = shown = 0
    for doc, evs in sorted(events.items()):
        number = int(doc.rsplit("-", 1)[1])
        countries = {_iso(place.split(":")[0].strip()) for _, place, _ in evs}
        if not first <= number <= last or doc not in texts or len(countries) != 1 or None in countries:
            continue
        gold = countries.pop()
        got = find_places(texts[doc], "en").country
        total += 1
        right += got == gold
        if got != gold and shown < args.show:
            shown += 1
            print(f"{doc}: gold {gold} got {got}: {texts[doc][:160]!r}")
    print(f"caps_country split={args.split} docs={total} accuracy={right / max(total, 1):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
