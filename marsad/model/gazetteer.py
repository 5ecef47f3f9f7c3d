"""The bundled gazetteer: countries, admin1 units and populated places with coordinates.

Why: incidents are located from news text written in Arabic, English or French, often on air-gapped
machines, so the place names (and their folded search forms) must ship with Marsad. The data is built once
by ``scripts/build_gazetteer.py`` from GeoNames (CC BY 4.0, see ``marsad/data/gazetteer/ATTRIBUTION.md``):
cities of 15,000 people or more worldwide, of 500 or more in the 22 Arab League states, of 5,000 or more
in a few other countries with frequent incidents, English admin1 names, and every country.

Name forms are stored already folded with :func:`marsad.text.fold`, as one sorted newline-joined string
with the row numbers of the places they name in two packed integer arrays, so loading is one JSON read and
a string split (and a name is looked up by binary search); :func:`load_gazetteer` is cached, so every caller
shares one copy.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import operator
import sys
from array import array
from bisect import bisect_left
from itertools import islice
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from marsad.errors import ConfigError
from marsad.text import fold

__all__ = ["Place", "Gazetteer", "load_gazetteer", "GAZETTEER_FILE", "PLACE_KINDS"]

#: the bundled gazetteer file
GAZETTEER_FILE = Path(__file__).resolve().parents[1] / "data" / "gazetteer" / "places.json.gz"
#: feature kinds, from largest to smallest
PLACE_KINDS = ("country", "admin1", "city")


class Place(NamedTuple):
    """One place. ``name`` is English; ``name_ar`` an Arabic name where GeoNames has one; ``country`` is
    ISO alpha-2; ``admin1`` the English name of the first-level division (None for countries); ``kind``
    one of :data:`PLACE_KINDS`; ``population`` 0 where unknown; ``key`` the folded English name."""

    id: str
    name: str
    name_ar: str | None
    country: str
    admin1: str | None
    latitude: float | None
    longitude: float | None
    population: int
    kind: str
    key: str

    @property
    def names(self) -> dict[str, str]:
        """Names by language (en always, ar where known)."""
        return {"en": self.name, "ar": self.name_ar} if self.name_ar else {"en": self.name}

    def name_in(self, lang: str) -> str:
        """The name in ``lang`` where known, else the English one."""
        return self.names.get(lang) or self.name


class Gazetteer:
    """All places, with lookups by id, by folded name form, by country.

    Places are ordered countries first, then admin1 units, then cities, each by falling population, and
    every lookup answers in that order."""

    def __init__(self, places: list[Place], forms: list[str], starts: Sequence[int], rows: Sequence[int]):
        self.places = places
        self._forms = forms
        # the bundled forms are sorted and distinct: a binary search finds them, and loading is spared
        # hashing 200,000 strings into a dict; other lists get the dict
        ordered = all(map(operator.lt, forms, islice(forms, 1, None)))
        self._number = None if ordered else {form: number for number, form in enumerate(forms)}
        self._starts = starts
        self._rows = rows
        self._by_id: dict[str, Place] | None = None

    def _rows_of(self, number: int) -> Sequence[int]:
        return self._rows[self._starts[number]:self._starts[number + 1]]

    def __len__(self) -> int:
        return len(self.places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self.places)

    def get(self, place_id: str) -> Place | None:
        """The place with ``place_id`` (``G<geonameid>``, ``A<cc>.<code>`` or ``C<cc>``), or None."""
        if self._by_id is None:
            self._by_id = {p.id: p for p in self.places}
        return self._by_id.get(place_id)

    def lookup(self, name: str, *, country: str | None = None, kind: str | None = None) -> list[Place]:
        """Places named ``name`` in any language (folded match), countries first, then admin1 units, then
        cities by falling population; optionally only in ``country`` and/or of ``kind``."""
        found = self.lookup_folded(fold(name))
        return [p for p in found if (country is None or p.country == country) and (kind is None or p.kind == kind)]

    def lookup_folded(self, form: str) -> list[Place]:
        """Like :meth:`lookup` for a form that is already folded (the matchers' fast path)."""
        if self._number is None:
            number = bisect_left(self._forms, form)
            if number == len(self._forms) or self._forms[number] != form:
                return []
        else:
            number = self._number.get(form)
            if number is None:
                return []
        places = self.places
        return [places[i] for i in self._rows_of(number)]

    def forms(self) -> Iterator[str]:
        """Every folded name form, once."""
        return iter(self._forms)

    def form_places(self) -> Iterator[tuple[str, Sequence[int]]]:
        """Every folded name form with the row numbers (in :attr:`places`) of the places it names."""
        return ((form, self._rows_of(number)) for number, form in enumerate(self._forms))

    def forms_with_best(self) -> Iterator[tuple[str, Place]]:
        """Every folded name form with the first place it names (the one :meth:`lookup_folded` puts first)."""
        places, rows = self.places, self._rows
        return zip(self._forms, (places[rows[start]] for start in self._starts[:-1]))

    def country_place(self, code: str) -> Place | None:
        """The country ``code`` as a place (coordinates of its capital)."""
        return self.get(f"C{code.upper()}")

    def in_country(self, code: str, kind: str | None = None) -> list[Place]:
        """Places in country ``code`` (optionally of ``kind``), in gazetteer order."""
        return [p for p in self.places if p.country == code and (kind is None or p.kind == kind)]


def _ints(encoded: str, byteorder: str) -> array:
    """An array of unsigned ints from its base64 form (written on a machine of ``byteorder``)."""
    values = array("I")
    values.frombytes(base64.b64decode(encoded))
    if byteorder != sys.byteorder:
        values.byteswap()
    return values


@functools.cache
def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """The gazetteer from ``path`` (default: the bundled file), loaded once per path."""
    source = Path(path) if path else GAZETTEER_FILE
    try:
        with gzip.open(source, "rt", encoding="utf-8") as fh:
            document = json.load(fh)
        make = Place._make
        starts, rows = _ints(document["starts"], document["byteorder"]), _ints(document["rows"], document["byteorder"])
        return Gazetteer([make(row) for row in document["places"]], document["forms"].split("\n"), starts, rows)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"the gazetteer file {source} cannot be read: {exc}") from exc
