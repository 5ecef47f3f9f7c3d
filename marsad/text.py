"""Text folding shared by search (store) and extraction (monitor).

Why here: both the full-text index and the extractor must fold text the same way, or a search for
"القاعده" would miss what the extractor indexed as "القاعدة". So the rules live once, at the bottom layer.

Arabic: drop diacritics (harakat, tanwin, shadda, sukun, dagger alef, Quranic marks) and tatweel; fold alef
variants (أ إ آ ٱ → ا), alef maqsura (ى → ي), ta marbuta (ة → ه), hamza seats (ؤ → و, ئ → ي), Persian
letter forms; Arabic-Indic and Persian digits → ASCII; Arabic comma, semicolon, question mark, percent →
ASCII. Latin (French, English): accents dropped, case folded (ß → ss), typographic apostrophes → ``'``,
French elisions (l', d', qu', j', n', s', c', t', m', jusqu'…) split off so "l'attaque" matches "attaque".

Speed matters (extraction folds every report; budget a few tens of µs per 2 KB), so :func:`fold_chars` uses
``str.replace`` guarded by ``in`` tests — far cheaper in CPython than ``translate``, ``unicodedata`` per
character, or a regex with a callback — and skips whole stages for ASCII-only or Arabic-free text.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "fold_chars", "fold_chars_nfc", "fold_arabic", "fold_latin", "normalise_digits", "tokens",
           "arabic_stem", "search_key", "ARABIC_RE"]

#: one Arabic-script letter
ARABIC_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")

_ARABIC_MARKS = [chr(c) for c in (*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE),
                                   0x0640)]
_ARABIC_LETTERS = [("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"), ("ة", "ه"), ("ؤ", "و"), ("ئ", "ي"),
                   ("ی", "ي"), ("ک", "ك"), ("ە", "ه")]
_DIGITS_AND_PUNCT = ([(c, str(i)) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")] +
                     [(c, str(i)) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")] +
                     [("،", ","), ("؛", ";"), ("؟", "?"), ("٪", "%"), ("٫", "."), ("٬", ",")])
_APOSTROPHES = [("’", "'"), ("ʼ", "'"), ("‘", "'"), ("`", "'")]
_ELIDED = frozenset(("l", "d", "qu", "j", "n", "s", "c", "t", "m", "jusqu", "lorsqu", "puisqu"))
_TOKEN = re.compile(r"\w+", re.UNICODE)


def _latin_fold_of(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


#: accented Latin letters (Latin-1, Extended-A/B, Extended Additional) → base letters, built once
_LATIN_MAP = {chr(cp): _latin_fold_of(chr(cp)) for cp in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))
              if _latin_fold_of(chr(cp)) != chr(cp).lower() and chr(cp) not in "×÷"}
_LATIN_MAP.update({"ß": "ss", "œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l"})
_LATIN_ACCENTED = re.compile("[" + "".join(sorted(_LATIN_MAP)) + "]")
_COMMON_ACCENTS = [(c, _LATIN_MAP[c]) for c in "éèêëàâäîïôöùûüçñíóáúœ"]
_COMBINING = re.compile("[\u0300-\u036f]")
_ACCENT_OR_MARK = re.compile("[\u0300-\u036f" + "".join(sorted(_LATIN_MAP)) + "]")
#: what the Latin stage changes in an NFC text: typographic apostrophes, accented letters, combining marks
_LATIN_CHANGED = re.compile("[\u0300-\u036f" + "".join(sorted({*_LATIN_MAP, *dict(_APOSTROPHES)})) + "]")


def _replace_all(text: str, pairs) -> str:
    for src, dst in pairs:
        if src in text:
            text = text.replace(src, dst)
    return text


def normalise_digits(text: str) -> str:
    """Arabic-Indic and Persian digits and Arabic punctuation to their ASCII forms."""
    return _replace_all(text, _DIGITS_AND_PUNCT)


#: every character :func:`fold_arabic` changes is in the Arabic block
_ARABIC_BLOCK = re.compile("[\u0600-\u06ff]")
_MARK = re.compile("[" + "".join(_ARABIC_MARKS) + "]")
#: below this length one character-class search is cheaper than the stages' hundred-odd substring tests (which
#: win on a whole report: each is a fast memchr-like scan, the regex looks at every character)
_SHORT = 200


def fold_arabic(text: str) -> str:
    """Arabic folding only (diacritics, tatweel, letter variants, digits); other scripts untouched."""
    if len(text) < _SHORT:  # a name, a title, a dateline: skip the stages with nothing to change
        if not _ARABIC_BLOCK.search(text):
            return text
        if not _MARK.search(text):
            return normalise_digits(_replace_all(text, _ARABIC_LETTERS))
    for mark in _ARABIC_MARKS:
        if mark in text:
            text = text.replace(mark, "")
    return normalise_digits(_replace_all(text, _ARABIC_LETTERS))


def fold_latin(text: str) -> str:
    """Accents dropped, case folded, typographic apostrophes made ASCII; Arabic letters untouched."""
    text = text.lower()
    if text.isascii():
        return text
    return _fold_lowered_latin(text)


def _fold_lowered_latin(text: str, nfc: bool | None = None) -> str:
    """:func:`fold_latin` of a text already lower-cased and not ASCII (lowering twice changes nothing);
    ``nfc``: whether ``text`` is NFC, when the caller already knows."""
    if not (unicodedata.is_normalized("NFC", text) if nfc is None else nfc):
        # decomposed accents (rare): strip the marks directly
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    elif len(text) < _SHORT and not _LATIN_CHANGED.search(text):  # nothing below would change it
        return text
    text = _replace_all(text, _APOSTROPHES)
    text = _replace_all(text, _COMMON_ACCENTS)
    if not _ACCENT_OR_MARK.search(text):  # one scan for both of the rare cases below
        return text
    if _LATIN_ACCENTED.search(text):
        text = _LATIN_ACCENTED.sub(lambda m: _LATIN_MAP[m.group(0)], text)
    if _COMBINING.search(text):  # marks left on letters with no precomposed form ("0́")
        text = _COMBINING.sub("", text)
    return text


def fold_chars(text: str) -> str:
    """Character-level folding (Arabic and Latin rules, digits), keeping every space and position of words."""
    text = text.lower()
    if text.isascii():
        return text
    text = fold_arabic(text)  # each stage only scans for characters it would change
    return text if text.isascii() else _fold_lowered_latin(text)


def fold_chars_nfc(text: str) -> tuple[str, bool]:
    """:func:`fold_chars` of ``text`` and whether its Latin stage saw NFC text (true when it was skipped).

    Why: every rule of :func:`fold_chars` but one looks at a character alone (or, lower-casing a final sigma,
    at its line). The one exception decides for the whole text: a text not in NFC is decomposed (NFKD), so
    ``"ﬁ"`` folds to ``"fi"`` only in a text holding a decomposed accent. A caller that has folded a title and a
    body can tell from these flags whether title + blank line + body would fold to the two folds joined,
    without folding the whole again (:func:`marsad.monitor.numbers.normalise_titled`).
    """
    text = text.lower()
    if text.isascii():
        return text, True
    text = fold_arabic(text)
    if text.isascii():
        return text, True
    nfc = unicodedata.is_normalized("NFC", text)
    return _fold_lowered_latin(text, nfc), nfc


def fold(text: str) -> str:
    """The folding used for search keys and matching: character folding, elisions split, spaces squeezed."""
    if not text:
        return ""
    folded = fold_chars(text)
    if "'" in folded:
        folded = _split_elisions(folded)
    return " ".join(folded.split())


def _split_elisions(text: str) -> str:
    """``l'attaque`` → ``l attaque`` where the word before the apostrophe is an elided French word."""
    pieces = text.split("'")
    out = [pieces[0]]
    for piece in pieces[1:]:
        head = out[-1]
        start = len(head)
        while start > 0 and head[start - 1].isalnum():
            start -= 1
        elided = head[start:] in _ELIDED and (start == 0 or not head[start - 1].isalnum())
        out.append(" " if elided else "'")
        out.append(piece)
    return "".join(out)


def tokens(text: str) -> list[str]:
    """Folded word tokens (letters and digits), in order."""
    return _TOKEN.findall(fold(text))


#: attached prefixes, longest first: conjunction (و ف) + preposition (ب ل ك) + article (ال), and لل (li + al)
_ARABIC_PREFIXES = ("وبال", "وكال", "فبال", "وال", "فال", "بال", "كال", "لل", "ال", "وب", "ول", "وك", "فب", "فل",
                    "و", "ف", "ب", "ل", "ك")


def arabic_stem(word: str) -> str:
    """A folded Arabic word without its attached prefixes (``بالقاعده`` → ``قاعده``, ``وللدوله`` → ``دوله``).

    Light stemming, prefixes only, keeping at least three letters: the same function runs on indexed text and
    on queries, so a word is found whatever clitics it carries; suffixes (pronouns, plurals) are kept because
    stripping them merges unrelated words.
    """
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix):]
    return word


def search_key(word: str) -> str:
    """The key a folded word is matched by in search: the prefix-free stem for Arabic, the word otherwise."""
    return arabic_stem(word) if word and "\u0621" <= word[0] <= "\u064a" else word
