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
import operator
import re
from collections.abc import Iterable
from typing import NamedTuple

import ahocorasick

from marsad.text import ARABIC_RE, fold

__all__ = ["Hit", "NameScanner", "scan_text", "folded_text", "ARABIC_PREFIXES", "LAYOUT"]

_NONWORD = re.compile(r"[^\w]|_")
_NONWORD_BUT_SPACE = re.compile(r"[^\w ]")  # and "_" (one character class is a third faster than "…|_")
_ASCII_NONWORD = {c: " " for c in range(128) if not (chr(c).isalnum() or chr(c) == " ")}
_ARTICLE = "ال"
#: a letter of any script but Arabic (every Latin-side key holds one)
_LATIN_LETTER = re.compile(r"[^\W\d_\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")


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
#: how the automata are built (2: Arabic keys reversed); a kept scanner built another way is not used, even
#: under its sources' digest (a process that loaded older code may have saved it after an upgrade)
LAYOUT = 2


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
    spaced = _NONWORD_BUT_SPACE.sub(" ", folded)  # spaces need no replacing: fewer matches
    return spaced.replace("_", " ") if "_" in spaced else spaced


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


_new = tuple.__new__
_START, _END = operator.itemgetter(0), operator.itemgetter(1)


@functools.lru_cache(maxsize=16)
def _scripts(norm: str) -> tuple[bool, bool]:
    """Whether ``norm`` holds an Arabic letter, and a letter of another script: worked out once per text for
    the place, group and cue scanners (searching an Arabic report for a Latin letter reads all of it)."""
    if norm.isascii():
        return False, True
    if not ARABIC_RE.search(norm):
        return False, True
    return True, _LATIN_LETTER.search(norm) is not None


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
        self._setup([(key, tuple(payloads)) for key, (_, payloads) in table.items()])

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, tuple]]) -> NameScanner:
        """The scanner whose :meth:`rows` are ``rows``, without folding or filtering any name again (a
        shipped scanner is rebuilt from them in a third of the time the name forms take)."""
        scanner = cls.__new__(cls)
        scanner._setup(rows)
        return scanner

    def rows(self) -> list[tuple[str, tuple]]:
        """The automaton keys with their payloads, in insertion order: all :meth:`from_rows` needs."""
        return [(key, payloads) for key, _, payloads, *_ in self._values]

    def _setup(self, rows: Iterable[tuple[str, tuple]]) -> None:
        # a Latin key is " name ", an Arabic key "name " (see _key): the first character tells them apart
        self._values = [(key, key[0] != " ", payloads, key.strip(), len(key)) for key, payloads in rows]
        # one automaton a script: each is smaller and branches less, and most texts need only one of them
        latin = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        arabic = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        letters = True
        for number, (key, is_arabic, *_) in enumerate(self._values):
            if is_arabic:
                arabic.add_word(" " + key[-2::-1], number)  # reversed: see _arabic_hits
            elif key.isascii() or ARABIC_RE.search(key) is None:
                latin.add_word(key, number)
                # (an ASCII key holds a letter when its cases differ: cheaper than the regex)
                if letters and (key.lower() == key.upper() if key.isascii() else not _LATIN_LETTER.search(key)):
                    letters = False
            else:  # a whole-word key holding an Arabic letter (from "ال name") matches only where Arabic is read
                arabic.add_word(key[::-1], number)
        self._latin, self._arabic = _made(latin), _made(arabic)
        self._latin_keys_have_letters = letters
        self.layout = LAYOUT
        self.size = len(self._values)

    def _automata(self, norm: str):
        """The automata a text needs: Latin keys all hold a non-Arabic letter, Arabic keys an Arabic one."""
        arabic, latin = _scripts(norm)
        if not arabic:
            return (self._latin,)
        if latin or not self._latin_keys_have_letters:
            return (self._arabic, self._latin)
        return (self._arabic,)

    def scan(self, norm: str) -> list[Hit]:
        """Hits in ``norm`` (a :func:`scan_text` result), longest first where they overlap, in text order."""
        padded = f" {norm} "
        values = self._values
        hits: list[Hit] = []
        add = hits.append
        for automaton in self._automata(norm):
            if automaton is None:
                continue
            # hits are made with tuple.__new__ (the named tuple's own __new__ is a Python call per hit)
            if automaton is self._arabic:
                hits = _arabic_hits(automaton, padded, values)
                add = hits.append
            else:
                for end, number in automaton.iter(padded):
                    _, _, payloads, stripped, size = values[number]
                    add(_new(Hit, (end - size + 1, end - 1, stripped, payloads, "", False)))
        return _longest(hits) if len(hits) > 1 else hits


def _made(automaton: ahocorasick.Automaton) -> ahocorasick.Automaton | None:
    """``automaton`` ready to search, or None when it holds no key."""
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def _arabic_hits(automaton: ahocorasick.Automaton, padded: str, values: list) -> list[Hit]:
    """Hits of the Arabic keys in ``padded``. The keys ("name ") went into the automaton reversed (" eman") and
    the text is read backwards: a key then starts with a space, as Latin keys do, so the automaton's failure
    chains stay one or two nodes long (forward, every suffix of a word that starts a key is on the chain, and
    pyahocorasick walks the chain at every character: three times the time). A hit is kept when the letters
    before it in its word are proclitics. They come by start, last first; reversed,
    hits with the same span come shortest prefix first, as the forward automaton gave them, so that
    :func:`_longest` keeps the same one of two."""
    last = len(padded) - 1
    prefixes = ARABIC_PREFIXES
    hits: list[Hit] = []
    whole_words: list[Hit] = []  # " name " keys, hits as the Latin automaton gives them (after the Arabic ones)
    add = hits.append
    for at, number in automaton.iter(padded[::-1]):
        _, is_arabic, payloads, stripped, size = values[number]
        start = last - at  # the name's first letter (of a whole-word key: the space before it), in ``padded``
        if not is_arabic:
            whole_words.append(_new(Hit, (start, start + size - 2, stripped, payloads, "", False)))
            continue
        end = start + size - 1  # the space after it
        word_start = padded.rfind(" ", 0, start) + 1
        if word_start == start:
            add(_new(Hit, (start - 1, end - 1, stripped, payloads, "", True)))
        elif (prefix := padded[word_start:start]) in prefixes:
            add(_new(Hit, (word_start - 1, end - 1, stripped, payloads, prefix, True)))
    hits.reverse()
    return hits + whole_words if whole_words else hits


def _longest(hits: list[Hit]) -> list[Hit]:
    """Drop every hit inside a longer one."""
    if len(hits) < 2:
        return hits
    # by start, then longest first (two stable C-level sorts: the same order as the key (start, start - end))
    hits.sort(key=_END, reverse=True)
    hits.sort(key=_START)
    kept: list[Hit] = []
    reach = -1
    for hit in hits:
        if hit.end <= reach:
            continue
        kept.append(hit)
        reach = max(reach, hit.end)
    return kept
