"""Text folding shared by search (store) and extraction (monitor).

Why here: both the full-text index and the extractor must fold text the same way, or a search for
"القاعده" would miss what the extractor indexed as "القاعدة". So the rules live once, at the bottom layer.

Arabic: drop diacritics (harakat, tanwin, shadda, sukun, dagger alef) and tatweel; fold alef variants
(أ إ آ ٱ → ا), alef maqsura (ى → ي), ta marbuta (ة → ه), hamza seats (ؤ → و, ئ → ي); Arabic-Indic and
Persian digits → ASCII. Latin (French, English): Unicode decomposition with accents dropped, case folded,
French elisions (l', d', qu', j', n', s', c', t', m') split off so "l'attaque" matches "attaque".
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "fold_arabic", "fold_latin", "normalise_digits", "tokens", "ARABIC_RE"]

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
        "ی": "ي", "ک": "ك", "ە": "ه",
    }
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|c|t|m|jusqu|lorsqu|puisqu)'", re.IGNORECASE)
_PUNCT_ARABIC = str.maketrans({"،": ",", "؛": ";", "؟": "?", "٪": "%", "٫": ".", "٬": ","})
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'"})
_TOKEN = re.compile(r"\w+", re.UNICODE)

#: one or more Arabic-script letters
ARABIC_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")


def normalise_digits(text: str) -> str:
    """Arabic-Indic and Persian digits and Arabic punctuation to their ASCII forms."""
    return text.translate(_DIGITS).translate(_PUNCT_ARABIC)


def fold_arabic(text: str) -> str:
    """Arabic folding only (diacritics, tatweel, letter variants, digits); other scripts untouched."""
    return _ARABIC_DIACRITICS.sub("", text).translate(_ARABIC_FOLD).translate(_DIGITS)


def fold_latin(text: str) -> str:
    """Accents dropped, case folded, French elisions split off; Arabic letters untouched."""
    text = text.translate(_APOSTROPHES)
    text = _ELISION.sub(lambda m: m.group(0)[:-1] + " ", text)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not (unicodedata.combining(ch) and ord(ch) < 0x0600))
    return unicodedata.normalize("NFKC", stripped).casefold()


def fold(text: str) -> str:
    """The folding used for search keys and matching: Arabic and Latin rules together, spaces squeezed."""
    if not text:
        return ""
    folded = fold_latin(fold_arabic(normalise_digits(text)))
    return " ".join(folded.split())


def tokens(text: str) -> list[str]:
    """Folded word tokens (letters and digits), in order."""
    return _TOKEN.findall(fold(text))
