"""Readers for the development corpora in ``../shared/data`` with their fixed train/dev splits.

Why here: training (``scripts/train_extraction.py``) and measuring (``benchmarks/extraction.py``) must
read the same files and cut the same splits, or dev figures would leak training rows. Nothing here is
used at run time; the data never enters the repository.

Splits (one definition, :func:`is_dev`, used by training, ``benchmarks/extraction.py`` and the
``scripts/eval_*.py`` scripts): GTD — ``md5(eventid) % 5 == 0`` is dev (rows deduplicated by eventid
across the three files, the first file's row kept); MUC — ``train.json`` / ``dev.json`` as published
(folds inside MUC train, for calibration and thresholds, also come from :func:`is_dev`); SATP — its own
train/dev files; ACLED — ``md5(event id) % 5 == 0`` is dev; ISAF — all rows are evaluation only.
"""

from __future__ import annotations

import csv
import json
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from marsad.text import fold

__all__ = [
    "Doc",
    "is_dev",
    "is_dev_id",
    "fold_of",
    "load_gtd",
    "load_muc",
    "load_satp",
    "load_acled",
    "load_isaf",
    "strip_gtd_date",
    "city_key",
    "same_city",
]

csv.field_size_limit(10_000_000)
_GTD_FILES = (
    "sqlproj_gtd_2016-2018_20countries.csv",
    "marco2012_terrorism_subset.csv",
    "marco2012_terrorism_2000.csv",
)
_GTD_DATE = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{2,4}(?:\s*[-–]\s*\d{1,2}/\d{1,2}/\d{2,4})?\s*[:\-–]\s*")


_CITY_TYPE_WORD = re.compile(r"\s+(district|city|town|village|area|province|municipality|neighborhood)$")


def city_key(name: str | None) -> str:
    """The form in which a city name is compared with GTD's: folded, hyphens as spaces, without a trailing
    "district"/"city"/… word (GTD writes "Paghman district" where a report says "Paghman")."""
    folded = fold(name or "").replace("-", " ")
    return " ".join(_CITY_TYPE_WORD.sub("", folded).split())


def same_city(gold: str | None, got: str | None) -> bool:
    """Whether an extracted city counts as GTD's (the one city scorer of the benchmark and eval scripts)."""
    return got is not None and gold is not None and city_key(got) == city_key(gold)


@dataclass
class Doc:
    """One labelled text: ``labels`` holds whatever the corpus gives (attack type, relevance…)."""

    id: str
    text: str
    labels: dict = field(default_factory=dict)


def fold_of(key: str, folds: int = 5) -> int:
    """The fold (0 … folds-1) of an id: md5 of its UTF-8 bytes, as an integer, mod ``folds``."""
    return int(hashlib.md5(str(key).encode("utf-8")).hexdigest(), 16) % folds


def is_dev(source: str, key: str) -> bool:
    """The fixed dev split of every data set: ``md5(key) % 5 == 0`` (``source`` names the set, e.g.
    "gtd", "acled"; it is part of the signature so that a set with published splits can say so)."""
    if source in ("muc", "satp"):
        raise ValueError(f"{source} has published train/dev files: use them, not is_dev")
    return fold_of(key) == 0


def is_dev_id(key: str) -> bool:
    """The fixed dev split for id-keyed sets (GTD eventid, ACLED event id): ``md5(key) % 5 == 0``."""
    return fold_of(key) == 0


def strip_gtd_date(summary: str) -> str:
    """A GTD summary without its leading "MM/DD/YYYY:" (which would teach the model a GTD-only cue)."""
    return _GTD_DATE.sub("", summary, count=1).strip()


def _num(value: str) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _gtd_row(row: dict) -> dict:
    labels = {
        "attack": row.get("attacktype1_txt") or None,
        "weapon": row.get("weaptype1_txt") or None,
        "target": row.get("targtype1_txt") or None,
        "country": row.get("country_txt") or None,
        "city": row.get("city") or None,
        "provstate": row.get("provstate") or None,
        "gname": row.get("gname") or None,
        "killed": _num(row.get("nkill", "")),
        "wounded": _num(row.get("nwound", "")),
        "year": _num(row.get("iyear") or row.get("year") or ""),
        "month": _num(row.get("imonth", "")),
        "day": _num(row.get("iday", "")),
        "latitude": row.get("latitude") or None,
        "longitude": row.get("longitude") or None,
    }
    # every listed type, GTD order (attacktype1..3 etc.; files without the 2/3 columns give one)
    for key, column in (("attack", "attacktype"), ("target", "targtype"), ("weapon", "weaptype")):
        listed = [row.get(f"{column}{i}_txt") for i in (1, 2, 3)]
        labels[f"{key}_list"] = [v for v in dict.fromkeys(listed) if v and v != "."]
    return labels


def load_gtd(root: Path, split: str) -> list[Doc]:
    """GTD summaries (deduplicated by eventid) of ``split`` ("train" or "dev"), date prefix kept in text."""
    seen: dict[str, Doc] = {}
    for name in _GTD_FILES:
        path = root / "gtd-dev" / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                eid, summary = row["eventid"], (row.get("summary") or "").strip()
                if not summary or eid in seen or is_dev_id(eid) != (split == "dev"):
                    continue
                seen[eid] = Doc(eid, summary, {**_gtd_row(row), "source": name.split("_")[0]})
    return list(seen.values())


def load_muc(root: Path, split: str) -> list[Doc]:
    """MUC-3/4 documents; ``labels["relevant"]`` is whether the document has an incident template."""
    path = root / "muc" / ("dev.json" if split == "dev" else "train.json")
    docs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                templates = row.get("templates") or []
                docs.append(Doc(row["docid"], row["doctext"], {
                    "relevant": bool(templates),
                    "incident_types": sorted({t.get("incident_type") for t in templates}),
                }))
    return docs


def load_satp(root: Path, split: str) -> list[Doc]:
    """SATP incident texts (every row has at least one of four event flags: all are incident reports)."""
    path = root / "satp" / f"satp_relevant_{'dev' if split == 'dev' else 'train'}.tsv"
    docs = []
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.reader(fh, delimiter="\t")):
            if row and row[0].strip():
                docs.append(Doc(f"satp-{split}-{i}", row[0], {"flags": row[1:]}))
    return docs


def load_acled(root: Path, split: str) -> list[Doc]:
    """ACLED notes with their event type (``labels["event_type"]``)."""
    docs = []
    for path in sorted((root / "acled-dev").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                eid = row["event_id_cnty"]
                if is_dev_id(eid) == (split == "dev"):
                    docs.append(Doc(eid, row["notes"], {"event_type": row["gold_label_full"]}))
    return docs


def load_isaf(root: Path) -> list[Doc]:
    """ISAF press releases (text after "PRESS RELEASE TEXT:") with the expert JSON as labels."""
    docs = []
    path = root / "isaf" / "isaf_press_releases_test_prompt_completion.jsonl"
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            row = json.loads(line)
            text = row["prompt"].split("PRESS RELEASE TEXT:", 1)[-1].strip()
            docs.append(Doc(f"isaf-{i}", text, json.loads(row["completion"])))
    return docs
