"""The bundled gazetteer: lookups in three languages, kinds, order, coordinates, errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.errors import ConfigError
from marsad.model.gazetteer import PLACE_KINDS, Gazetteer, Place, load_gazetteer
from marsad.text import fold


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def test_loads_once_and_is_large(gazetteer):
    assert load_gazetteer() is gazetteer
    assert len(gazetteer) > 30_000
    assert {p.kind for p in gazetteer} == set(PLACE_KINDS)


@pytest.mark.parametrize("name", ["Mosul", "الموصل", "Mossoul", "MOSUL", "الْمَوْصِل"])
def test_city_found_by_any_form(gazetteer, name):
    found = gazetteer.lookup(name, kind="city")
    assert found and found[0].name == "Mosul" and found[0].country == "IQ"
    assert 35 < found[0].latitude < 37 and 42 < found[0].longitude < 44


@pytest.mark.parametrize("name,code", [("Iraq", "IQ"), ("العراق", "IQ"), ("Irak", "IQ"), ("Maroc", "MA"), ("Mali", "ML")])
def test_countries_are_places(gazetteer, name, code):
    found = gazetteer.lookup(name, kind="country")
    assert [p.country for p in found] == [code]


def test_small_arab_town_is_present(gazetteer):
    # Arab League states are covered down to places of 500 people
    arab_small = [p for p in gazetteer if p.kind == "city" and p.country in {"IQ", "EG", "YE"} and p.population < 15000]
    assert len(arab_small) > 100


def test_order_countries_then_admin1_then_cities_by_population(gazetteer):
    found = gazetteer.lookup("Kunduz")
    kinds = [PLACE_KINDS.index(p.kind) for p in found]
    assert kinds == sorted(kinds)
    cities = [p.population for p in found if p.kind == "city"]
    assert cities == sorted(cities, reverse=True)


def test_city_knows_its_admin1_name(gazetteer):
    baghdad = gazetteer.lookup("Baghdad", country="IQ", kind="city")[0]
    assert baghdad.admin1 and baghdad.names["en"] == "Baghdad"
    assert baghdad.name_in("ar") == baghdad.name_ar


def test_get_and_country_place(gazetteer):
    iraq = gazetteer.country_place("iq")
    assert iraq is not None and iraq.kind == "country" and gazetteer.get(iraq.id) == iraq
    assert gazetteer.get("nothing") is None


def test_unknown_name_is_empty(gazetteer):
    assert gazetteer.lookup("Zzyzx-nowhere-qq") == []


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=20))
def test_lookup_never_raises(text):
    found = load_gazetteer().lookup(text)
    assert all(isinstance(p, Place) for p in found)


def test_bad_file_is_a_config_error(tmp_path):
    bad = tmp_path / "places.json.gz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(ConfigError, match="gazetteer"):
        load_gazetteer(bad)


def test_form_iterators_agree_with_lookup(gazetteer):
    forms = dict(gazetteer.forms_with_best())
    assert forms["mosul"] == gazetteer.lookup_folded("mosul")[0]
    rows = dict(gazetteer.form_places())
    assert [gazetteer.places[i] for i in rows["mosul"]] == gazetteer.lookup_folded("mosul")
    assert len(forms) == len(rows) == len(list(gazetteer.forms()))


def test_unsorted_forms_are_looked_up_like_sorted_ones(gazetteer):
    places = gazetteer.places[:50]
    table = {}
    for row, place in enumerate(places):
        for form in {place.key, fold(place.name)}:
            table.setdefault(form, []).append(row)
    ordered = sorted(table)
    shuffled = ordered[::-1]
    for forms in (ordered, shuffled):
        starts, rows = [0], []
        for form in forms:
            rows.extend(table[form])
            starts.append(len(rows))
        small = Gazetteer(places, forms, starts, rows)
        assert all(small.lookup_folded(form) == [places[r] for r in table[form]] for form in forms)
        assert small.lookup_folded("no such place") == [] and small.lookup_folded("") == []
