"""Folding, Arabic clitics and the concept lexicon (sentences written for these tests)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from marsad.monitor.concepts import CONCEPTS, INCIDENT_CONCEPTS, POLICY_CONCEPTS
from marsad.monitor.features import ConceptMatcher, _report_tokens, arabic_forms, featurise, fold_tokens
from marsad.text import tokens


def test_arabic_clitics_are_stripped():
    forms = arabic_forms("وبالسيارة".replace("ة", "ه"))
    assert "سياره" in forms and "وبالسياره" in forms
    assert arabic_forms("attack") == ("attack",)


def test_same_concepts_in_three_languages():
    texts = {
        "en": "A bomb exploded near the police station, killing two and wounding five.",
        "fr": "Une bombe a explosé près du commissariat de police, tuant deux personnes et en blessant cinq.",
        "ar": "انفجرت قنبلة قرب مركز الشرطة ما أدى إلى مقتل اثنين وإصابة خمسة.",
    }
    for lang, text in texts.items():
        counts = featurise(text, lang=lang).counts
        assert {"EXPLOSION", "KILL", "WOUND", "POLICE"} <= set(counts), (lang, counts)


def test_policy_concepts():
    text = "انطلقت أعمال المؤتمر الإقليمي حول الاستراتيجية العربية لمكافحة الإرهاب"
    counts = featurise(text, lang="ar").counts
    assert {"CONFERENCE", "STRATEGY", "COUNTER"} <= set(counts)
    assert not set(counts) & {"EXPLOSION", "KILL", "WOUND"}


def test_phrase_head_word_counts_for_the_phrase_only():
    counts = featurise("A car bomb went off.", lang="en").counts
    assert "CAR_BOMB" in counts and "EXPLOSION" in counts and "TRANSPORT" not in counts


def test_whole_word_entries_do_not_match_longer_words():
    assert "FIREARM" not in featurise("He shouted at the crowd", lang="en").counts  # "shot=" is whole-word


def test_numbers_near_casualty_words_are_marked():
    assert "n:KILL" in featurise("Five people were killed.", lang="en").concepts
    assert "n:KILL" not in featurise("People were killed in the long war that lasted for many years.",
                                     lang="en").concepts


def test_may_mention_agrees_with_find():
    lexicon = {"BORDER": {"en": "border|border guard", "fr": "frontiere", "ar": "الحدود"},
               "CAR": {"en": "car|car park", "fr": "voiture", "ar": "سيارة"}}
    matcher = ConceptMatcher(lexicon)
    border = frozenset({matcher.concepts.index("BORDER")})
    for text in ("Guards at the borders of the country", "a car parked near the market", "Un poste frontière",
                 "قرب الحدود", "nothing here", ""):
        toks = fold_tokens(text)
        found = {cid for _, cid in matcher.find(toks)}
        assert matcher.may_mention(toks, border) or not (found & border), text
    assert not matcher.may_mention(fold_tokens("a car parked near the market"), border)
    assert matcher.may_mention(fold_tokens("Guards at the borders"), border)


def test_lexicon_is_complete():
    for name, by_lang in CONCEPTS.items():
        assert set(by_lang) == {"ar", "en", "fr"}, name
    assert set(INCIDENT_CONCEPTS) <= set(CONCEPTS) and set(POLICY_CONCEPTS) <= set(CONCEPTS)


_ALPHABET = (
    "abcdefzABCXYZ éèêàçôÉÀœŒﬁ'’-.,;:!?()0123456789 ٠١٢٣٤٥٦٧٨٩،؛؟"
    "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئىةـ" "\u064b\u064c\u064e\u064f\u0650\u0651\u0652\u0670\u0301\u0308"
)


@given(st.text(alphabet=_ALPHABET, max_size=200))
def test_fold_tokens_agrees_with_text_tokens(text):
    assert fold_tokens(text) == tokens(text)


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_ascii_fast_path_agrees_with_text_tokens(text):
    assert fold_tokens(text) == tokens(text)


@given(st.text(alphabet=_ALPHABET, max_size=80), st.text(alphabet=_ALPHABET, max_size=200))
def test_report_folded_whole_gives_the_title_tokens_then_the_text_tokens(title, text):
    toks, title_words = _report_tokens(text, title)
    expected = fold_tokens(title) if title else []
    assert title_words == len(expected)
    assert toks == expected + fold_tokens(text)
