"""Convert the UN Security Council Consolidated List (entities) into marsad/data/organisations/un_sc_entities.json.

Why: the registry of organisations is seeded from the UN list, a public document that may ship with its
source and date; the CSV extract lives in ../shared/data/reference (not in the repository), so the
converted JSON is committed and this script is only needed when a newer list is taken.

Run: /work/venv/bin/python scripts/build_organisations.py [path/to/un_sc_entities_YYYY-MM-DD.csv]
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CSV = ROOT.parent / "shared" / "data" / "reference" / "un_sc_entities_2024-09-26.csv"
OUT = ROOT / "marsad" / "data" / "organisations" / "un_sc_entities.json"
_SPACES = re.compile(r"\s+")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text or "").strip()


def _split(text: str) -> list[str]:
    parts = [_clean(part) for part in (text or "").split("|")]
    return [p for p in parts if p]


def convert(path: Path) -> dict:
    """The JSON document for the CSV at ``path`` (the list date is taken from the file name)."""
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    entities = []
    for row in rows:
        entities.append({
            "reference": _clean(row["reference_number"]),
            "list": _clean(row["un_list_type"]),
            "name": _clean(row["name"]),
            "name_original_script": _clean(row["name_original_script"]) or None,
            "aliases": _split(row["aliases"]),
            "listed_on": _clean(row["listed_on"]) or None,
            "addresses": _split(row["addresses"]),
        })
    date = _DATE.search(path.name)
    return {
        "source": "United Nations Security Council Consolidated List, entities (public document), "
        "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
        "list_date": date.group(1) if date else None,
        "entities": sorted(entities, key=lambda e: e["reference"]),
    }


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_CSV
    if not source.is_file():
        print(f"no UN list CSV at {source}", file=sys.stderr)
        return 1
    document = convert(source)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"entities={len(document['entities'])} list_date={document['list_date']} out={OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
