"""Shared featurisation for the extraction classifiers: folded word tokens plus cross-lingual concepts.

Why one module: relevance, attack/target/weapon typing and themes all read the same text, so it is
tokenised and matched against the concept lexicon once per report (:func:`featurise`) and every linear
model scores the same :class:`Features`. Word features carry the English training signal; concept
features (from :mod:`marsad.monitor.concepts`) are what lets models trained on English read Arabic and
French — the "concept-only" models use nothing else.

Speed: a report's tokens are looked up in one per-token table (:class:`WordVocabulary`, once the model has
handed its vocabulary over) that holds each token's concept entry, model row and theme-lexicon entry
together. A hash probe of a table the CPU's caches no longer hold costs several hundred nanoseconds, and
three tables probed per token (concepts now, the model's vocabulary and the themes' lexicon later) cost
more than all the arithmetic after them.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable
from collections import Counter
from itertools import compress, repeat
from operator import itemgetter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from marsad.monitor.concepts import CONCEPTS
from marsad.monitor.scanner import folded_text, scan_text
from marsad.text import ARABIC_RE, fold, tokens

__all__ = [
    "ConceptMatcher",
    "Features",
    "featurise",
    "concept_matcher",
    "arabic_forms",
    "NUMBER_WORDS",
    "fold_tokens",
    "WordVocabulary",
    "use_vocabulary",
    "use_extra_matcher",
]

_TOKEN = re.compile(r"\w+", re.UNICODE)
#: a raw word: letters/digits plus the combining marks that fold() drops (Arabic harakat, Latin accents)
_RAW_WORD = re.compile("[\\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]+")
_FOLD_CACHE: dict[str, tuple[str, ...]] = {}
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
_THIRD = itemgetter(2)
#: ASCII fast path of fold_tokens: word bytes ([A-Za-z0-9_]) lower-cased, every other byte a space
_ASCII_WORDS = bytes(
    (b + 32 if 65 <= b <= 90 else b) if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122 or b == 95) else 32
    for b in range(256)
)
_AR_CONJ = ("و", "ف")
_TA_SUFFIX = re.compile("(?<=..)ت(?:ها|هم|هما|هن|ه|ي|نا|كم)$")
_AR_PREP = ("ب", "ل", "ك")
#: how many words at the start of a report (after its title) count as its lead
LEAD_WORDS = 25
#: how close (in words) a number must come before a casualty concept to count as "numbered"
NUMBER_WINDOW = 4
_NUMBERED = frozenset({"KILL", "WOUND", "KIDNAP", "VICTIM"})

NUMBER_WORDS = frozenset(
    fold(w)
    for w in (
        "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty dozen dozens "
        "several scores hundreds "
        "un une deux trois quatre cinq six sept huit neuf dix onze douze quinze vingt trente dizaine dizaines "
        "plusieurs centaines "
        "واحد اثنان اثنين ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة عشر عشرات عشرين ثلاثين مئات عدد"
    ).split()
)


def arabic_forms(token: str) -> tuple[str, ...]:
    """``token`` and its forms with Arabic clitics stripped (و ف, then ب ل ك, then ال / لل), longest first."""
    if not ARABIC_RE.match(token):
        return (token,)
    forms = [token]
    for conj in ("",) + _AR_CONJ:
        if conj and not token.startswith(conj):
            continue
        t1 = token[len(conj):]
        for prep in ("",) + _AR_PREP:
            if prep and not t1.startswith(prep):
                continue
            t2 = t1[len(prep):]
            forms.append(t2)
            if t2.startswith("ال"):
                forms.append(t2[2:])
            if t2.startswith("لل"):
                forms.append(t2[2:])
    # a ta marbuta before a pronoun suffix is written ت: دعايتها → دعايه (folded دعاية)
    forms += [_TA_SUFFIX.sub("ه", f) for f in forms if _TA_SUFFIX.search(f)]
    seen = dict.fromkeys(f for f in forms if len(f) >= 2)
    return tuple(seen)


@lru_cache(maxsize=65536)
def _arabic_forms_cached(token: str) -> tuple[str, ...]:
    """:func:`arabic_forms`, kept for the words phrases are checked against again and again."""
    return arabic_forms(token)


class _Entries(dict):
    """token → what a position holding it gives (see :meth:`ConceptMatcher._entry`); a missing token is worked
    out by ``__missing__``, which a dict calls only on a miss, so one C-level ``map`` of ``__getitem__`` looks
    up a whole report (a ``get`` then a scan of the results for misses cost a second pass)."""

    __slots__ = ("_work",)

    def __init__(self, work) -> None:
        super().__init__()
        self._work = work

    def __missing__(self, token: str):
        return self._work(token)


class _Gate(dict):
    """token → whether some pattern of the given concepts starts with it (worked out once per token, from the
    token's entry): see :meth:`ConceptMatcher.may_mention`."""

    __slots__ = ("_entries", "_ids")

    def __init__(self, entries: _Entries, ids: frozenset[int]) -> None:
        super().__init__()
        self._entries, self._ids = entries, ids

    def __missing__(self, token: str) -> bool:
        entry = self._entries[token]
        found = bool(entry) and (not self._ids.isdisjoint(entry[0]) or any(cid in self._ids for cid, _ in entry[1]))
        if len(self) < 200_000:
            self[token] = found
        return found


class ConceptMatcher:
    """Finds concept mentions in folded tokens, with prefix, whole-word and phrase entries."""

    def __init__(self, lexicon: dict[str, dict[str, str]] = CONCEPTS, langs: tuple[str, ...] = ("ar", "en", "fr")):
        self.concepts: tuple[str, ...] = tuple(lexicon)
        self._patterns: list[tuple[int, tuple[tuple[str, bool], ...]]] = []
        self._prefix: dict[str, list[int]] = {}
        self._exact: dict[str, list[int]] = {}
        for cid, name in enumerate(self.concepts):
            for lang in langs:
                for entry in lexicon[name].get(lang, "").split("|"):
                    self._add(cid, entry)
        self._lengths = sorted({len(s) for s in self._prefix})
        #: ids of the casualty concepts whose mentions count as "numbered" when a number is near
        self.numbered = frozenset(cid for cid, name in enumerate(self.concepts) if name in _NUMBERED)
        #: per concept id, the names of its features: in the lead, numbered, mentioned, twice, four times
        self.tags = tuple(tuple(f"{kind}:{name}" for kind in ("t", "n", "c", "c2", "c4")) for name in self.concepts)
        self._cache: dict[str, tuple] = _Entries(self._entry)
        self._pairs: dict[tuple[str, str], tuple] = {}
        self._gates: dict[frozenset[int], _Gate] = {}

    def _add(self, cid: int, entry: str) -> None:
        entry = entry.strip()
        if not entry:
            return
        exact_last = entry.endswith("=")
        words = _TOKEN.findall(fold(entry.rstrip("=")))
        if not words:
            return
        spec = tuple((w, exact_last and i == len(words) - 1) for i, w in enumerate(words))
        pid = len(self._patterns)
        self._patterns.append((cid, spec))
        first, exact = spec[0]
        (self._exact if exact else self._prefix).setdefault(first, []).append(pid)

    def _first_hits(self, token: str) -> tuple[int, ...]:
        """Patterns whose first word matches ``token``."""
        found: list[int] = []
        for form in arabic_forms(token):
            found.extend(self._exact.get(form, ()))
            for length in self._lengths:
                if length > len(form):
                    break
                found.extend(self._prefix.get(form[:length], ()))
        return tuple(dict.fromkeys(found))

    def _entry(self, token: str) -> tuple[tuple[int, ...], tuple[tuple[int, tuple], ...]]:
        """What a position holding ``token`` can give, worked out once per token: the concepts of its
        one-word patterns (distinct, in pattern order) and the (concept, other words) of its phrases;
        ``()`` for a token that starts no pattern."""
        singles: list[int] = []
        phrases: list[tuple[int, tuple]] = []
        for pid in self._first_hits(token):
            cid, spec = self._patterns[pid]
            if len(spec) == 1:
                singles.append(cid)
            else:
                phrases.append((cid, spec[1:]))
        entry = (tuple(dict.fromkeys(singles)), tuple(phrases)) if singles or phrases else ()
        if len(self._cache) < 200_000:
            self._cache[token] = entry
        return entry

    @staticmethod
    def _word_matches(token: str, stem: str, exact: bool) -> bool:
        if token < "\u0600":  # Latin (or digits): no clitics to strip
            return token == stem if exact else token.startswith(stem)
        for form in _arabic_forms_cached(token):
            if (form == stem) if exact else form.startswith(stem):
                return True
        return False

    def _rest_matches(self, toks: list[str], j: int, rest: tuple) -> bool:
        """Whether the words from ``toks[j]`` on match a phrase's other words ``rest``."""
        if j + len(rest) > len(toks):
            return False
        for stem, exact in rest:
            token = toks[j]
            if token < "\u0600":
                if not (token == stem if exact else token.startswith(stem)):
                    return False
            elif not self._word_matches(token, stem, exact):
                return False
            j += 1
        return True

    def _second_word(self, phrases: tuple, pair: tuple[str, str]) -> tuple:
        """(concept, words after the second) of the ``phrases`` whose second word matches ``pair[1]``, and,
        when none of them has more words to check, the distinct concepts they give (else None)."""
        alive = tuple((cid, rest[1:]) for cid, rest in phrases if self._word_matches(pair[1], *rest[0]))
        done = None if any(more for _, more in alive) else tuple(dict.fromkeys(cid for cid, _ in alive))
        if len(self._pairs) < 200_000:
            self._pairs[pair] = (done, alive)
        return done, alive

    def entry(self, token: str) -> tuple:
        """What a position holding ``token`` can give (``()``: no pattern starts with it), from the cache."""
        return self._cache[token]

    def may_mention(self, toks: Iterable[str], concept_ids: frozenset[int]) -> bool:
        """Whether :meth:`find` could give ``toks`` a mention of one of ``concept_ids``: some token starts one
        of their patterns. False means it gives none — a test one C-level pass long (stopping at the first such
        token), for callers that need only some concepts and seldom find them."""
        gate = self._gates.get(concept_ids)
        if gate is None:
            gate = self._gates[concept_ids] = _Gate(self._cache, concept_ids)
        return any(map(gate.__getitem__, toks))

    def find(self, toks: list[str], entries: list | None = None) -> list[tuple[int, int]]:
        """(token position, concept id) for every mention in ``toks`` (folded tokens), in text order;
        ``entries``: the tokens' entries (:meth:`entry` of each), when the caller has them already."""
        out: list[tuple[int, int]] = []
        n = len(toks)
        pairs = self._pairs
        # every token's entry looked up in C (map), then only the positions whose token starts a pattern
        # visited (compress): most tokens are cached with none, and a Python loop over them all cost more
        if entries is None:
            entries = list(map(self._cache.__getitem__, toks))  # a token not cached yet: _Entries.__missing__
        for i in compress(range(n), entries):
            singles, phrases = entries[i]
            if phrases and i + 1 < n:
                # the phrases whose second word matches the next token, worked out once per word pair
                pair = (toks[i], toks[i + 1])
                found = pairs.get(pair)
                done, alive = self._second_word(phrases, pair) if found is None else found
                # the head word of a matched phrase counts for the phrase only ("car bomb" is not TRANSPORT)
                if done is None:
                    done = dict.fromkeys(cid for cid, more in alive if not more or self._rest_matches(toks, i + 2, more))
                if done:
                    out.extend(zip(repeat(i), done))
                    continue
            if len(singles) == 1:  # nearly always: one tuple, no zip
                out.append((i, singles[0]))
            else:
                out.extend(zip(repeat(i), singles))
        return out


class WordVocabulary:
    """The word features of a linear model: token → row, and the model's bigrams as sorted integer keys (first
    word's row × vocabulary size + second word's row) aligned with their rows.

    Why here and not in :mod:`marsad.monitor.models`: a report's tokens are looked up in a hash table by
    :func:`featurise` anyway (for the concepts), and a second probe per token in the model's own 33,000-word
    table, cold in the CPU's caches by then, cost more than all the model's arithmetic. So, once the model
    hands its vocabulary over (:func:`use_vocabulary`), the per-token table :func:`featurise` reads holds the
    token's concept entry and its row together: one probe gives both."""

    __slots__ = ("index", "size", "bigram_keys", "bigram_rows", "_tables")

    def __init__(self, words: list[str]) -> None:
        self.index: dict[str, int] = {w: i for i, w in enumerate(words)}
        self.size = n = len(self.index)
        pairs = sorted((self.index[a] * n + self.index[b], i) for i, w in enumerate(words) if " " in w
                       for a, b in [w.split(" ", 1)])
        self.bigram_keys = np.array([k for k, _ in pairs], dtype=np.int64)
        self.bigram_rows = np.array([r for _, r in pairs], dtype=np.int64)
        self._tables: dict[tuple[int, int], _Records] = {}

    def records(self, matcher: ConceptMatcher, extra: ConceptMatcher | None = None) -> _Records:
        """token → (``matcher``'s entry, row — or size² for a word out of the vocabulary, ``extra``'s entry or
        None), worked out once per token."""
        key = (id(matcher), id(extra))
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = _Records(matcher, self, extra)
        return table

    def rows(self, tokens: list[str], records: list | None = None) -> np.ndarray:
        """Distinct rows (ascending, int64) of the unigrams and bigrams of ``tokens``; ``records``: the tokens'
        records from :meth:`records` (else the vocabulary is looked up)."""
        n = self.size
        # a word out of the vocabulary is n * n: every key it takes part in is past the largest bigram key
        # (n * n - 1), so the search finds none for it and no mask of the pairs is needed
        ids = np.fromiter(map(self.index.get, tokens, repeat(n * n)) if records is None else map(_SECOND, records),
                          dtype=np.int64, count=len(tokens))
        rows = ids[ids < n]
        table = self.bigram_keys
        if table.size and ids.size > 1:
            keys = ids[:-1] * n + ids[1:]
            pos = np.searchsorted(table, keys)
            np.minimum(pos, table.size - 1, out=pos)
            rows = np.concatenate([rows, self.bigram_rows[pos[table[pos] == keys]]])
        if rows.size < 2:
            return rows
        rows.sort()
        keep = np.empty(rows.size, dtype=bool)
        keep[0] = True
        np.not_equal(rows[1:], rows[:-1], out=keep[1:])
        return rows[keep]


class _Records(dict):
    """token → (concept entry, word row or size², extra entry) for one matcher, one vocabulary and one extra
    matcher (or None)."""

    __slots__ = ("_matcher", "_vocab", "_extra")

    def __init__(self, matcher: ConceptMatcher, vocab: WordVocabulary, extra: ConceptMatcher | None) -> None:
        super().__init__()
        self._matcher, self._vocab, self._extra = matcher, vocab, extra

    def __missing__(self, token: str) -> tuple:
        vocab, extra = self._vocab, self._extra
        record = (self._matcher.entry(token), vocab.index.get(token, vocab.size * vocab.size),
                  None if extra is None else extra.entry(token))
        if len(self) < 200_000:
            self[token] = record
        return record


#: the vocabulary :func:`featurise` records rows for (the last model loaded: :func:`use_vocabulary`)
_VOCABULARY: list[WordVocabulary | None] = [None]


def use_vocabulary(vocab: WordVocabulary | None) -> None:
    """Make :func:`featurise` record the rows of ``vocab`` with each report's features (None: stop)."""
    _VOCABULARY[0] = vocab


#: language → a second lexicon's matcher whose entries :func:`featurise` records too (:func:`use_extra_matcher`)
_EXTRA: list[Callable[[str], ConceptMatcher] | None] = [None]


def use_extra_matcher(matcher_for: Callable[[str], ConceptMatcher] | None) -> None:
    """Make :func:`featurise` also give each token's entry in ``matcher_for(lang)`` (``Features.extra_entries``),
    while the token is in the CPU's caches: :mod:`marsad.monitor.themes` registers its lexicon's matcher, so
    its pass over the tokens, later and cold, costs no hash probe per token. Needs a vocabulary
    (:func:`use_vocabulary`): the entries ride in the same per-token table."""
    _EXTRA[0] = matcher_for


@lru_cache(maxsize=4)
def concept_matcher(lang: str = "any") -> ConceptMatcher:
    """The shared matcher for ``lang`` ("ar", "en", "fr"; anything else matches all three lexicons)."""
    langs = (lang,) if lang in ("ar", "en", "fr") else ("ar", "en", "fr")
    return ConceptMatcher(CONCEPTS, langs)


@dataclass(slots=True)
class Features:
    """What the classifiers see of one report: word features and concept features (string keys)."""

    concepts: list[str] = field(default_factory=list)
    #: concept name → number of mentions (for rules and explanations)
    counts: dict[str, int] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    #: the tokens' records in ``vocabulary``'s table (see :class:`WordVocabulary`), or None
    records: list | None = None
    vocabulary: WordVocabulary | None = None
    #: the tokens' entries in ``extra_matcher`` (see :func:`use_extra_matcher`), or None
    extra_entries: list | None = None
    extra_matcher: ConceptMatcher | None = None

    @property
    def words(self) -> set[str]:
        """The distinct tokens (training reads them; extraction reads the tokens, so a set per report
        made up front was wasted there)."""
        return set(self.tokens)


def _near(pos: int, toks: list[str]) -> bool:
    """Whether a number (digits or a number word) is within NUMBER_WINDOW tokens of ``toks[pos]`` (looked at
    only around the few casualty mentions, not worked out for every token)."""
    for j in range(max(0, pos - NUMBER_WINDOW), min(len(toks), pos + NUMBER_WINDOW + 1)):
        if j != pos and (toks[j] in NUMBER_WORDS or toks[j].isdigit()):
            return True
    return False



def fold_tokens(text: str) -> list[str]:
    """Folded word tokens of ``text``, as ``marsad.text.tokens`` gives them, folding each distinct word once.

    An all-ASCII text (most English reports) takes a byte-table path: for ASCII words ``fold`` is only
    lower-casing, and ``\\w`` is ``[A-Za-z0-9_]``, so one translate and split give the same tokens."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()
    if not unicodedata.is_normalized("NFC", text):
        return tokens(text)  # decomposed accents make fold() decompose the whole text ("ﬁ" → "fi"): rare
    out: list[str] = []
    cache = _FOLD_CACHE
    for raw in _RAW_WORD.findall(text):
        folded = cache.get(raw)
        if folded is None:
            folded = tuple(_TOKEN.findall(fold(raw)))
            if len(cache) < 200_000:
                cache[raw] = folded
        out.extend(folded)
    return out


def _report_tokens(text: str, title: str | None) -> tuple[list[str], int]:
    """The folded tokens of the title then the text, and how many are the title's.

    A report in NFC (nearly all) is folded whole, as ``title\n\ntext``: the very string the place and group
    scanners fold (:func:`marsad.monitor.scanner.folded_text` keeps it), so :mod:`marsad.monitor.extract`
    folds each report once. Folding is then character by character, so the tokens are the title's followed
    by the text's; a text with decomposed accents is folded part by part, as :func:`fold_tokens` does."""
    full = f"{title}\n\n{text}" if title else text
    if full.isascii() or unicodedata.is_normalized("NFC", full):
        title_words = len(fold_tokens(title)) if title else 0
        if "_" in folded_text(full):
            return _TOKEN.findall(folded_text(full)), title_words
        # the scanners' form of the text (kept for them) is the folded text with every non-word character a
        # space: its words are the \w+ runs of the folded text when it holds no "_" (five times cheaper)
        return scan_text(full).split(), title_words
    title_toks = fold_tokens(title) if title else []
    return title_toks + fold_tokens(text), len(title_toks)


#: the concepts whose mentions weigh for an incident and for policy news (the "bal:" feature)
_INCIDENT_CONCEPTS = ("EXPLOSION", "KILL", "WOUND", "KIDNAP", "ATTACK", "FIREARM")
_POLICY_CONCEPTS = ("CONFERENCE", "STRATEGY", "STATEMENT", "TRIAL", "AGREEMENT", "COUNTER")
_ZEROS = (0,) * 6


def featurise(text: str, title: str | None = None, lang: str = "en") -> Features:
    """Tokens, word features and concept features of a report (title, if any, counts as lead)."""
    toks, title_words = _report_tokens(text or "", title)
    lead_end = title_words + LEAD_WORDS
    matcher = concept_matcher(lang)
    names = matcher.concepts
    vocab, extra_for = _VOCABULARY[0], _EXTRA[0]
    extra = extra_entries = None
    if vocab is None:
        records = None
        hits = matcher.find(toks)
    else:  # one probe per token gives its concept entry, its word row and its extra entry (see WordVocabulary)
        extra = None if extra_for is None else extra_for(lang)
        records = list(map(vocab.records(matcher, extra).__getitem__, toks))
        hits = matcher.find(toks, list(map(_FIRST, records)))
        if extra is not None:
            extra_entries = list(map(_THIRD, records))
    # per hit only C-level work (a Python loop over every mention cost more): mentions counted by concept in
    # first-mention order, then only the lead's hits (text order: a bisect cuts them) and the few casualty
    # concepts visited
    cids = list(map(_SECOND, hits))
    counted = Counter(cids)
    counts = {names[cid]: c for cid, c in counted.items()}
    # the feature names are made once per concept (matcher.tags), not concatenated per report
    tags = matcher.tags
    concept_feats = {tags[cid][0] for cid in cids[:bisect_left(hits, (lead_end,))]}
    numbered = matcher.numbered
    if not numbered.isdisjoint(cids):  # only the numbered concepts' hits visited (compress: no test per hit)
        for pos, cid in compress(hits, map(numbered.__contains__, cids)):
            if _near(pos, toks):
                concept_feats.add(tags[cid][1])
    for cid, c in counted.items():
        tag = tags[cid]
        concept_feats.add(tag[2])
        if c >= 2:
            concept_feats.add(tag[3])
            if c >= 4:
                concept_feats.add(tag[4])
    n = len(toks)
    concept_feats.add("len:s" if n < 60 else "len:m" if n < 250 else "len:l" if n < 700 else "len:xl")
    incident = sum(map(counts.get, _INCIDENT_CONCEPTS, _ZEROS))  # C-level sums: no generator
    policy = sum(map(counts.get, _POLICY_CONCEPTS, _ZEROS))
    concept_feats.add("bal:inc" if incident > 2 * policy else "bal:pol" if policy > 2 * incident else "bal:mix")
    return Features(concepts=sorted(concept_feats), counts=counts, tokens=toks, records=records, vocabulary=vocab,
                    extra_entries=extra_entries, extra_matcher=extra)
