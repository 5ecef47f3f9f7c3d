"""Build ``marsad/data/countries.json``: ISO 3166-1 countries with Arabic, English and French names and variants.

Why a build step: pycountry's gettext catalogues take a while to read and need post-processing (inverted
ISO names such as "Korea, Republic of", diacritics in Arabic names), and a folded-name index must be built;
doing it once here keeps ``marsad.model.countries`` loading in a few milliseconds.

Sources: pycountry (ISO 3166-1 codes, English names, Arabic and French translations from its iso-codes
catalogues, LGPL-2.1) plus the hand-written display names and variants below (Marsad's own). Reproducible:
``/work/venv/bin/python scripts/build_countries.py`` writes the same file for the same pycountry version.
"""

from __future__ import annotations

import gettext
import json
import re
import sys
from importlib.metadata import version
from pathlib import Path

import pycountry

from marsad.model.countries import name_key

OUT = Path(__file__).resolve().parents[1] / "marsad" / "data" / "countries.json"
_HARAKAT = re.compile("[\u064b-\u0652\u0670]")

#: code: (ar, en, fr display names, *variants in any language)
NAMES: dict[str, tuple[str, ...]] = {
    # the 22 Arab League states
    "DZ": ("الجزائر", "Algeria", "Algérie", "الجمهورية الجزائرية", "Algerie", "Algérie"),
    "BH": ("البحرين", "Bahrain", "Bahreïn", "مملكة البحرين", "Bahrein", "Kingdom of Bahrain"),
    "KM": ("جزر القمر", "Comoros", "Comores", "القمر المتحدة", "Comoro Islands", "Union des Comores", "Union of the Comoros"),
    "DJ": ("جيبوتي", "Djibouti", "Djibouti", "جمهورية جيبوتي"),
    "EG": ("مصر", "Egypt", "Égypte", "جمهورية مصر العربية", "Arab Republic of Egypt", "République arabe d'Égypte"),
    "IQ": ("العراق", "Iraq", "Irak", "جمهورية العراق", "Republic of Iraq", "République d'Irak"),
    "JO": ("الأردن", "Jordan", "Jordanie", "المملكة الأردنية الهاشمية", "Hashemite Kingdom of Jordan",
           "Royaume hachémite de Jordanie"),
    "KW": ("الكويت", "Kuwait", "Koweït", "دولة الكويت", "State of Kuwait", "Koweit"),
    "LB": ("لبنان", "Lebanon", "Liban", "الجمهورية اللبنانية", "Lebanese Republic", "République libanaise"),
    "LY": ("ليبيا", "Libya", "Libye", "دولة ليبيا", "State of Libya", "Libyan Arab Jamahiriya"),
    "MR": ("موريتانيا", "Mauritania", "Mauritanie", "الجمهورية الإسلامية الموريتانية", "Islamic Republic of Mauritania"),
    "MA": ("المغرب", "Morocco", "Maroc", "المملكة المغربية", "Kingdom of Morocco", "Royaume du Maroc"),
    "OM": ("عُمان", "Oman", "Oman", "سلطنة عمان", "Sultanate of Oman", "Sultanat d'Oman"),
    "PS": ("فلسطين", "Palestine", "Palestine", "دولة فلسطين", "State of Palestine", "État de Palestine",
           "الأراضي الفلسطينية", "Palestinian Territories", "Territoires palestiniens"),
    "QA": ("قطر", "Qatar", "Qatar", "دولة قطر", "State of Qatar"),
    "SA": ("السعودية", "Saudi Arabia", "Arabie saoudite", "المملكة العربية السعودية", "Kingdom of Saudi Arabia",
           "KSA", "Saudi", "Royaume d'Arabie saoudite", "العربية السعودية"),
    "SO": ("الصومال", "Somalia", "Somalie", "جمهورية الصومال الفيدرالية", "Federal Republic of Somalia"),
    "SD": ("السودان", "Sudan", "Soudan", "جمهورية السودان", "Republic of the Sudan", "the Sudan"),
    "SY": ("سوريا", "Syria", "Syrie", "سورية", "الجمهورية العربية السورية", "Syrian Arab Republic",
           "République arabe syrienne"),
    "TN": ("تونس", "Tunisia", "Tunisie", "الجمهورية التونسية", "Republic of Tunisia", "République tunisienne"),
    "AE": ("الإمارات", "United Arab Emirates", "Émirats arabes unis", "الإمارات العربية المتحدة", "دولة الإمارات",
           "UAE", "U.A.E.", "Emirates", "EAU", "Émirats"),
    "YE": ("اليمن", "Yemen", "Yémen", "الجمهورية اليمنية", "Republic of Yemen", "République du Yémen"),
    # others frequent in counter-terrorism reporting
    "AF": ("أفغانستان", "Afghanistan", "Afghanistan"),
    "PK": ("باكستان", "Pakistan", "Pakistan"),
    "IR": ("إيران", "Iran", "Iran", "الجمهورية الإسلامية الإيرانية", "Islamic Republic of Iran",
           "République islamique d'Iran"),
    "TR": ("تركيا", "Türkiye", "Turquie", "Turkey", "تركية", "Republic of Türkiye"),
    "NG": ("نيجيريا", "Nigeria", "Nigéria"),
    "NE": ("النيجر", "Niger", "Niger"),
    "ML": ("مالي", "Mali", "Mali"),
    "BF": ("بوركينا فاسو", "Burkina Faso", "Burkina Faso", "Burkina"),
    "TD": ("تشاد", "Chad", "Tchad"),
    "CM": ("الكاميرون", "Cameroon", "Cameroun"),
    "US": ("الولايات المتحدة", "United States", "États-Unis", "الولايات المتحدة الأمريكية", "أمريكا", "أميركا",
           "USA", "U.S.", "U.S.A.", "United States of America", "America", "États-Unis d'Amérique", "Amérique"),
    "GB": ("المملكة المتحدة", "United Kingdom", "Royaume-Uni", "بريطانيا", "UK", "U.K.", "Britain", "Great Britain",
           "Grande-Bretagne"),
    "FR": ("فرنسا", "France", "France"),
    "RU": ("روسيا", "Russia", "Russie", "روسيا الاتحادية", "Russian Federation", "Fédération de Russie"),
    "IL": ("إسرائيل", "Israel", "Israël"),
    "IN": ("الهند", "India", "Inde"),
    "CN": ("الصين", "China", "Chine"),
    "DE": ("ألمانيا", "Germany", "Allemagne"),
    "ES": ("إسبانيا", "Spain", "Espagne"),
    "IT": ("إيطاليا", "Italy", "Italie"),
    "BE": ("بلجيكا", "Belgium", "Belgique"),
    "ET": ("إثيوبيا", "Ethiopia", "Éthiopie"),
    "KE": ("كينيا", "Kenya", "Kenya"),
    "SS": ("جنوب السودان", "South Sudan", "Soudan du Sud"),
    "ER": ("إريتريا", "Eritrea", "Érythrée"),
    "MZ": ("موزمبيق", "Mozambique", "Mozambique"),
    "PH": ("الفلبين", "Philippines", "Philippines"),
    "ID": ("إندونيسيا", "Indonesia", "Indonésie"),
    "CD": ("جمهورية الكونغو الديمقراطية", "DR Congo", "République démocratique du Congo", "الكونغو الديمقراطية",
           "Democratic Republic of the Congo", "DRC", "RDC", "Congo-Kinshasa"),
    "CG": ("جمهورية الكونغو", "Republic of the Congo", "République du Congo", "Congo-Brazzaville"),
    "KR": ("كوريا الجنوبية", "South Korea", "Corée du Sud"),
    "KP": ("كوريا الشمالية", "North Korea", "Corée du Nord"),
    # corrections of the catalogues (missing or wrong translations, awkward ISO forms)
    "MD": ("مولدوفا", "Moldova", "Moldavie", "مولدافيا", "Republic of Moldova"),
    "MV": ("جزر المالديف", "Maldives", "Maldives", "المالديف"),
    "LA": ("لاوس", "Laos", "Laos"),
    "VA": ("الفاتيكان", "Vatican", "Vatican", "Holy See", "Saint-Siège", "الكرسي الرسولي", "Vatican City"),
    "HU": ("المجر", "Hungary", "Hongrie", "هنغاريا"),
    "ME": ("الجبل الأسود", "Montenegro", "Monténégro"),
}

#: catalogue names that are wrong for the country (left out of its names)
WRONG = {("MD", "المالديف")}


def _clean_ar(text: str) -> str:
    return _HARAKAT.sub("", text)


def _names(record, catalogue=None, lang: str = "en") -> list[str]:
    """[display candidate order] common name, ISO name, official name — translated when a catalogue is given."""
    keys = [k for k in ("common_name", "name", "official_name") if hasattr(record, k)]
    out = [getattr(record, k) for k in keys]
    if catalogue is not None:
        out = [catalogue.gettext(n) for n in out]
    return [_clean_ar(n) if lang == "ar" else n for n in out]


def _display(names: list[str]) -> str:
    """The first name that is not an inverted ISO form ("Korea, Republic of")."""
    for name in names:
        if "," not in name and "،" not in name:
            return name
    return names[0]


def build() -> dict:
    catalogues = {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]) for lang in ("ar", "fr")}
    countries: dict[str, dict] = {}
    for record in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        code = record.alpha_2
        en, ar, fr = _names(record), _names(record, catalogues["ar"], "ar"), _names(record, catalogues["fr"], "fr")
        hand = NAMES.get(code, ())
        display = {"ar": hand[0] if hand else _display(ar), "en": hand[1] if hand else _display(en),
                   "fr": hand[2] if hand else _display(fr)}
        variants = [n for n in dict.fromkeys([*display.values(), *hand[3:], *en, *ar, *fr]) if (code, n) not in WRONG]
        countries[code] = {"alpha3": record.alpha_3, "numeric": record.numeric, **display, "names": variants}
    return {"source": "pycountry " + _pycountry_version() + " (ISO 3166-1, iso-codes translations) "
            "and Marsad's own display names and variants (scripts/build_countries.py)",
            "countries": countries, "index": build_index(countries)}


def build_index(countries: dict[str, dict]) -> dict[str, str]:
    """folded name → code. Display names win over other names; a name two countries share is left out."""
    index: dict[str, str] = {}
    ambiguous: set[str] = set()
    for rank in ("display", "other"):
        seen: dict[str, set[str]] = {}
        for code, entry in countries.items():
            names = [entry["ar"], entry["en"], entry["fr"]] if rank == "display" else entry["names"]
            for name in names:
                key = name_key(name)
                if key and key not in index:
                    seen.setdefault(key, set()).add(code)
        for key, codes in seen.items():
            if len(codes) == 1:
                index[key] = next(iter(codes))
            else:
                ambiguous.add(key)
    return dict(sorted(index.items()))


def _pycountry_version() -> str:
    return version("pycountry")


if __name__ == "__main__":
    data = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(data['countries'])} countries, {len(data['index'])} names)", file=sys.stderr)
