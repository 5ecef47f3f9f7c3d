"""Autocomplete: group names, places and words for the search box — only from incidents the viewer may see.

Why from the incidents projection and not from the reference data: a suggestion tells the reader that something
exists. "Group X" or "city Y" suggested to someone who may not see a single incident of X or in Y would leak that
another state reported one. So every suggestion is derived from ``incident_facts`` rows selected by
``on_facts(visibility(viewer))`` — the same clause that counts trends and draws markers — and shown in the
reader's language (group names from the organisations registry, places from the gazetteer, countries from the
country list). Words ("terms") come from the names of those same incidents.

Matching folds both sides (:func:`marsad.text.fold`: diacritics, letter variants, case), so ``عمان`` finds
``عمّان``; a name matches by its shown form or its recorded (English) form. Names starting with the query come
first, then by how many visible incidents carry them. Each read is bounded (``LIMIT``). Group and place
candidates are grouped over every visible incident (155–210 ms CPU at 100,000 incidents on SQLite), so they
are cached per viewer snapshot and data version (see :func:`_candidates`): the keystrokes of one word cost
one grouping, then 8–10 ms each. Words are looked for in the names of the newest 1,000 visible incidents only.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Mapping
from typing import NamedTuple

from sqlalchemy import Connection, func, select

from marsad.access.context import Viewer
from marsad.analysis.briefs import group_name
from marsad.analysis.trends import visibility
from marsad.errors import InputError
from marsad.model.countries import country_name, is_country_code
from marsad.model.place_names import place_name
from marsad.store.incidents import incident_facts, on_facts
from marsad.store.objects import stix_objects
from marsad.text import fold

__all__ = ["KINDS", "MAX_QUERY", "MAX_SUGGESTIONS", "Suggestion", "suggest", "clear_cache"]

KINDS = ("group", "place", "search")
MAX_QUERY = 100
MAX_SUGGESTIONS = 50
#: distinct groups / places read per request (the most frequent first)
_SCAN = 2000
#: incident names read for words, among the newest visible incidents (projection rows, newest version last)
_NAME_SCAN = 60
_RECENT = 1000
_WORD = re.compile(r"[^\W_]{2,}", re.UNICODE)


class Suggestion(NamedTuple):
    """``text`` to show and to put in the box; ``kind`` group, place or term; ``count`` of visible incidents."""

    text: str
    kind: str
    count: int


def _rank(candidates: dict[str, tuple[int, list[str]]], folded_q: str, kind: str) -> list[Suggestion]:
    """Candidates (shown text → count, folded forms) that contain ``folded_q``; prefix matches first."""
    out = []
    for text, (count, forms) in candidates.items():
        if any(folded_q in form for form in forms):
            prefix = any(form.startswith(folded_q) for form in forms)
            out.append((not prefix, -count, text, Suggestion(text, kind, count)))
    return [s for *_, s in sorted(out)]


def _add(candidates: dict, text: str, count: int, *forms: str) -> None:
    old = candidates.get(text)
    folded = [fold(f) for f in (text, *forms) if f]
    candidates[text] = (count + (old[0] if old else 0), (old[1] if old else []) + folded)


def _group_candidates(conn: Connection, where, lang: str) -> dict:
    facts = incident_facts.c
    rows = conn.execute(select(facts.perpetrator, func.count()).where(where, facts.perpetrator.is_not(None))
                        .group_by(facts.perpetrator).order_by(func.count().desc()).limit(_SCAN))
    candidates: dict = {}
    for name, count in rows:
        shown = group_name(name, lang)
        if shown:
            _add(candidates, shown, count, name)
    return candidates


def _place_candidates(conn: Connection, where, lang: str) -> dict:
    facts = incident_facts.c
    rows = conn.execute(select(facts.country, facts.admin1, facts.city, func.count()).where(where)
                        .group_by(facts.country, facts.admin1, facts.city).order_by(func.count().desc())
                        .limit(_SCAN))
    candidates: dict = {}
    for code, admin1, city, count in rows:
        if code and is_country_code(code):
            _add(candidates, country_name(code, lang), count, country_name(code, "en"), code)
        if admin1:
            _add(candidates, place_name(admin1, lang, code, "admin1"), count, admin1)
        if city:
            _add(candidates, place_name(city, lang, code, "city", admin1), count, city)
    return candidates


#: (kind, lang, viewer, data version) → (built at, candidates); a few viewers typing at once
_CACHE: OrderedDict[tuple, tuple[float, dict]] = OrderedDict()
_CACHE_SIZE = 64
_CACHE_SECONDS = 60.0
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every cached candidate list (tests; a restore that rewrote the tables)."""
    with _lock:
        _CACHE.clear()


def _viewer_key(viewer: Viewer | None) -> tuple:
    """Everything the sharing policy reads of ``viewer``, hashable (grants are a mapping)."""
    if viewer is None:
        return ()
    return tuple(tuple(sorted(value.items())) if isinstance(value, Mapping) else value
                 for value in (getattr(viewer, f.name) for f in dataclasses.fields(viewer)))


def _candidates(conn: Connection, viewer: Viewer | None, where, kind: str, lang: str) -> dict:
    """Group or place candidates of what ``viewer`` may see, cached per viewer snapshot (its memberships, grants,
    roles) and data version (newest projection row and row count): typing a word asks once, not per key. Any
    write of an incident version adds a projection row with a new key, so a cached list never outlives the data
    it was read from; the time limit bounds memory and the rare deletion."""
    facts = incident_facts.c
    version = tuple(conn.execute(select(func.max(facts.object_pk), func.count()).select_from(incident_facts)).one())
    key = (str(conn.engine.url), kind, lang, _viewer_key(viewer), version)
    now = time.monotonic()
    with _lock:
        hit = _CACHE.get(key)
        if hit is not None and now - hit[0] < _CACHE_SECONDS:
            _CACHE.move_to_end(key)
            return hit[1]
    built = (_group_candidates if kind == "group" else _place_candidates)(conn, where, lang)
    with _lock:
        _CACHE[key] = (now, built)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return built


def _terms(conn: Connection, where, q: str) -> list[Suggestion]:
    """The query with its last word completed by words of the names of the newest visible incidents (the last
    ``_RECENT`` projection rows the viewer may see: what is being written about now, at a bounded cost)."""
    head, _, last = q.strip().rpartition(" ")
    folded_last = fold(last)
    if not folded_last:
        return []
    facts = incident_facts.c
    newest = (select(facts.object_pk).where(where).order_by(facts.object_pk.desc()).limit(_RECENT)
              .subquery("newest"))
    # the folded texts are matched here, not by LIKE: 1,000 texts read take 5 ms, a LIKE over them 90 (SQLite)
    texts = conn.execute(select(stix_objects.c.pk, stix_objects.c.search_text)
                         .join(newest, stix_objects.c.pk == newest.c.object_pk)).all()
    matched = sorted((pk for pk, text in texts if folded_last in (text or "")), reverse=True)[:_NAME_SCAN]
    rows = conn.execute(select(stix_objects.c.object).where(stix_objects.c.pk.in_(matched))
                        .order_by(stix_objects.c.pk.desc())) if matched else []
    words: Counter[str] = Counter()
    for (obj,) in rows:
        for word in _WORD.findall(str((obj or {}).get("name") or "")):
            if fold(word).startswith(folded_last):
                words[word] += 1
    ranked = sorted(words.items(), key=lambda p: (-p[1], p[0]))
    return [Suggestion(f"{head} {w}".strip(), "term", n) for w, n in ranked]


def suggest(conn: Connection, viewer: Viewer | None, q: str, kind: str = "search", lang: str = "ar",
            limit: int = 10) -> list[Suggestion]:
    """Up to ``limit`` suggestions of ``kind`` (group, place, or for ``search`` all of them and words) for the
    text ``q`` typed so far, from the incidents ``viewer`` may see; [] for an empty query."""
    if kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}")
    if len(q) > MAX_QUERY:
        raise InputError(f"the query is longer than {MAX_QUERY} characters")
    if not 1 <= limit <= MAX_SUGGESTIONS:
        raise InputError(f"limit must be between 1 and {MAX_SUGGESTIONS}")
    folded_q = fold(q).strip()
    if not folded_q:
        return []
    where = on_facts(visibility(viewer))
    found: list[Suggestion] = []
    if kind in ("group", "search"):
        found += _rank(_candidates(conn, viewer, where, "group", lang), folded_q, "group")
    if kind in ("place", "search"):
        found += _rank(_candidates(conn, viewer, where, "place", lang), folded_q, "place")
    if kind == "search":
        found += _terms(conn, where, q)
    seen, out = set(), []
    for s in found:
        if s.text not in seen:
            seen.add(s.text)
            out.append(s)
    return out[:limit]
