"""Countries: names in Arabic, English and French, lookup by any of them, the bundled file is current."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from marsad.errors import InputError
from marsad.model.countries import DATA_DIR, countries, country, country_name, find_country, is_country_code, name_key

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
ARAB_LEAGUE = "DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE".split()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Iraq", "IQ"), ("Irak", "IQ"), ("العراق", "IQ"),
        ("Syria", "SY"), ("Syrie", "SY"), ("سوريا", "SY"), ("سورية", "SY"), ("Syrian Arab Republic", "SY"),
        ("الإمارات", "AE"), ("الامارات العربية المتحدة", "AE"), ("Emirats arabes unis", "AE"), ("UAE", "AE"),
        ("KSA", "SA"), ("المملكة العربية السعودية", "SA"), ("السعوديه", "SA"), ("Arabie Saoudite", "SA"),
        ("الأردن", "JO"), ("Jordanie", "JO"), ("Égypte", "EG"), ("egypte", "EG"), ("مصر", "EG"),
        ("U.S.", "US"), ("États-Unis", "US"), ("أمريكا", "US"), ("the United Kingdom", "GB"),
        ("Maroc", "MA"), ("المغرب", "MA"), ("Mauritanie", "MR"), ("جزر القمر", "KM"), ("Comores", "KM"),
        ("Libye", "LY"), ("ليبيا", "LY"), ("Soudan", "SD"), ("جنوب السودان", "SS"), ("Turkey", "TR"),
        ("Niger", "NE"), ("Nigeria", "NG"), ("المالديف", "MV"), ("Moldavie", "MD"), ("Allemagne", "DE"),
        ("SA", "SA"), ("IRQ", "IQ"),
    ],
)
def test_find_country_in_three_languages(name, code):
    assert find_country(name) == code


@pytest.mark.parametrize("name", ["", "Atlantis", "مدينة", "sa", None])
def test_find_country_unknown(name):
    assert find_country(name) is None


def test_names_and_codes():
    assert country("sa").en == "Saudi Arabia"
    assert country("SAU").code == "SA"
    assert country_name("DZ", "ar") == "الجزائر"
    assert country_name("DZ", "fr") == "Algérie"
    assert country_name("DZ", "de") == "Algeria"
    assert is_country_code("EG") and not is_country_code("eg") and not is_country_code("XX")
    with pytest.raises(InputError, match="XX"):
        country("XX")


def test_every_country_has_three_names():
    table = countries()
    assert len(table) >= 249
    for c in table:
        assert c.ar and c.en and c.fr, c.code
        assert any("\u0600" <= ch <= "\u06ff" for ch in c.ar), (c.code, c.ar)
    for code in ARAB_LEAGUE + "KR KP IR TW PS CD BO VE TZ MD FM".split():  # ISO writes these inverted
        assert "," not in country(code).en + country(code).fr and "،" not in country(code).ar, code
    for code in ARAB_LEAGUE:
        assert find_country(country(code).ar) == code
        assert find_country(country(code).en) == code
        assert find_country(country(code).fr) == code


def test_bundled_index_matches_folding():
    """The precomputed index was built with today's folding (else rebuild with scripts/build_countries.py)."""
    raw = json.loads((DATA_DIR / "countries.json").read_text(encoding="utf-8"))
    for key in raw["index"]:
        assert name_key(key) == key
    for c in countries():
        for name in (c.ar, c.en, c.fr):
            assert raw["index"].get(name_key(name)) == c.code, (c.code, name)


def test_bundled_file_is_what_the_build_script_makes():
    """scripts/build_countries.py is reproducible and the shipped file is current."""
    spec = importlib.util.spec_from_file_location("build_countries", SCRIPTS / "build_countries.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    shipped = json.loads((DATA_DIR / "countries.json").read_text(encoding="utf-8"))
    assert script.build() == shipped
