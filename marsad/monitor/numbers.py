"""Numbers written as digits or words in Arabic, English and French, and the fast text normalisation under them.

Why it exists: casualty counts and dates in news are written "12", "١٢", "twelve", "douze", "اثنا عشر" or
hidden in a dual noun ("جنديين" = two soldiers). Extraction must read all of them, at a few microseconds
per report, so this module holds hand-written word tables and a greedy reader over tokens instead of calling
a general-purpose library per number.

:func:`normalise` is :func:`marsad.text.fold_chars` (the shared letter folding) plus plain spaces for
apostrophes and typographic punctuation, cached per report. Its results agree with ``fold`` on letters
(checked by the tests).

Vague quantities ("dozens", "des dizaines", "عشرات", "several") read as ``None``: they are not counts.
Approximate round quantities with one meaning ("a dozen", "une dizaine", "une vingtaine") read as their value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from marsad.text import fold_chars_nfc

__all__ = ["normalise", "normalise_titled", "tokenize", "parse_number", "read_number", "DUALS", "VAGUE",
           "ARABIC_NUMBER_WORDS",
           "NUMBER_STARTS", "by_script", "has_latin"]

_SPACE_CHARS = ["’", "'", "`", "´", "\u00a0", "\u2009", "\u202f", "\u2028", "\u2029"]
_PUNCT_PAIRS = [("–", "-"), ("—", "-"), ("‘", " "), ("“", '"'), ("”", '"'), ("«", '"'), ("»", '"')]


def normalise(text: str) -> str:
    """Folded text for matching: :func:`marsad.text.fold_chars` (lower case, accents dropped, Arabic letters
    folded, digits ASCII) with apostrophes and odd spaces made plain spaces and typographic dashes and quotes
    made ASCII. Positions of words are kept (no squeezing). Cached, so the date, casualty and language readers
    share one normalisation of the same report.
    """
    return _normalised(text)[0]


#: how a text was normalised (see :func:`normalise_titled`): ASCII only; its Latin stage saw NFC; it did not
_ASCII, _NFC, _DECOMPOSED = 0, 1, 2


@lru_cache(maxsize=40)  # a batch's titles and bodies (2 x extract.BATCH), kept from language to the last reader
def _normalised(text: str) -> tuple[str, int]:
    """:func:`normalise` of ``text`` and how it was made (``_ASCII``, ``_NFC``, ``_DECOMPOSED``)."""
    out = text.lower()
    if out.isascii():
        return (out.replace("'", " ") if "'" in out else out), _ASCII
    for char in _SPACE_CHARS:
        if char in out:
            out = out.replace(char, " ")
    for src, dst in _PUNCT_PAIRS:
        if src in out:
            out = out.replace(src, dst)
    out, nfc = fold_chars_nfc(out)
    return out, (_NFC if nfc else _DECOMPOSED)


def normalise_titled(title: str, text: str) -> str:
    """``normalise(f"{title}\n\n{text}")`` (a titled report as the language vote reads it), from the cached
    normalisations of the title and the body, which the date and casualty readers ask for anyway.

    Why exact: a line break ends the only context lower-casing looks at (final sigma), and every other rule
    looks at one character, except two decisions made for the whole text: an ASCII text keeps its backticks
    (the others' become spaces), and a text whose Latin stage is not NFC is decomposed. The joined parts are
    the answer whenever the whole would decide both as each part did; otherwise the whole is normalised.
    """
    head, head_kind = _normalised(title)
    body, body_kind = _normalised(text)
    if head_kind == body_kind or _joins(head, head_kind, body_kind) and _joins(body, body_kind, head_kind):
        return f"{head}\n\n{body}"
    return normalise(f"{title}\n\n{text}")


def _joins(part: str, kind: int, other: int) -> bool:
    """Whether a part normalised as ``kind`` normalises alike inside a whole with a part of kind ``other``."""
    if kind == _ASCII:  # the whole is not ASCII: only the backtick reads otherwise there
        return "`" not in part
    return kind == _DECOMPOSED or other != _DECOMPOSED  # an NFC part stays so beside ASCII or NFC


# words first (most tokens): the branches start with disjoint characters, so their order changes no token
_TOKEN = re.compile(r"[^\W\d_]+|\d+(?:[,.]\d{3})*(?![\d.,]\d)|\d+(?:[.,/:-]\d+)*|[^\s\w]|_")


_LATIN = re.compile("[a-z]")


def has_latin(text: str) -> bool:
    """Whether ``text`` holds a Latin letter (lower case, as :func:`normalise` leaves them)."""
    return _LATIN.search(text) is not None


def by_script(guards: Sequence[str]) -> dict[bool, tuple[str, ...]]:
    """Literal guards to look for in a text that holds Latin letters (``True``: all of them) or none (``False``:
    only those without one, as the others cannot occur): an Arabic sentence skips most substring scans."""
    return {True: tuple(guards), False: tuple(g for g in guards if not has_latin(g))}


def tokenize(norm_text: str) -> list[str]:
    """Tokens of normalised text: numbers ("1,200" stays whole), words, single punctuation marks.

    Digits and letters never share a token, so a clitic on a number ("و30") or an ordinal suffix ("26th")
    comes apart from it.

    Why not one ``findall``: the regex tries its word class per character (about 300 ns a token); most tokens
    are whitespace-separated runs of letters (``str.isalpha``: each such character is ``[^\\W\\d_]``), of
    decimal digits (one number token), or letters and one final mark ("attaque," → "attaque", ","), told by C
    string tests. Every other run goes to the regex, which never matches across whitespace (``str.split``
    and ``\\s`` both split at ``str.isspace``): the same tokens, half the time."""
    out: list[str] = []
    for chunk in norm_text.split():
        if chunk.isalpha() or chunk.isdecimal():
            out.append(chunk)
        elif chunk[:-1].isalpha() and not chunk[-1].isalnum() and chunk[-1] != "_":
            out += (chunk[:-1], chunk[-1])
        else:
            out += _TOKEN.findall(chunk)
    return out


VAGUE = object()  # marker value: a vague quantity such as "dozens"

_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
            "eighty": 80, "ninety": 90}
_FR_UNITS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
}
_FR_TENS = {"dix": 10, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50,
            "soixante": 60}
_SCALES = {"hundred": 100, "cent": 100, "cents": 100, "thousand": 1000, "mille": 1000}
_ROUND = {  # "a dozen", "une dizaine": one approximate value
    "dozen": 12, "douzaine": 12, "dizaine": 10, "quinzaine": 15, "vingtaine": 20, "trentaine": 30,
    "quarantaine": 40, "cinquantaine": 50, "centaine": 100,
}
_VAGUE_WORDS = {
    "dozens", "scores", "several", "many", "numerous", "hundreds", "thousands", "dizaines", "centaines",
    "plusieurs", "quelques", "nombreux", "nombreuses", "milliers", "few",
    "عشرات", "مئات", "الاف", "عده", "بضعه", "بضع", "العديد", "عدد", "العشرات", "المئات", "الالاف",
}
_AR_UNITS = {
    "صفر": 0, "واحد": 1, "واحده": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "ثلاث": 3,
    "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6, "سبع": 7, "سبعه": 7,
    "ثمان": 8, "ثماني": 8, "ثمانيه": 8, "تسع": 9, "تسعه": 9, "عشر": 10, "عشره": 10,
    "احد": 1, "احدي": 1, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2,
}
_AR_TENS = {
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40, "خمسون": 50,
    "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70, "ثمانون": 80, "ثمانين": 80,
    "تسعون": 90, "تسعين": 90,
}
_AR_HUNDREDS = {"مئة": 100, "مائة": 100, "مية": 100, "مئتين": 200, "مائتين": 200, "مئتان": 200, "مائتان": 200}
_AR_HUNDREDS.update({f"{u}{h}": n * 100 for u, n in (("ثلاث", 3), ("اربع", 4), ("خمس", 5), ("ست", 6),
                                                     ("سبع", 7), ("ثمان", 8), ("تسع", 9))
                     for h in ("مئة", "مائة")})
_AR_THOUSANDS = {"الف": 1000, "الفين": 2000, "الفان": 2000, "الاف": 1000}

#: Arabic dual nouns of people, read as the number 2 followed by the plural noun
DUALS = {
    "قتيلين": "قتلي", "قتيلان": "قتلي", "جريحين": "جرحي", "جريحان": "جرحي", "جنديين": "جنود",
    "جنديان": "جنود", "شخصين": "اشخاص", "شخصان": "اشخاص", "طفلين": "اطفال", "طفلان": "اطفال",
    "عنصرين": "عناصر", "عنصران": "عناصر", "رجلين": "رجال", "رجلان": "رجال", "امراتين": "نساء",
    "امراتان": "نساء", "ضابطين": "ضباط", "ضابطان": "ضباط", "شقيقين": "اشقاء", "شهيدين": "شهداء",
    "شهيدان": "شهداء", "حارسين": "حراس", "حارسان": "حراس",
    # nominative duals only: the -ين forms of these are also plurals ("مسلحين" = gunmen)
    "مسلحان": "مسلحين", "مدنيان": "مدنيين", "شرطيان": "شرطيين", "عسكريان": "عسكريين", "مواطنان": "مواطنين",
    "مصابان": "مصابين",
}

def _folded_keys(table: dict) -> dict:
    return {normalise(key): value for key, value in table.items()}


_AR_UNITS, _AR_TENS, _AR_HUNDREDS, _AR_THOUSANDS, DUALS = (
    _folded_keys(t) for t in (_AR_UNITS, _AR_TENS, _AR_HUNDREDS, _AR_THOUSANDS, DUALS))
_VAGUE_WORDS = {normalise(w) for w in _VAGUE_WORDS}
#: Arabic number words (normalised), e.g. to split a clitic "و" off "وخمسة"
ARABIC_NUMBER_WORDS = frozenset((*_AR_UNITS, *_AR_TENS, *_AR_HUNDREDS, *_AR_THOUSANDS))
#: every word that can start a number (digits aside): callers skip :func:`read_number` for other words
NUMBER_STARTS = frozenset((
    *ARABIC_NUMBER_WORDS, *DUALS, *_VAGUE_WORDS, *_EN_UNITS, *_EN_TENS, *_FR_UNITS, *_FR_TENS, *_SCALES,
    "a", "an", "half", "un", "une"))
_DIGITS = re.compile(r"\d+(?:[,.]\d{3})*")


def _digits_value(token: str) -> int | None:
    """The value of a token of digits ("12", "1,200", "١٢"), else None. ``\\d`` is what ``str.isdecimal`` tells
    (Unicode category Nd): a token of digits only, or one whose first character is no digit, needs no regex."""
    if token.isdecimal():
        return int(token)
    if not token[:1].isdecimal():
        return None
    if _DIGITS.fullmatch(token):
        return int(token.replace(",", "").replace(".", ""))
    return None


def _read_latin(tokens: Sequence[str], i: int, lang: str) -> tuple[object, int] | None:
    """Greedy English/French number words from tokens[i]; (value, end) or None."""
    units, tens = (_FR_UNITS, _FR_TENS) if lang == "fr" else (_EN_UNITS, _EN_TENS)
    tok = tokens[i]
    if tok in _VAGUE_WORDS:
        return VAGUE, i + 1
    if tok in ("a", "an", "une", "un", "half") and i + 1 < len(tokens):
        nxt = tokens[i + 1]
        if nxt in _ROUND:
            return _ROUND[nxt], i + 2
        if tok == "half" and nxt == "a" and i + 2 < len(tokens) and tokens[i + 2] == "dozen":
            return 6, i + 3
        if nxt == "couple" and i + 2 < len(tokens) and tokens[i + 2] == "of":
            return 2, i + 3
        if nxt in ("hundred", "thousand"):
            return _SCALES[nxt], i + 2
    total, current, j, seen = 0, 0, i, False
    while j < len(tokens):
        tok = tokens[j]
        if tok in ("-", "et", "and") and seen and j + 1 < len(tokens):
            nxt = tokens[j + 1]
            joins = (tok == "-" or (tok == "et" and nxt in ("un", "une", "onze"))
                     or (tok == "and" and current % 100 == 0 and current and (nxt in units or nxt in tens)))
            if joins and (nxt in units or nxt in tens or nxt in _SCALES):
                j += 1
                continue
            break
        if tok in units:
            value = units[tok]
            if seen and not (current % 10 == 0 and (value < 10 or current % 100 == 0 or current % 100 in (60, 80))):
                break
            current += value
        elif tok in tens:
            value = tens[tok]
            if lang == "fr" and value == 20 and current in (4,):  # quatre-vingt(s)
                current = 80
            elif seen and current % 100 and not (value == 10 and current % 100 in (60, 80)):
                break
            else:
                current += value
        elif tok in _SCALES:
            if _SCALES[tok] == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * 1000
                current = 0
        else:
            break
        seen = True
        j += 1
    if not seen:
        return None
    return total + current, j


def _read_arabic(tokens: Sequence[str], i: int) -> tuple[object, int] | None:
    """Greedy Arabic number words from tokens[i] ("خمسه و عشرين", "اثنا عشر", "ثلاثه الاف")."""
    tok = tokens[i]
    if tok in _VAGUE_WORDS:
        return VAGUE, i + 1
    total, current, j, seen = 0, 0, i, False
    while j < len(tokens):
        tok = tokens[j]
        if tok == "و" and seen and j + 1 < len(tokens) and (tokens[j + 1] in _AR_TENS or tokens[j + 1] in _AR_UNITS
                                                           or tokens[j + 1] in _AR_HUNDREDS):
            j += 1
            continue
        if tok in _AR_UNITS:
            value = _AR_UNITS[tok]
            if value == 10 and seen and 0 < current % 100 < 10:  # ثلاثه عشر, اثنا عشر
                current += 10
            elif seen and current % 10:
                break
            else:
                current += value
        elif tok in _AR_TENS:
            if seen and current % 100 >= 10:
                break
            current += _AR_TENS[tok]
        elif tok in _AR_HUNDREDS:
            current = current * 100 if (seen and 0 < current < 10 and _AR_HUNDREDS[tok] == 100) else current + _AR_HUNDREDS[tok]
        elif tok in _AR_THOUSANDS:
            total += max(current, 1) * _AR_THOUSANDS[tok] if tok != "الفين" else 2000
            current = 0
        else:
            break
        seen = True
        j += 1
    if not seen:
        return None
    return total + current, j


def read_number(tokens: Sequence[str], i: int, lang: str) -> tuple[object, int] | None:
    """The number starting at tokens[i], as (value, end index), or None if none starts there.

    ``value`` is an ``int``, or :data:`VAGUE` for quantities such as "dozens"/"عشرات". Digits win over words;
    a dual noun (``DUALS``) reads as 2 without consuming the noun, so the caller sees the noun next.
    """
    tok = tokens[i]
    value = _digits_value(tok)
    if value is not None:
        j = i + 1
        if j < len(tokens) and tokens[j] in ("thousand", "mille", "الف", "الاف"):
            return value * 1000, j + 1
        return value, j
    if lang == "ar" or "\u0600" <= tok[:1] <= "\u06ff":
        if tok in DUALS:
            return 2, i
        return _read_arabic(tokens, i)
    return _read_latin(tokens, i, lang if lang in ("en", "fr") else "en") or (
        _read_latin(tokens, i, "fr") if lang not in ("en", "fr") else None)


def parse_number(value: str | Sequence[str], lang: str) -> int | None:
    """The whole of ``value`` read as a number ("12", "١٢", "twenty-three", "vingt et un", "خمسة وعشرين",
    "جنديين" → 2), or None when it is not one number or is vague ("dozens", "عشرات")."""
    tokens = tokenize(normalise(value)) if isinstance(value, str) else [normalise(t) for t in value]
    tokens = _split_clitics(tokens)
    if not tokens:
        return None
    if len(tokens) == 1 and tokens[0] in DUALS:
        return 2
    read = read_number(tokens, 0, lang)
    if read is None or read[1] != len(tokens) or read[0] is VAGUE:
        return None
    return read[0]  # type: ignore[return-value]


def _split_clitics(tokens: list[str]) -> list[str]:
    """Arabic "وعشرين" → "و", "عشرين" when the rest is a number word (needed by the reader)."""
    out: list[str] = []
    for tok in tokens:
        if len(tok) > 2 and tok[0] == "و" and tok[1:] in ARABIC_NUMBER_WORDS:
            out.extend(("و", tok[1:]))
        else:
            out.append(tok)
    return out
