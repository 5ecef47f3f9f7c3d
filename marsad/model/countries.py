"""ISO 3166-1 countries with Arabic, English and French names, and name → code lookup in all three.

Why: releasability entries, incident places, member states and maps are all keyed by ISO alpha-2 codes,
while people and news write "العراق", "Irak", "Iraq" or "KSA". The names come from pycountry's ISO
catalogues plus Marsad's own display names and variants, precomputed by ``scripts/build_countries.py``
into ``marsad/data/countries.json`` so that loading takes milliseconds, not pycountry's catalogue reading.
Lookup folds with :func:`marsad.text.fold` (accents, case, Arabic letter variants) and drops dots, so
"U.S.", "Émirats arabes unis" and "الامارات" are found as well.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from marsad.errors import InputError
from marsad.text import fold

__all__ = ["Country", "country", "countries", "country_name", "find_country", "is_country_code", "name_key", "DATA_DIR"]

#: marsad/data, where the bundled reference files live
DATA_DIR = Path(__file__).resolve().parents[1] / "data"
_CODE = re.compile(r"^[A-Z]{2,3}$")


@dataclass(frozen=True, slots=True)
class Country:
    """One country: ISO codes, display names in ar/en/fr, and every known name (``names``)."""

    code: str
    alpha3: str
    numeric: str
    ar: str
    en: str
    fr: str
    names: tuple[str, ...]

    def name(self, lang: str = "ar") -> str:
        """The display name in ``lang`` (ar, en, fr); English for any other language."""
        return {"ar": self.ar, "fr": self.fr}.get(lang, self.en)


def name_key(text: str) -> str:
    """The lookup key of a country name: folded, dots dropped, spaces squeezed."""
    return " ".join(fold(text).replace(".", "").split())


@functools.cache
def _data() -> tuple[dict[str, Country], dict[str, str], dict[str, str]]:
    raw = json.loads((DATA_DIR / "countries.json").read_text(encoding="utf-8"))
    table = {
        code: Country(code, e["alpha3"], e["numeric"], e["ar"], e["en"], e["fr"], tuple(e["names"]))
        for code, e in raw["countries"].items()
    }
    alpha3 = {c.alpha3: code for code, c in table.items()}
    return table, raw["index"], alpha3


def is_country_code(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code Marsad knows (upper case)."""
    return isinstance(code, str) and code in _data()[0]


def country(code: str) -> Country:
    """The country with ISO alpha-2 (or alpha-3) ``code``, any case; :class:`InputError` if there is none."""
    table, _, alpha3 = _data()
    key = str(code).strip().upper()
    found = table.get(key) or table.get(alpha3.get(key, ""))
    if found is None:
        raise InputError(f"{code!r} is not an ISO 3166-1 country code")
    return found


def countries() -> list[Country]:
    """Every country, by alpha-2 code."""
    return list(_data()[0].values())


def country_name(code: str, lang: str = "ar") -> str:
    """The display name of ``code`` in ``lang`` (ar, en, fr)."""
    return country(code).name(lang)


def find_country(name: str) -> str | None:
    """The alpha-2 code of a country named ``name`` in Arabic, English or French (variants, short forms,
    upper-case ISO codes included), or None when unknown or shared by several countries."""
    if not name or not isinstance(name, str):
        return None
    text = name.strip()
    table, index, alpha3 = _data()
    if _CODE.match(text):
        if text in table:
            return text
        if text in alpha3:
            return alpha3[text]
    key = name_key(text)
    found = index.get(key)
    if found is None and key.startswith(("the ", "la ", "le ", "les ")):
        found = index.get(key.split(" ", 1)[1])
    return found
