"""Language identification on headlines and lead sentences (all written for these tests)."""

from __future__ import annotations

import pytest

from marsad.monitor.language import LANGUAGES, detect_language

ARABIC = [
    "مقتل خمسة جنود في هجوم على نقطة تفتيش شمال البلاد",
    "انفجار سيارة مفخخة قرب سوق شعبي",
    "الداخلية: إحباط مخطط إرهابي واعتقال ثلاثة مشتبه بهم",
    "استشهاد 4 مدنيين في قصف على قرية حدودية",
    "هجوم مسلح على دورية للشرطة في سيناء",
    "أعلنت وزارة الدفاع أن قواتها تمكنت فجر اليوم من القضاء على خلية إرهابية تضم ستة عناصر.",
    "ارتفاع حصيلة ضحايا تفجير بغداد إلى 32 قتيلاً",
    "اختطاف عامل إغاثة أجنبي في منطقة الساحل",
    "قال مصدر أمني إن عبوة ناسفة انفجرت بمرور رتل عسكري على طريق Kidal – Gao دون وقوع إصابات.",
    "تنظيم داعش يتبنى الهجوم",
]
ENGLISH = [
    "Five soldiers killed in attack on checkpoint in northern Mali",
    "Car bomb explodes near crowded market",
    "Gunmen storm hotel in capital, hostages taken",
    "Police foil plot, arrest three suspects",
    "Suicide bomber kills 12 at mosque",
    "At least 20 people were killed on Tuesday when a truck loaded with explosives blew up outside a "
    "government building, officials said.",
    "Militants ambush army convoy",
    "Death toll from Baghdad bombing rises to 32",
    "Aid worker kidnapped in Sahel region",
    "Islamic State claims responsibility for the attack",
]
FRENCH = [
    "Cinq soldats tués dans une attaque contre un poste de contrôle au nord du Mali",
    "Explosion d'une voiture piégée près d'un marché",
    "Des hommes armés prennent d'assaut un hôtel de la capitale",
    "La police déjoue un projet d'attentat et arrête trois suspects",
    "Un kamikaze fait 12 morts dans une mosquée",
    "Au moins vingt personnes ont été tuées mardi lorsqu'un camion chargé d'explosifs a sauté devant un "
    "bâtiment public, selon les autorités.",
    "Embuscade contre un convoi de l'armée",
    "Le bilan de l'attentat de Bagdad s'alourdit à 32 morts",
    "Un humanitaire enlevé dans le Sahel",
    "L'État islamique revendique l'attaque",
]
OTHER = [
    "Cinco soldados muertos en un ataque contra un puesto de control en el norte de Malí",
    "Fünf Soldaten bei einem Angriff auf einen Kontrollpunkt im Norden Malis getötet",
    "Beş asker kuzeydeki bir kontrol noktasına düzenlenen saldırıda hayatını kaybetti",
    "Пять солдат погибли при нападении на блокпост",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(t, "ar") for t in ARABIC] + [(t, "en") for t in ENGLISH] + [(t, "fr") for t in FRENCH]
    + [(t, "other") for t in OTHER],
)
def test_detects_headlines_and_sentences(text, expected):
    assert detect_language(text) == expected


def test_arabic_script_decides_even_with_latin_names():
    assert detect_language("هجوم في Ouagadougou على فندق Splendid") == "ar"


def test_long_report_is_decided_by_function_words():
    report = " ".join(ENGLISH) * 5
    assert detect_language(report) == "en"
    assert detect_language(" ".join(FRENCH) * 5) == "fr"


@pytest.mark.parametrize("text", ["", "   ", "12/05/2021 - 14:30", "!!!"])
def test_letterless_text_falls_back_to_hint(text):
    assert detect_language(text, hint="fr") == "fr"
    assert detect_language(text) == "other"


def test_result_is_always_one_of_the_languages():
    for text in ["ok", "Mali", "x y z", "BREAKING", "?!"]:
        assert detect_language(text) in LANGUAGES


@pytest.mark.parametrize("title", ["Attentat à Gao", "Three killed", "هجوم", "", "ﬁn d`été"])
@pytest.mark.parametrize("text", [" ".join(FRENCH), " ".join(ENGLISH), ARABIC[0], "Mali", "e\u0301te\u0301 a` Gao"])
def test_a_title_given_apart_reads_as_title_blank_line_text(title, text):
    joined = f"{title}\n\n{text}" if title else text
    assert detect_language(text, title=title) == detect_language(joined)
    assert detect_language(text, "fr", title=title) == detect_language(joined, "fr")
