"""Number words and digits in Arabic, English and French; the fast normalisation agrees with marsad.text.fold."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.monitor.numbers import (VAGUE, _digits_value, by_script, has_latin, normalise, normalise_titled, parse_number, read_number,
                                    tokenize)
from marsad.text import fold


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("12", "en", 12),
        ("١٢", "ar", 12),
        ("۱۵", "ar", 15),
        ("1,200", "en", 1200),
        ("five", "en", 5),
        ("Twenty-Three", "en", 23),
        ("one hundred and five", "en", 105),
        ("a dozen", "en", 12),
        ("half a dozen", "en", 6),
        ("three thousand", "en", 3000),
        ("deux", "fr", 2),
        ("vingt-trois", "fr", 23),
        ("vingt et un", "fr", 21),
        ("soixante-dix", "fr", 70),
        ("soixante-treize", "fr", 73),
        ("quatre-vingts", "fr", 80),
        ("quatre-vingt-dix-sept", "fr", 97),
        ("dix-sept", "fr", 17),
        ("deux cents", "fr", 200),
        ("une dizaine", "fr", 10),
        ("une vingtaine", "fr", 20),
        ("خمسة", "ar", 5),
        ("خمس", "ar", 5),
        ("ثلاثة", "ar", 3),
        ("اثنا عشر", "ar", 12),
        ("إحدى عشرة", "ar", 11),
        ("ثلاثة عشر", "ar", 13),
        ("عشرين", "ar", 20),
        ("ثلاثين", "ar", 30),
        ("خمسة وعشرين", "ar", 25),
        ("مئة", "ar", 100),
        ("مائة", "ar", 100),
        ("ثلاثمائة", "ar", 300),
        ("مئتين", "ar", 200),
        ("ثلاثة آلاف", "ar", 3000),
        ("جنديين", "ar", 2),
        ("شخصين", "ar", 2),
        ("قتيلين", "ar", 2),
    ],
)
def test_parse_number_reads_digits_and_words(text, lang, expected):
    assert parse_number(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [("dozens", "en"), ("several", "en"), ("des dizaines", "fr"), ("plusieurs", "fr"), ("عشرات", "ar"),
     ("العشرات", "ar"), ("soldiers", "en"), ("", "en"), ("two three", "en"), ("five soldiers", "en")],
)
def test_parse_number_rejects_vague_and_non_numbers(text, lang):
    assert parse_number(text, lang) is None


def test_parse_number_accepts_tokens():
    assert parse_number(["twenty", "-", "one"], "en") == 21
    assert parse_number(["خمسة", "و", "عشرين"], "ar") == 25


def test_read_number_reports_end_and_vague_marker():
    tokens = tokenize(normalise("killing twenty-three people and dozens of others"))
    value, end = read_number(tokens, 1, "en")
    assert (value, tokens[end]) == (23, "people")
    assert read_number(tokens, tokens.index("dozens"), "en")[0] is VAGUE
    assert read_number(tokens, 0, "en") is None


def test_read_number_leaves_the_dual_noun_in_place():
    tokens = tokenize(normalise("مقتل جنديين"))
    assert read_number(tokens, 1, "ar") == (2, 1)


def test_normalise_folds_arabic_letters_digits_and_latin_accents():
    assert normalise("أُصيبَ ٣ أشخاصٍ في الهجمة") == "اصيب 3 اشخاص في الهجمه"
    assert normalise("Trois blessés à l'hôpital") == "trois blesses a l hopital"
    assert normalise("٢٦ أيار، ٢٠٢١") == "26 ايار, 2021"


_ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèêëàâäîïôöùûüçÉÈÀÇ 0123456789")
    + list("ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئىةـًٌٍَُِّْٰ٠١٢٣٤٥٦٧٨٩")
)


@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_normalise_agrees_with_fold(text):
    assert " ".join(normalise(text).split()) == fold(text)


#: characters where folding a title and a body apart could differ from folding them together: a backtick (kept
#: in ASCII text only), decomposed accents and compatibility forms (a text not in NFC is decomposed whole),
#: final sigma (lower-casing looks at neighbours)
_EDGES = st.sampled_from(list("ab `'’ Σσ\n éÉ ابة ﬁ²１İK\u0301\u0327\u0591\u2126\u0653\u064b"))


@given(st.text(_EDGES, min_size=1, max_size=12), st.text(_EDGES, max_size=20))
def test_titled_report_normalises_as_the_whole(title, text):
    assert normalise_titled(title, text) == normalise(f"{title}\n\n{text}")


def test_titled_report_falls_back_where_parts_fold_otherwise():
    # a decomposed accent in the body decomposes the whole, so the title's ligature opens up; a backtick in an
    # ASCII title becomes a space beside an accented body
    assert normalise_titled("ﬁn", "e\u0301te") == "fin\n\nete" != normalise("ﬁn") + "\n\n" + normalise("e\u0301te")
    assert normalise_titled("a`b", "été") == "a b\n\nete"
    assert normalise_titled("Trois blessés", "à l'hôpital") == "trois blesses\n\na l hopital"


_TOKEN_EDGES = st.sampled_from(list("ab é\u0301 ابةـ 12٣ ²½Ⅻ _,.-/:'\"( \t\n\xa0\u2028\x1c\u3000") + ["\U0001d7d8"])


@given(st.text(_TOKEN_EDGES, max_size=40) | st.text(max_size=40))
def test_tokenize_gives_the_tokens_of_one_regex_findall(text):
    # the fast paths (runs of letters, of digits, letters and a mark) must cut exactly where the regex does
    assert tokenize(text) == re.findall(r"[^\W\d_]+|\d+(?:[,.]\d{3})*(?![\d.,]\d)|\d+(?:[.,/:-]\d+)*|[^\s\w]|_", text)


def test_guards_by_script_keep_only_non_latin_ones_for_text_without_latin_letters():
    guards = by_script(("no ", "aucun", "لم ", "دون", "(", "et l "))
    assert guards[True] == ("no ", "aucun", "لم ", "دون", "(", "et l ")
    assert guards[False] == ("لم ", "دون", "(")
    assert has_latin(normalise("Deux morts à Gao")) and has_latin("قتل 3 في gao")
    assert not has_latin(normalise("قُتل ٣ جنود (بحسب الشرطة)"))


@given(st.text(alphabet="abc قتلو(, 12", max_size=40))
def test_words_and_numbers_tokenize_whatever_the_branch_order(text):
    tokens = tokenize(text)
    assert "".join(tokens) == "".join(text.split())  # every non-space character lands in one token, in order



_DIGITS_REFERENCE = re.compile(r"\d+(?:[,.]\d{3})*")


@given(st.text(alphabet=st.sampled_from(list("0123456789,.a ٠١٢٣٤٥٦٧٨٩۱۵²³①߁१x-")), max_size=12))
def test_digits_value_fast_paths_equal_the_regex(token):
    """A token of decimal digits only, or one not starting with a digit, skips the regex: same value as the
    regex reading (superscripts and circled digits are digits to ``isdigit`` but not to ``\\d``)."""
    expected = int(token.replace(",", "").replace(".", "")) if _DIGITS_REFERENCE.fullmatch(token) else None
    assert _digits_value(token) == expected
