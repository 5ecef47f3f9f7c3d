"""One Aho-Corasick pass over folded text for many names at once, Arabic clitics included.

Why: places and perpetrator groups are found by looking up tens of thousands of names in every report,
thousands of reports a second; a dictionary lookup per n-gram is too slow, regular expressions with
that many alternatives even more so. ``pyahocorasick`` finds every key in one pass in C.

Text and keys are folded with :func:`marsad.text.fold`, then every non-word character becomes a space
(one for one, so offsets stay put). Latin keys are " name " and so match whole words only. Arabic
keys are the name without its article followed by a space, matched at a word's end: the letters before
the match in that word must be proclitics (و ف ب ل ك, optionally with ال, or لل), so "بكركوك" and
"وبالموصل" match while "تعريف" does not match "ريف". Overlapping hits keep the longest.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

import ahocorasick

from marsad.text import ARABIC_RE, fold

__all__ = ["Hit", "NameScanner", "scan_text", "folded_text", "ARABIC_PREFIXES"]

_NONWORD = re.compile(r"[^\w]|_")
_NONWORD_BUT_SPACE = re.compile(r"[^\w ]|_")
_ASCII_NONWORD = {c: " " for c in range(128) if not (chr(c).isalnum() or chr(c) == " ")}
_ARTICLE = "ال"


def _prefixes() -> frozenset[str]:
    found = set()
    for conj in ("", "و", "ف"):
        for prep in ("", "ب", "ل", "ك"):
            found.add(conj + prep)
            found.add(conj + prep + _ARTICLE)
        found.add(conj + "لل")
    return frozenset(found)


#: letters allowed before an Arabic name inside its word (conjunction, preposition, article)
ARABIC_PREFIXES = _prefixes()


class Hit(NamedTuple):
    """One name found: [start, end) in the scanned text, the key as matched (folded, spaces for
    punctuation), the payloads given with every name form that has this key, the Arabic proclitics before
    it, and whether it is Arabic. (A named tuple: made by the thousand per second, it must be cheap.)"""

    start: int
    end: int
    key: str
    payloads: tuple
    prefix: str
    arabic: bool


@functools.lru_cache(maxsize=16)
def folded_text(text: str) -> str:
    """:func:`marsad.text.fold` of ``text``; the last few answers are kept, so the readers of one report
    fold it once between them."""
    return fold(text)


@functools.lru_cache(maxsize=16)
def scan_text(text: str) -> str:
    """The form of ``text`` the scanner reads: folded, non-word characters as spaces (offsets are those of
    :func:`folded_text`)."""
    folded = folded_text(text)
    if folded.isascii():
        return folded.translate(_ASCII_NONWORD)  # one table lookup a character: cheaper than the regex
    return _NONWORD_BUT_SPACE.sub(" ", folded)  # spaces need no replacing: fewer matches


def _key(form: str) -> tuple[str, bool] | None:
    """The automaton key of a folded name form, and whether it is Arabic; None for an unusable form."""
    if not form.replace(" ", "").isalnum():
        form = _NONWORD.sub(" ", form)
    joined = " ".join(form.split())
    if not joined:
        return None
    if ARABIC_RE.search(joined):
        if joined.startswith(_ARTICLE) and len(joined) > 4:
            joined = joined[len(_ARTICLE):]
        if len(joined) < 3:
            return None
        return joined + " ", True
    return f" {joined} ", False


class NameScanner:
    """An automaton over ``(folded name form, payload)`` pairs; :meth:`scan` returns the hits in order."""

    def __init__(self, entries: Iterable[tuple[str, object]] = ()):
        table: dict[str, tuple[bool, list[object]]] = {}
        for form, payload in entries:
            keyed = _key(form)
            if keyed is None:
                continue
            key, arabic = keyed
            slot = table.setdefault(key, (arabic, []))
            if payload not in slot[1]:
                slot[1].append(payload)
        self._values = [(key, arabic, tuple(payloads), key.strip(), len(key)) for key, (arabic, payloads) in table.items()]
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for number, (key, *_) in enumerate(self._values):
            automaton.add_word(key, number)
        automaton.make_automaton()
        self._automaton = automaton
        self.size = len(self._values)

    def scan(self, norm: str) -> list[Hit]:
        """Hits in ``norm`` (a :func:`scan_text` result), longest first where they overlap, in text order."""
        padded = f" {norm} "
        values = self._values
        prefixes = ARABIC_PREFIXES
        hits: list[Hit] = []
        for end, number in self._automaton.iter(padded):
            key, arabic, payloads, stripped, size = values[number]
            start = end - size + 1
            if arabic:
                word_start = padded.rfind(" ", 0, start) + 1
                prefix = padded[word_start:start]
                if prefix not in prefixes:
                    continue
                hits.append(Hit(word_start - 1, end - 1, stripped, payloads, prefix, True))
            else:
                hits.append(Hit(start, end - 1, stripped, payloads, "", False))
        return _longest(hits) if len(hits) > 1 else hits


def _longest(hits: list[Hit]) -> list[Hit]:
    """Drop every hit inside a longer one."""
    if len(hits) < 2:
        return hits
    hits.sort(key=lambda h: (h.start, h.start - h.end))
    kept: list[Hit] = []
    reach = -1
    for hit in hits:
        if hit.end <= reach:
            continue
        kept.append(hit)
        reach = max(reach, hit.end)
    return kept
