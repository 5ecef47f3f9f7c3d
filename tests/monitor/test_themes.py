"""Theme rules in Arabic, English and French (sentences written for these tests)."""

from __future__ import annotations

import pytest

from marsad.model.vocab import THEMES
from marsad.monitor.features import featurise
from marsad.monitor.models import load_models
from marsad.monitor.themes import (THEME_RULES, THEME_TERMS, WINDOW, find_themes, themes_from_features,
                                   themes_from_tokens)

CASES = [
    ("drones", "en", "An armed drone struck the airbase overnight."),
    ("drones", "fr", "Un drone armé a frappé la base aérienne."),
    ("drones", "ar", "استهدفت طائرة مسيرة القاعدة الجوية ليلاً."),
    ("crypto-financing", "en", "The group raised funds in bitcoin through online wallets."),
    ("crypto-financing", "fr", "Le groupe terroriste collecte des fonds en cryptomonnaies."),
    ("crypto-financing", "ar", "يعتمد التنظيم الإرهابي على العملات المشفرة في تمويل عملياته."),
    ("child-recruitment", "en", "The militia recruited dozens of children as fighters."),
    ("child-recruitment", "fr", "Le groupe armé recrute des enfants dans les villages."),
    ("child-recruitment", "ar", "حذر التقرير من تجنيد الأطفال في صفوف الجماعات المسلحة."),
    ("returning-foreign-fighters", "en", "The return of foreign fighters from Syria worries officials."),
    ("returning-foreign-fighters", "fr", "Le retour des combattants étrangers inquiète les autorités."),
    ("returning-foreign-fighters", "ar", "تشكل عودة المقاتلين الأجانب تحدياً أمنياً."),
    ("critical-infrastructure", "en", "Saboteurs blew up a gas pipeline in the desert."),
    ("critical-infrastructure", "fr", "Des saboteurs ont fait sauter un gazoduc dans le désert."),
    ("critical-infrastructure", "ar", "فجر مخربون خط أنابيب الغاز في الصحراء."),
    ("soft-targets", "en", "A gunman attacked shoppers in a crowded market."),
    ("soft-targets", "fr", "Un attentat a visé une salle de concert bondée."),
    ("soft-targets", "ar", "استهدف هجوم انتحاري حفل زفاف في القرية."),
    ("online-propaganda", "en", "The group spreads propaganda on social media and Telegram."),
    ("online-propaganda", "fr", "La propagande djihadiste circule sur les réseaux sociaux."),
    ("online-propaganda", "ar", "تنشر الجماعة دعايتها عبر مواقع التواصل الاجتماعي."),
    ("terror-crime-nexus", "en", "The terrorist cell financed itself through drug trafficking."),
    ("terror-crime-nexus", "fr", "Le groupe terroriste vit du trafic de drogue."),
    ("terror-crime-nexus", "ar", "يمول التنظيم الإرهابي نشاطه من تهريب المخدرات."),
    ("borders", "en", "Militants crossed the border and attacked a border post."),
    ("borders", "fr", "Des terroristes ont franchi la frontière pendant la nuit."),
    ("borders", "ar", "تسلل إرهابيون عبر الحدود الجنوبية."),
]


@pytest.mark.parametrize("theme,lang,text", CASES)
def test_theme_fires(theme, lang, text):
    assert theme in find_themes(text, lang)


@pytest.mark.parametrize("lang,text", [
    ("en", "The central bank raised interest rates to curb inflation."),
    ("fr", "Le championnat de football reprend samedi."),
    ("ar", "ارتفعت أسعار الذهب في الأسواق العالمية اليوم."),
    ("en", ""),
])
def test_ordinary_news_has_no_theme(lang, text):
    assert find_themes(text, lang) == []


def test_rule_needs_its_terms_close_together():
    far = "Children play in the park. " + "The weather was fine. " * (WINDOW // 4 + 2) + "The army recruits."
    near = "The army recruits children."
    assert "child-recruitment" not in find_themes(far, "en")
    assert "child-recruitment" in find_themes(near, "en")


def test_every_theme_has_rules_over_known_terms():
    assert set(THEME_RULES) == set(THEMES.names)
    for rules in THEME_RULES.values():
        assert all(group in THEME_TERMS for rule in rules for group in rule)


def test_themes_come_in_vocabulary_order():
    text = "An armed drone attacked a crowded market near the border, militants said."
    found = find_themes(text, "en")
    assert found == [n for n in THEMES.names if n in found] and len(found) >= 2


def test_themes_from_features_agree_with_themes_from_tokens():
    """featurise records each token's theme entry once a model vocabulary is loaded; the themes found from
    those entries must be the themes found from the tokens alone."""
    load_models()  # hands its vocabulary to featurise: records (and theme entries) from now on
    texts = [(lang, text) for _, lang, text in CASES] + [("en", "Nothing happened at the bakery."), ("fr", ""),
                                                          ("ar", "اجتماع وزاري حول الميزانية")]
    for lang, text in texts:
        feats = featurise(text, "Un titre" if lang == "fr" else None, lang)
        assert feats.extra_entries is not None and len(feats.extra_entries) == len(feats.tokens)
        assert themes_from_features(feats, lang) == themes_from_tokens(feats.tokens, lang), text
    feats = featurise("An armed drone struck the airbase.", lang="en")
    assert themes_from_features(feats, "fr") == themes_from_tokens(feats.tokens, "fr")  # other language: no reuse
