"""Where an incident happened: country, admin1 and city from Arabic, English or French news text.

Why: incident records and maps need a place, and the extractor must read thousands of reports a second,
so places are found by one Aho-Corasick scan of the folded text over every gazetteer name form
(:mod:`marsad.model.gazetteer`), built once and lazily, then resolved with cheap context rules:

- Arabic clitics: a key is a name without its article, matched at a word's end, and the letters before it
  in the word must be clitics (و ف ب ل ك, with or without ال, or لل): "بكركوك", "وبالموصل", "للموصل".
- Common-word collisions ("and", "car", "الخميس"): Latin names count only when capitalised in the text;
  short or common names and small places need a cue (a preposition before them: in/near/at, à/près de/dans,
  في/قرب/بمدينة/بمحافظة…, or a country right after them).
- Ambiguity: the country named in the text (or ``hint_country``), other places and population decide.
- Chains "in Mosul, Nineveh, Iraq" (news agencies' and GTD's style) give city, admin1 and country at once,
  even for villages the gazetteer does not know.
- Datelines ("KABUL, Afghanistan (AP) —") say where the report was filed: the places of the report's own
  sentences come first, the dateline only when they name no admin1 or city (:mod:`marsad.monitor.datelines`).
- Demonyms ("Iraqi", "عراقي", "irakien") are weak country evidence.
"""

from __future__ import annotations

import functools
import math
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import marsad.model.gazetteer as _gazetteer_module
import marsad.monitor.place_words as _place_words_module
import marsad.monitor.scanner as _scanner_module
import marsad.text as _text_module
from marsad.model.gazetteer import GAZETTEER_FILE, Place, load_gazetteer
from marsad.monitor.datelines import find_dateline
from marsad.monitor.place_words import (
    ADMIN_TYPES, ARABIC_COMMON, CUE_BIGRAMS, STRONG_CUE_WORDS, CUE_WORDS, DEMONYMS, LATIN_STOP, NAME_TYPES, WEAK_NAMES,
)
from marsad.monitor.scanner import Hit, NameScanner, scan_text
from marsad.monitor.scanner_cache import cached_scanner
from marsad.text import fold

__all__ = ["PlaceResult", "find_places", "place_scanner", "REGION"]

#: countries whose smaller places and alternate names are all matched: the Arab League and neighbours
#: with frequent incidents
REGION = frozenset(
    "DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE "
    "AF PK NG ML BF NE TD CM KE MZ CD TR IR ET CF SS".split()
)

#: weight of a country's second and later mentions (its first weighs 3): "the U.S. embassy … U.S. aid …"
#: in a report on an attack in Lima should not outweigh Lima
REPEAT_COUNTRY = 1.0
#: country abbreviations written mostly as adjectives ("U.S. aid", "UK citizens"): weighed as demonyms
_ATTRIBUTIVE = frozenset(("u s", "u s a", "us", "usa", "uk", "u k"))
_KIND_ORDER = {"country": 0, "admin1": 1, "city": 2}
#: a word starting with a capital (``\b[A-Z…][\w'’-]*``, the word-start test written after the capital so
#: that the regex engine jumps from capital to capital: four times faster)
_CAP_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ](?<!\w[A-ZÀ-ÖØ-Þ])[\w'’\-]*")
_NON_WORDS = re.compile(r"\W+")
#: the ASCII non-word characters (\W), and the str.translate table making each a space
_ASCII_NON_WORD = "".join(chr(c) for c in range(128) if not (chr(c).isalnum() or chr(c) == "_"))
_ASCII_NON_WORD_SPACE = str.maketrans(_ASCII_NON_WORD, " " * len(_ASCII_NON_WORD))
_SEG = (
    r"[A-ZÀ-ÖØ-Þ][\w'’\-]*(?:[ \t]+(?:(?:de|del|da|do|des|du|la|le|el|al|ad|as|ash|at|an|az|ar|ul|e|i|y|of|and|bin|ibn|ben|sur|en)[ \t]+)?"
    r"[A-ZÀ-ÖØ-Þ0-9][\w'’\-]*)*"
    r"(?:[ \t]+(?:" + "|".join(sorted(NAME_TYPES, key=len, reverse=True)) + r"))?"
)
# the "not after a word or a comma" test follows the first capital, so the engine jumps from capital to capital
_CHAIN = re.compile(rf"(?=[A-ZÀ-ÖØ-Þ])(?<![\w,])({_SEG})((?:,[ \t]+{_SEG})+)")
#: ", Name": every chain holds one
_COMMA_NAME = re.compile(r",[ \t]+[A-ZÀ-ÖØ-Þ]")
#: a character no chain can hold (chains are made of word characters, ' ’ -, spaces, tabs and commas)
_NOT_CHAIN = re.compile(r"[^\w'’\- \t,]")
_NAME = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*(?:[ \t]+[A-ZÀ-ÖØ-Þ][\w'’\-]*){0,3}"
_BEFORE_CHAIN = re.compile(
    rf"(?:(?:village|town|city|hamlet) of[ \t]+(?P<name>{_NAME})[ \t]+(?:in|near|of)"
    rf"|(?P<name2>{_NAME})[ \t]+(?P<kind>village|district|town|city)[ \t]+(?:in|near))[ \t]+$"
)
_TYPE_SUFFIX = re.compile(r"[ \t]+(" + "|".join(sorted(NAME_TYPES, key=len, reverse=True)) + r")$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PlaceResult:
    """The place of a report: ISO alpha-2 ``country``, English ``admin1`` and ``city`` names (each None when
    not found), coordinates of the most precise place found, ``confidence`` in [0, 1], and ``evidence``:
    the folded name forms (with their role) the answer rests on."""

    country: str | None = None
    admin1: str | None = None
    city: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    confidence: float = 0.0
    evidence: tuple[str, ...] = ()


def _worth_scanning(form: str, best: Place, primary: set[str]) -> bool:
    """Whether a name form goes into the scanner: every place's own name, every country and admin1 form,
    alternate names of larger places (and of places in the region), so the automaton builds fast.
    ``best`` is the first place the form names (countries, then admin1, then larger cities first)."""
    if form in LATIN_STOP:
        return False
    if best.kind != "city" or form in primary:
        return True
    if "\u0600" <= form[0] <= "\u06ff":
        return best.country in REGION or best.population >= 100_000
    if best.country in REGION and " " in form:
        return True  # "Tal Afar" (no population in GeoNames): a many-word name must beat its tail ("Afar")
    return best.population >= 500_000 or (best.country in REGION and best.population >= 15_000)


@functools.cache
def place_scanner() -> NameScanner:
    """The scanner over gazetteer name forms and demonyms, built on first use (or loaded from the cache of
    :mod:`marsad.monitor.scanner_cache`, keyed on the gazetteer file and the code that builds it)."""
    modules = (sys.modules[__name__], _place_words_module, _scanner_module, _text_module, _gazetteer_module)
    sources = [Path(module.__file__) for module in modules] + [GAZETTEER_FILE]
    return cached_scanner("place-scanner", sources, _build_place_scanner)


def _build_place_scanner() -> NameScanner:
    gazetteer = load_gazetteer()
    places = gazetteer.places
    primary = {p.key for p in places}
    entries: list[tuple[str, object]] = [
        (form, form) for form, best in gazetteer.forms_with_best() if _worth_scanning(form, best, primary)
    ]
    for code, forms in DEMONYMS.items():
        entries.extend((fold(form), "@" + code) for form in forms)
    return NameScanner(entries)


@dataclass(slots=True)
class _Mention:
    hit: Hit
    places: list[Place]
    cue: int
    capitalised: bool


_UPPER_BYTES, _LOWER_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz"


#: weight of the wire dateline's country (a mention of a country weighs 3, a cued city up to 2.5)
WIRE_HINT = 3.5
#: the dateline of capitals wire copy: "SAN SALVADOR, 3 JAN 90 --", "LIMA (EFE), 15 JAN 90 --" (where it was filed)
_WIRE_DATELINE = re.compile(r"\s*(?P<place>[A-Z][A-Z .'\-]{1,30}?)(?: \([A-Z .]+\))?, \d{1,2} [A-Z]{3}\b")


def _all_caps(text: str) -> bool:
    """Whether a Latin-script text is written in capitals (1980s-90s wire copy: "BOMB EXPLODED IN LIMA"), so
    that a capital letter says nothing about a word being a name. (Counted by two bytes.translate deletions.)"""
    sample = text[:1500].encode("ascii", "ignore")
    upper = len(sample) - len(sample.translate(None, _UPPER_BYTES))
    return upper >= 40 and len(sample) - len(sample.translate(None, _LOWER_BYTES)) < 0.1 * upper


def _capitalised_tokens(text: str) -> set[str]:
    """The folded tokens of the words written with a capital letter ("Mosul" but not "and")."""
    words = " ".join(set(_CAP_WORD.findall(text)))  # folded in one go: fold works word by word
    folded = words.lower() if words.isascii() else fold(words)
    if not folded.isascii():
        return set(_NON_WORDS.split(folded))
    # the pieces of an ASCII text split at runs of \W, without the regex (a third of the cost): its word runs,
    # and "" where it starts or ends with a non-word character (or is empty)
    tokens = set(folded.translate(_ASCII_NON_WORD_SPACE).split())
    if not folded or folded[0] in _ASCII_NON_WORD or folded[-1] in _ASCII_NON_WORD:
        tokens.add("")
    return tokens


def _cue(norm: str, hit: Hit, places: list[Place]) -> int:
    """How strongly the words before a name make it a place: 2 for a kind of place or nearness
    ("بمدينة", "near", "village of"), 1 for a preposition ("في", "in", "à", or "ب" on a larger place), else 0."""
    before = norm[max(0, hit.start - 40):hit.start].rsplit(None, 2)  # its last two words are split()'s
    if before and before[-1] in STRONG_CUE_WORDS or len(before) > 1 and f"{before[-2]} {before[-1]}" in CUE_BIGRAMS:
        return 2
    if before and before[-1] in CUE_WORDS:
        return 1
    if "ب" in hit.prefix and (places[0].population >= 20_000 or places[0].kind != "city"):
        return 1  # "بكركوك": in Kirkuk; but "برصد" is "by monitoring", not "in Rasad"
    return 0


@functools.lru_cache(maxsize=65536)
def _places_of(payloads: tuple) -> tuple[tuple[Place, ...], tuple[str, ...]]:
    """The gazetteer places a hit's payloads name (countries, then admin1, then larger cities first) and
    the demonyms' country codes; cached, as the same names come back in report after report."""
    gazetteer = load_gazetteer()
    places: list[Place] = []
    demonyms: list[str] = []
    for payload in payloads:
        if payload[0] == "@":
            demonyms.append(payload[1:])
        else:
            places.extend(p for p in gazetteer.lookup_folded(payload) if p not in places)
    places.sort(key=lambda p: (_KIND_ORDER[p.kind], -p.population))
    return tuple(places), tuple(demonyms)


def _mentions(norm: str, capitals: set[str] | None, caps: bool = False) -> tuple[list[_Mention], list[tuple[int, str]]]:
    """Gazetteer mentions in ``norm`` (a :func:`scan_text` result) kept after the collision filters, and
    demonyms as (position, country code). ``capitals``: the folded capitalised words of a Latin-script
    text (None for Arabic, where every name counts)."""
    mentions: list[_Mention] = []
    demonyms: list[tuple[int, str]] = []
    if capitals is None:  # Arabic: every Arabic name counts as written, no other
        hits = ((hit, hit.arabic) for hit in place_scanner().scan(norm))
    else:
        hits = _written_hits(norm, capitals)
    for hit, written in hits:
        places, codes = _places_of(hit.payloads)
        if codes:
            demonyms.extend((hit.start, code) for code in codes)  # "irakien", "Iraqi": written either way
        if not places or not written:
            continue
        places = list(places)
        mentions.append(_Mention(hit, places, _cue(norm, hit, places), not caps))
    _chain_cues(mentions)
    named = {m.places[0].country for m in mentions if m.places[0].kind == "country"} | {c for _, c in demonyms}
    return [m for m in mentions if _credible(m) or _in_named_country(m, named)], demonyms


def _in_named_country(mention: _Mention, named: set[str]) -> bool:
    """A many-word name of a place in a country the text names elsewhere ("un marché de Tal Afar, dans le
    nord de l'Irak") is a place even without a cue or a known population."""
    key = mention.hit.key
    return (" " in key and key not in WEAK_NAMES and key.split(" ", 1)[0] not in _PERSON_PARTS
            and any(p.country in named for p in mention.places))


#: first words of personal names ("Abu Hadi") that are also the first words of village names
_PERSON_PARTS = frozenset("abu abou bin ibn ben umm um sheikh cheikh".split())


def _written_hits(norm: str, capitals: set[str] | None, offset: int = 0) -> Iterator[tuple[Hit, bool]]:
    """Scanner hits and whether each counts as a place name: Arabic ones, and Latin ones written with a
    capital; a many-word hit that is not ("northern Lebanon") gives way to the names inside it after its
    first word ("Lebanon")."""
    for hit in place_scanner().scan(norm):
        if offset:
            hit = hit._replace(start=hit.start + offset, end=hit.end + offset)
        if hit.arabic or (capitals is not None and hit.key.split(" ", 1)[0] in capitals):
            yield hit, True
        elif " " in hit.key and capitals is not None and not any(p[0] == "@" for p in hit.payloads):
            cut = hit.key.index(" ") + 1
            yield from _written_hits(norm[hit.start - offset + cut:hit.end - offset], capitals, hit.start + cut)
        else:
            yield hit, False


def _chain_cues(mentions: list[_Mention]) -> None:
    """A name followed closely by a country or admin1 name ("Mosul, Iraq") has a cue."""
    for first, second in zip(mentions, mentions[1:]):
        if first.hit.arabic:
            continue
        if second.hit.start - first.hit.end <= 3 and second.places[0].kind in ("country", "admin1"):
            first.cue = max(first.cue, 1)


def _credible(mention: _Mention) -> bool:
    best = mention.places[0]
    if best.kind == "country":
        return True
    key = mention.hit.key
    if key in WEAK_NAMES or key in ARABIC_COMMON:
        return mention.cue >= 2
    if len(key) < 3:
        return mention.cue >= 2  # "Un", "Al": two letters are a word far more often than a place
    if len(key) < 4:
        return mention.cue >= 1
    if mention.hit.arabic and best.country not in REGION and best.population < 500_000:
        return mention.cue >= 1  # "كورونا" is the virus, not Corona, California
    if not mention.capitalised and " " not in key:  # ALL CAPS: "NORMAL", "NORTHERN" may be plain words
        return mention.cue >= 1 or best.population >= 500_000
    return mention.cue >= 1 or best.population >= 50_000 or best.kind == "admin1"


def _country_scores(mentions: list[_Mention], demonyms: list[tuple[int, str]], hint: str | None,
                    hint_weight: float = 2.0) -> dict[str, float]:
    """Country code → weight of the evidence for it (in the order the codes first come up: ties go to the
    first). A plain dict: a Counter's missing-key hook is a Python call per new code."""
    scores: dict[str, float] = {}
    named: set[str] = set()
    for rank, mention in enumerate(mentions):
        early = 0.5 if rank < 3 else 0.0
        best = mention.places[0]
        if best.kind == "country":
            code = best.country
            if mention.hit.key in _ATTRIBUTIVE:
                demonyms = [*demonyms, (mention.hit.start, code)]  # "U.S. embassy": an adjective
                continue
            # a country named again and again is often the topic, not the place
            scores[code] = scores.get(code, 0) + ((REPEAT_COUNTRY if code in named else 3.0) + early)
            named.add(code)
            continue
        largest: dict[str, float] = {}
        key = mention.hit.key
        for place in mention.places:  # _own_name inlined: this loop runs for every place of every mention
            size = (place.population + 1) * (1.0 if place.key == key or place.kind == "country" else 0.05)
            largest[place.country] = max(largest.get(place.country, 0), size)
        total = sum(largest.values())
        weight = (1.5 if mention.cue else 1.0) + early
        for code, population in largest.items():
            scores[code] = scores.get(code, 0) + weight * population / total
    if demonyms:
        for code, count in Counter(code for _, code in demonyms).items():
            scores[code] = scores.get(code, 0) + min(count, 3) * 0.7
    if hint:
        scores[hint] = scores.get(hint, 0) + hint_weight
    return scores


def _country_of(mentions: list[_Mention], demonyms: list[tuple[int, str]], hint: str | None) -> str | None:
    """The country :func:`_from_mentions` gives for these mentions (its city and admin1 are in that country),
    without looking for the city and admin1 (and their spelling in the text) that a dateline's country
    does not need."""
    scores = _country_scores(mentions, demonyms, hint)
    return max(scores, key=scores.__getitem__) if scores else None


def _own_name(place: Place, key: str) -> float:
    """1 when ``key`` is the place's own (English) name, else 0.05: "Gao" is the town in Mali, not an
    alternate name of Guantanamo, however large."""
    return 1.0 if place.key == key or place.kind == "country" else 0.05


def _place_score(place: Place, mention: _Mention, rank: int, country: str | None, admin1s: set) -> float:
    score = 0.5 * math.log10((place.population + 10) * _own_name(place, mention.hit.key)) - 0.15 * rank
    if mention.cue:
        score += 1.5 + 0.5 * mention.cue
    if country and place.country == country:
        score += 3.0
    if place.admin1 and (place.country, place.admin1) in admin1s:
        score += 1.0
    return score


def _best_of(mentions: list[_Mention], kind: str, country: str | None, admin1s: set) -> tuple[Place, _Mention] | None:
    """The best-scored place of ``kind`` (in ``country`` when one is known) among the mentions."""
    best: tuple[float, Place, _Mention] | None = None
    for rank, mention in enumerate(mentions):
        for place in mention.places:
            if place.kind != kind or (country and place.country != country):
                continue
            score = _place_score(place, mention, rank, country, admin1s)
            if best is None or score > best[0]:
                best = (score, place, mention)
    return (best[1], best[2]) if best else None


def _surface(text: str, key: str) -> str | None:
    """The spelling of the folded ``key`` in the original (Latin-script) text, if it can be found."""
    pattern = r"(?<!\w)" + r"[\W_]+".join(re.escape(word) for word in key.split()) + r"(?!\w)"
    for found in re.finditer(pattern, text, re.IGNORECASE):
        if not found.group(0).isupper() or len(found.group(0)) < 4:
            return found.group(0)  # "KABUL" in a dateline is no spelling to keep
    return None


def _from_mentions(text: str, lang: str, mentions: list[_Mention], demonyms: list[tuple[int, str]],
                   hint: str | None, hint_weight: float = 2.0) -> PlaceResult:
    """The place the mentions (and demonyms) of ``text`` point to."""
    scores = _country_scores(mentions, demonyms, hint, hint_weight)
    country = max(scores, key=scores.__getitem__) if scores else None
    admin1s = {(p.country, p.name) for m in mentions for p in m.places if p.kind == "admin1"}
    evidence = [f"country:{m.hit.key}" for m in mentions if m.places[0].kind == "country"][:3]
    total = sum(scores.values()) or 1.0
    share = scores.get(country, 0) / total if country else 0.0
    city = _best_of(mentions, "city", country, admin1s)
    if city is not None:
        place, mention = city
        evidence.append(f"city:{mention.hit.key}")
        name = (_surface(text, mention.hit.key) if lang == "en" else None) or place.name
        confidence = round(min(0.95, 0.45 + 0.4 * share + (0.1 if mention.cue else 0.0)), 2)
        return PlaceResult(place.country, place.admin1, name, place.latitude, place.longitude, confidence, tuple(evidence))
    admin1 = _best_of(mentions, "admin1", country, admin1s)
    if admin1 is not None:
        place, mention = admin1
        evidence.append(f"admin1:{mention.hit.key}")
        confidence = round(min(0.9, 0.4 + 0.4 * share), 2)
        return PlaceResult(place.country, place.name, None, place.latitude, place.longitude, confidence, tuple(evidence))
    if country is None:
        return PlaceResult()
    only_demonyms = not any(m.places[0].kind == "country" for m in mentions)
    confidence = 0.4 if only_demonyms else 0.7
    return PlaceResult(country, None, None, None, None, confidence, tuple(evidence or [f"demonym:{country}"]))


def _segment(raw: str) -> tuple[str, str | None]:
    raw = raw.strip().rstrip(".")
    match = _TYPE_SUFFIX.search(raw)
    if match and match.group(1)[0].isupper() and _lookup(raw):
        return raw, None  # "Gaza City", "Kuwait City": the type word is part of the name
    if match:
        return raw[: match.start()].strip(), match.group(1).lower()
    return raw, None


def _chain_matches(text: str) -> Iterator[re.Match]:
    """``_CHAIN.finditer(text)``, run only over the stretches of chain characters that hold a ", Name" (most
    text holds none: trying the chain at every capital of a report cost a quarter of the place reader)."""
    end = 0
    for comma in _COMMA_NAME.finditer(text):
        at = comma.start()
        if at < end:
            continue
        stop = _NOT_CHAIN.search(text[at::-1]) if at else None
        start = at - stop.start() + 1 if stop else 0
        stop = _NOT_CHAIN.search(text, at)
        end = stop.start() if stop else len(text)
        yield from _CHAIN.finditer(text, start, end)


def _lookup(name: str, country: str | None = None, kind: str | None = None) -> tuple[Place, ...]:
    """``load_gazetteer().lookup(name, country=country, kind=kind)`` as a tuple, kept for the next report: a
    chain's names are looked up three or four times over (country, admin1, city) and the same few names come
    report after report; each lookup folds the name again."""
    return _named(load_gazetteer(), name, country, kind)


@functools.lru_cache(maxsize=4096)
def _named(gazetteer, name: str, country: str | None, kind: str | None) -> tuple[Place, ...]:
    return tuple(gazetteer.lookup(name, country=country, kind=kind))


def _chain(text: str, lang: str, skip: tuple[int, int] = (0, 0)) -> PlaceResult | None:
    """The first "X, Y, Country" chain of capitalised names ending in a known country, except one starting
    in ``skip`` (the dateline)."""
    for match in _chain_matches(text):
        if skip[0] <= match.start() < skip[1]:
            continue
        segments = [_segment(s) for s in [match.group(1), *match.group(2).split(",")[1:]]]
        before = _BEFORE_CHAIN.search(text, max(0, match.start() - 80), match.start())
        if before:  # "Laxmipur village in North Tripura district, ..." / "the town of X in Y, ..."
            name = before.group("name") or before.group("name2")
            segments.insert(0, (name, (before.group("kind") or "village").lower()))
        for end in range(len(segments) - 1, 0, -1):
            countries = _lookup(segments[end][0], kind="country")
            if countries:
                return _resolve_chain(segments[:end], countries[0], lang)
    return None


_CITY_TYPES = frozenset({"city", "town", "village", "township", "locality", "municipality"})
_SUBURB_TYPES = frozenset({"neighborhood", "neighbourhood", "camp"})


def _chain_admin1(segments: list[tuple[str, str | None]], code: str) -> tuple[Place | None, str | None, int]:
    """The admin1 unit of a chain ("city, province, country"): its gazetteer place, its name, and how many
    segments remain before it. The last segment is the admin1 when typed so, when it is the only one and
    no city has its name, and whenever other segments precede it (unless it is typed as a city)."""
    name, kind = segments[-1]
    admins = _lookup(name, code, "admin1")
    cities = _lookup(name, code, "city")
    if kind in ADMIN_TYPES or (len(segments) == 1 and admins and not cities) or (len(segments) > 1 and kind not in _CITY_TYPES):
        return (admins[0] if admins else None), (admins[0].name if admins else name), len(segments) - 1
    return None, None, len(segments)


def _metropolis(admin_segment: tuple[str, str | None] | None, code: str) -> Place | None:
    """The city of a million people or more named like the admin1 segment of a chain, if there is one."""
    if admin_segment is None or admin_segment[1] in ADMIN_TYPES:
        return None
    big = [p for p in _lookup(admin_segment[0], code, "city") if p.population >= 1_000_000]
    return big[0] if big else None


def _chain_city(segments: list[tuple[str, str | None]], admin_segment: tuple[str, str | None] | None, code: str):
    """The city segment of a chain and its gazetteer place, if any: a segment typed as a city first, then
    the first one the gazetteer knows, then a metropolis named like the admin1 segment, then the first one;
    suburbs, numbered places and an "area" followed by another place are skipped; with nothing left, a
    large city named like the admin1 unit."""
    kept = [
        seg for number, seg in enumerate(segments)
        if seg[1] not in _SUBURB_TYPES and not any(map(str.isdigit, seg[0]))  # no numbered place (C-level test)
        and not (seg[1] == "area" and number + 1 < len(segments))
    ]
    known = [(seg, _lookup(seg[0], code, "city")) for seg in kept]
    for seg, places in known:
        if seg[1] in _CITY_TYPES:
            return seg[0], (places[0] if places else None)
    for seg, places in known:
        if places and seg[1] is None:
            return seg[0], places[0]
    metropolis = _metropolis(admin_segment, code)
    if metropolis is not None and not any(places for _, places in known):
        return admin_segment[0], metropolis  # "Khair Khana, Kabul, Afghanistan": a quarter of a large city
    if known:
        return known[0][0][0], (known[0][1][0] if known[0][1] else None)
    if admin_segment:
        big = [p for p in _lookup(admin_segment[0], code, "city") if p.population >= 50_000]
        if big:
            return admin_segment[0], big[0]
    return None, None


def _resolve_chain(segments: list[tuple[str, str | None]], country: Place, lang: str) -> PlaceResult:
    code = country.country
    admin1, admin_name, remaining = _chain_admin1(segments, code)
    evidence = (f"chain:{fold(country.name)}",)
    admin_segment = segments[remaining] if remaining < len(segments) else None
    city_name, city = _chain_city(segments[:remaining], admin_segment, code)
    if city is not None:
        if admin1 is not None and city.admin1 != admin1.name:
            better = [p for p in _lookup(city_name, code, "city") if p.admin1 == admin1.name]
            city = better[0] if better else city
        name = city_name if lang == "en" and not city_name.isupper() else city.name  # not "KABUL" of a dateline
        return PlaceResult(code, admin_name or city.admin1, name, city.latitude, city.longitude, 0.9, evidence)
    lat, lon = (admin1.latitude, admin1.longitude) if admin1 else (None, None)
    return PlaceResult(code, admin_name, city_name, lat, lon, 0.7 if city_name else 0.75, evidence)


def find_places(text: str, lang: str, *, hint_country: str | None = None) -> PlaceResult:
    """The place of the incident ``text`` (language ``lang``: ar, en, fr) reports.

    ``hint_country`` (ISO alpha-2, e.g. the source's country) breaks ties. City and admin1 names are English
    (gazetteer names; a village the gazetteer does not know keeps the spelling of the text). A dateline
    ("KABUL, Afghanistan (AP) —") counts only when the report's own sentences name no admin1 or city; its
    country breaks ties among theirs."""
    if not text or not text.strip():
        return PlaceResult()
    hint = hint_country.upper() if hint_country else None
    dateline = find_dateline(text)
    chained = _chain(text, lang, dateline or (0, 0)) if lang != "ar" else None
    caps = lang != "ar" and _all_caps(text)
    if chained is not None and (dateline is None or chained.city or chained.admin1) and not caps:
        return chained  # "in Mosul, Nineveh, Iraq": no scan needed
    mentions, demonyms = _mentions(scan_text(text), _capitalised_tokens(text) if lang != "ar" else None, caps)
    if caps and chained is not None:  # in capitals any "QUITO, ECUADOR" chains: only the text's main country's
        scores = _country_scores(mentions, demonyms, hint)
        if scores and max(scores, key=scores.__getitem__) == chained.country:
            return chained
        chained = None
    if dateline is None:
        wire = caps and hint is None and _WIRE_DATELINE.match(text)
        if wire:  # "LIMA, 15 JAN 90 (EFE) --"
            end = len(fold(text[:wire.end("place")]))
            hint = _country_of([m for m in mentions if m.hit.start < end], [], None)
        return _from_mentions(text, lang, mentions, demonyms, hint, WIRE_HINT if wire else 2.0)
    low = len(fold(text[:dateline[0]])) if dateline[0] else 0
    high = len(fold(text[:dateline[1]]))
    filed = [m for m in mentions if low <= m.hit.start < high]
    filed_country = _country_of(filed, [d for d in demonyms if low <= d[0] < high], None)
    body = [m for m in mentions if not low <= m.hit.start < high]
    found = chained or _from_mentions(text, lang, body, [d for d in demonyms if not low <= d[0] < high],
                                      hint or filed_country)  # reports are mostly filed from the incident's country
    if found.city or found.admin1 or (found.country and found.country != filed_country):
        return found
    return _chain_or_mentions(text, lang, mentions, demonyms, hint)  # no place but the dateline's


def _chain_or_mentions(text: str, lang: str, mentions: list[_Mention], demonyms: list[tuple[int, str]],
                       hint: str | None) -> PlaceResult:
    chained = _chain(text, lang) if lang != "ar" else None
    return chained if chained is not None else _from_mentions(text, lang, mentions, demonyms, hint)
