"""Similar past incidents and a group's recent activity, over what the viewer may see.

Why here: a brief places an attack among its precedents — the same group, the same place, the same tactic —
and says how active the group has been lately. Both are read from the incident projection
(:mod:`marsad.store.incidents`) under :func:`marsad.analysis.trends.visibility`, so a precedent or a count the
viewer may not see never shows (no leak through "5 similar incidents" either).

Candidates: incidents dated no later than the incident and in the :data:`YEARS` calendar years up to it (any date
when it is undated), other than itself, that share its perpetrator (a named one; "Unknown" is no link), its city or
admin1 (else country), or one of its attack types in the same country — at most :data:`POOL` of the most recent of
each kind, read as ranges of the projection's (country, year) and (perpetrator, year) indexes, so the cost stays
bounded in a country with tens of thousands of incidents. Each candidate gets the **score** (documented, deterministic)::

    3.0 × same named perpetrator
  + place: 2.0 same city, else 1.5 same admin1, else 1.0 same country
  + 2.0 × Jaccard(attack types) + 1.0 × Jaccard(weapon types) + 1.0 × Jaccard(target types)

(maximum 9.0: a group's signature is the strongest evidence, then place, then tactic). Ties go to the
incident nearest in time, then to the id. ``reasons`` say which parts matched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, select

from marsad.analysis.brief_text import known
from marsad.analysis.trends import Tally
from marsad.store.incidents import incident_facts, incident_terms, on_facts

__all__ = ["POOL", "YEARS", "WEIGHTS", "SimilarIncident", "GroupActivity", "is_named_group", "find_similar",
           "group_activity"]

#: most recent candidates read per kind of link (group, place, tactic)
POOL = 300
#: precedents are looked for in this many calendar years up to the incident's (bounded index ranges)
YEARS = 5
WEIGHTS = {"group": 3.0, "city": 2.0, "admin1": 1.5, "country": 1.0, "tactic": 2.0, "weapon": 1.0, "target": 1.0}
_VOCABS = {"attack_type": "tactic", "weapon_type": "weapon", "target_type": "target"}


@dataclass(frozen=True)
class SimilarIncident:
    """A precedent: its projected facts, its score and the parts of the score that matched."""

    incident_id: str
    occurred: date | None
    precision: str | None
    country: str | None
    admin1: str | None
    city: str | None
    perpetrator: str | None
    attack_types: tuple[str, ...]
    weapon_types: tuple[str, ...]
    target_types: tuple[str, ...]
    killed: int
    wounded: int
    score: float
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["occurred"] = self.occurred.isoformat() if self.occurred else None
        for key in ("attack_types", "weapon_types", "target_types", "reasons"):
            out[key] = list(out[key])
        return out


@dataclass(frozen=True)
class GroupActivity:
    """A named group's visible incidents in the 90 and 365 days up to ``until`` (inclusive)."""

    group: str
    until: date
    last_90: Tally
    last_365: Tally

    def to_dict(self) -> dict[str, Any]:
        def tally(t: Tally) -> dict:
            return {"incidents": t.incidents, "killed": t.killed, "wounded": t.wounded}
        return {"group": self.group, "until": self.until.isoformat(), "last_90_days": tally(self.last_90),
                "last_365_days": tally(self.last_365)}


def is_named_group(name: str | None) -> bool:
    """True for a perpetrator name that links incidents (not empty, not GTD's "Unknown")."""
    return known(name)


def _terms(conn: Connection, pks: Sequence[int]) -> dict[int, dict[str, set[str]]]:
    found: dict[int, dict[str, set[str]]] = {pk: {v: set() for v in _VOCABS} for pk in pks}
    for start in range(0, len(pks), 500):
        rows = conn.execute(select(incident_terms.c.object_pk, incident_terms.c.vocabulary, incident_terms.c.term)
                            .where(incident_terms.c.object_pk.in_(pks[start:start + 500]),
                                   incident_terms.c.vocabulary.in_(list(_VOCABS))))
        for row in rows:
            found[row.object_pk][row.vocabulary].add(row.term)
    return found


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _pools(target: Mapping[str, Any], attack_types: Iterable[str]) -> list[ColumnElement[bool]]:
    """One condition per kind of link the incident can have."""
    facts = incident_facts.c
    pools = []
    if is_named_group(target["perpetrator"]):
        pools.append(facts.perpetrator == target["perpetrator"])
    if known(target["city"]) and target["country"]:
        pools.append(and_(facts.country == target["country"], facts.city == target["city"]))
    if known(target["admin1"]) and target["country"]:
        pools.append(and_(facts.country == target["country"], facts.admin1 == target["admin1"]))
    elif target["country"]:
        pools.append(facts.country == target["country"])
    kinds = sorted(attack_types)
    if kinds and target["country"]:
        typed = select(incident_terms.c.object_pk).where(
            incident_terms.c.object_pk == facts.object_pk, incident_terms.c.vocabulary == "attack_type",
            incident_terms.c.term.in_(kinds)).exists()
        pools.append(and_(facts.country == target["country"], typed))
    return pools


#: the projection's columns a candidate needs (scoring and the answer): not the whole row
_CANDIDATE_COLUMNS = ("object_pk", "stix_id", "occurred", "precision", "country", "admin1", "city", "perpetrator",
                      "killed", "wounded")


def _candidates(conn: Connection, target: Mapping[str, Any], attack_types: Iterable[str],
                where: ColumnElement[bool]) -> dict[int, Any]:
    facts = incident_facts.c
    base = [facts.stix_id != target["stix_id"], on_facts(where)]
    order = [facts.occurred.desc().nulls_last(), facts.object_pk.desc()]
    if target["occurred"] is not None:  # a range of the (country|perpetrator, year) indexes, newest year first
        first = date(max(1, target["occurred"].year - YEARS + 1), 1, 1)
        base += [facts.year >= first, facts.year <= target["occurred"], facts.occurred <= target["occurred"]]
        order.insert(0, facts.year.desc())
    found: dict[int, Any] = {}
    columns = [facts[name] for name in _CANDIDATE_COLUMNS]
    for pool in _pools(target, attack_types):
        query = select(*columns).where(pool, *base).order_by(*order).limit(POOL)
        for row in conn.execute(query):
            found[row.object_pk] = row
    return found


#: candidates whose types are read at once (best group-and-place scores first)
_TERMS_CHUNK = 100


def _base_score(target: Mapping[str, Any], row) -> tuple[float, list[str]]:
    """The group and place parts of the score (what the candidate's projected row alone decides)."""
    score, reasons = 0.0, []
    if is_named_group(target["perpetrator"]) and row.perpetrator == target["perpetrator"]:
        score, reasons = WEIGHTS["group"], ["group"]
    same_country = target["country"] and row.country == target["country"]
    for level in ("city", "admin1", "country"):
        if same_country and known(target[level]) and getattr(row, level) == target[level]:
            score += WEIGHTS[level]
            reasons.append(level)
            break
    return score, reasons


def _score(target: Mapping[str, Any], mine: Mapping[str, set[str]], row, theirs: Mapping[str, set[str]]
           ) -> tuple[float, list[str]]:
    score, reasons = _base_score(target, row)
    for vocab, reason in _VOCABS.items():
        share = _jaccard(mine[vocab], theirs[vocab])
        if share:
            score += WEIGHTS[reason] * share
            reasons.append(reason)
    return round(score, 2), reasons


def _ranked(target: Mapping[str, Any], mine: Mapping[str, set[str]], row, theirs: Mapping[str, set[str]]
            ) -> tuple | None:
    score, reasons = _score(target, mine, row, theirs)
    if score <= 0:
        return None
    gap = abs((target["occurred"] - row.occurred).days) if target["occurred"] and row.occurred else 10 ** 6
    return (-score, gap, row.stix_id, SimilarIncident(
        row.stix_id, row.occurred, row.precision, row.country, row.admin1, row.city, row.perpetrator,
        tuple(sorted(theirs["attack_type"])), tuple(sorted(theirs["weapon_type"])),
        tuple(sorted(theirs["target_type"])), row.killed, row.wounded, score, tuple(reasons)))


def find_similar(conn: Connection, target: Mapping[str, Any], where: ColumnElement[bool], *,
                 limit: int = 10) -> list[SimilarIncident]:
    """The ``limit`` best-scored precedents of ``target`` (an ``incident_facts`` row as a mapping) among the
    incidents ``where`` lets the caller see (a clause over ``stix_objects``).

    Exact, yet it reads the types of few candidates: they are scored best group-and-place part first, and once
    ``limit`` precedents are known the rest is skipped as soon as even full type matches (at most +4.0, only
    for the vocabularies the incident has types in) could not reach
    the ``limit``-th score (a tie would still be read: it may win on the time gap)."""
    limit = max(0, limit)
    mine = _terms(conn, [target["object_pk"]])[target["object_pk"]]
    rows = _candidates(conn, target, mine["attack_type"], where)
    # a Jaccard is 0 when the incident has no type of that vocabulary: only the others can add to a score
    most_from_types = sum(WEIGHTS[reason] for vocab, reason in _VOCABS.items() if mine[vocab])
    base = {pk: _base_score(target, row)[0] for pk, row in rows.items()}
    order = sorted(rows, key=lambda pk: -base[pk])
    ranked: list[tuple] = []
    for start in range(0, len(order) if limit else 0, _TERMS_CHUNK):
        if len(ranked) >= limit:
            ranked.sort(key=lambda item: item[:3])
            del ranked[limit:]
            if round(base[order[start]] + most_from_types, 2) < -ranked[-1][0]:
                break
        chunk = order[start:start + _TERMS_CHUNK]
        theirs = _terms(conn, chunk)
        ranked += filter(None, (_ranked(target, mine, rows[pk], theirs[pk]) for pk in chunk))
    ranked.sort(key=lambda item: item[:3])
    return [item[3] for item in ranked[:limit]]


def group_activity(conn: Connection, group: str | None, until: date, where: ColumnElement[bool]
                   ) -> GroupActivity | None:
    """Visible incidents of ``group`` dated in the 90 and 365 days up to ``until``; None for no named group.
    Incidents known to the day or the month count (a month-precise one at the month's first day, the projection's
    ``occurred``); one known only to its year cannot be placed in such a window and is left out."""
    if not is_named_group(group):
        return None
    facts = incident_facts.c
    recent = facts.occurred > until - timedelta(days=90)

    def within_90(value):
        return func.coalesce(func.sum(case((recent, value), else_=0)), 0)
    query = select(func.count(), func.coalesce(func.sum(facts.killed), 0), func.coalesce(func.sum(facts.wounded), 0),
                   within_90(1), within_90(facts.killed), within_90(facts.wounded)).where(
        facts.perpetrator == group, facts.month.is_not(None), facts.occurred > until - timedelta(days=365),
        facts.occurred <= until, facts.year.in_([date(until.year - 1, 1, 1), date(until.year, 1, 1)]),
        on_facts(where))  # one read of the year: the 90 days are counted inside the 365
    n, k, w, n90, k90, w90 = (int(v) for v in conn.execute(query).one())
    return GroupActivity(str(group), until, Tally(n90, k90, w90), Tally(n, k, w))
