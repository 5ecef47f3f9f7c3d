"""Autocomplete: group names, places and words for the search box — only from incidents the viewer may see.

Why from the incidents projection and not from the reference data: a suggestion tells the reader that something
exists. "Group X" or "city Y" suggested to someone who may not see a single incident of X or in Y would leak that
another state reported one. So every suggestion is derived from ``incident_facts`` rows selected by
``on_facts(visibility(viewer))`` — the same clause that counts trends and draws markers — and shown in the
reader's language (group names from the organisations registry, places from the gazetteer, countries from the
country list). Words ("terms") come from the names of those same incidents.

Matching folds both sides (:func:`marsad.text.fold`: diacritics, letter variants, case), so ``عمان`` finds
``عمّان``; a name matches by its shown form or its recorded (English) form. Names starting with the query come
first, then by how many visible incidents carry them. Each read is bounded (``LIMIT``) so a hub with a million
incidents answers as fast as a small one.
"""

from __future__ import annotations

import re
from collections import Counter
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

__all__ = ["KINDS", "MAX_QUERY", "MAX_SUGGESTIONS", "Suggestion", "suggest"]

KINDS = ("group", "place", "search")
MAX_QUERY = 100
MAX_SUGGESTIONS = 50
#: distinct groups / places read per request (the most frequent first)
_SCAN = 2000
#: incident names read for words
_NAME_SCAN = 300
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


def _groups(conn: Connection, where, folded_q: str, lang: str) -> list[Suggestion]:
    facts = incident_facts.c
    rows = conn.execute(select(facts.perpetrator, func.count()).where(where, facts.perpetrator.is_not(None))
                        .group_by(facts.perpetrator).order_by(func.count().desc()).limit(_SCAN))
    candidates: dict = {}
    for name, count in rows:
        shown = group_name(name, lang)
        if shown:
            _add(candidates, shown, count, name)
    return _rank(candidates, folded_q, "group")


def _places(conn: Connection, where, folded_q: str, lang: str) -> list[Suggestion]:
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
    return _rank(candidates, folded_q, "place")


def _terms(conn: Connection, where, q: str) -> list[Suggestion]:
    """The query with its last word completed by words of the names of visible incidents (newest first)."""
    head, _, last = q.strip().rpartition(" ")
    folded_last = fold(last)
    if not folded_last:
        return []
    facts = incident_facts.c
    rows = conn.execute(select(stix_objects.c.object).join(stix_objects, stix_objects.c.pk == facts.object_pk)
                        .where(where, stix_objects.c.search_text.contains(folded_last, autoescape=True))
                        .order_by(facts.modified.desc()).limit(_NAME_SCAN))
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
        found += _groups(conn, where, folded_q, lang)
    if kind in ("place", "search"):
        found += _places(conn, where, folded_q, lang)
    if kind == "search":
        found += _terms(conn, where, q)
    seen, out = set(), []
    for s in found:
        if s.text not in seen:
            seen.add(s.text)
            out.append(s)
    return out[:limit]
