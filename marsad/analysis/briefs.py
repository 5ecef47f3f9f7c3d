"""Incident briefs: what, where, when, who, how, toll, sources, confidence, precedents and the group's activity.

Why like this: the expert team reads a brief within seconds of an incident opening, and must be able to trust
every sentence. So a brief is built only from the incident record and from counts over incidents the reader may
see — fixed templates (:mod:`marsad.analysis.brief_text`) in Arabic, English or French, no generated prose — and
every :class:`Statement` names the record field(s) it came from (``fields``), so the web page can show where each
line comes from and a reviewer can check it. Optional properties that merged incidents carry (``report_refs``,
``report_count``, ``agreement``, ``toll_history``, ``toll_source``, STIX ``confidence``) add lines when present;
imported GTD/ACLED incidents simply lack them. Precedents and activity come from :mod:`marsad.analysis.similar`.

Access: :func:`incident_brief` reads the incident through :func:`~marsad.analysis.incident_view.visible_incident`
— an incident the viewer may not see is :class:`~marsad.errors.NotFound` (audited), exactly like a missing one.
A brief shown is audited as one ``read`` of the incident and of the precedents it lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from marsad.access.audit import record_read
from marsad.access.context import Viewer
from marsad.access.db import Db, connected
from marsad.analysis import brief_text as bt
from marsad.analysis.incident_view import actor_of, visible_incident
from marsad.analysis.similar import GroupActivity, SimilarIncident, find_similar, group_activity, is_named_group
from marsad.analysis.trends import visibility
from marsad.errors import InputError
from marsad.model.countries import country_name, is_country_code
from marsad.model.incident import incident_fields
from marsad.model.organisations import Registry, load_registry
from marsad.model.place_names import arabic_place
from marsad.model.vocab import VOCABULARIES
from marsad.store.incidents import incident_source

__all__ = ["Statement", "Section", "Brief", "EXTRA_FIELDS", "incident_brief", "similar_incidents", "group_name"]

#: optional incident properties a brief reads when present (see docs/contracts: merged incidents carry them)
EXTRA_FIELDS = ("report_refs", "report_count", "agreement", "toll_history", "toll_source", "confidence")


@dataclass(frozen=True)
class Statement:
    """One sentence of a brief and the record fields it states (``similar``/``activity`` name derived counts)."""

    text: str
    fields: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "fields": list(self.fields)}


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    statements: tuple[Statement, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "heading": self.heading, "statements": [s.to_dict() for s in self.statements]}


@dataclass(frozen=True)
class Brief:
    """A brief in one language; ``text`` is the plain form, :meth:`to_dict` the JSON one."""

    incident_id: str
    lang: str
    title: str
    headline: Statement
    sections: tuple[Section, ...]
    similar: tuple[SimilarIncident, ...] = ()
    activity: GroupActivity | None = None
    direction: str = field(default="ltr")

    def to_dict(self) -> dict[str, Any]:
        return {"incident_id": self.incident_id, "lang": self.lang, "direction": self.direction,
                "title": self.title, "headline": self.headline.to_dict(),
                "sections": [s.to_dict() for s in self.sections], "similar": [s.to_dict() for s in self.similar],
                "activity": self.activity.to_dict() if self.activity else None}

    @property
    def text(self) -> str:
        lines = [f"{self.title} — {self.incident_id}", self.headline.text]
        for section in self.sections:
            lines += ["", section.heading + bt.HEADING_END[self.lang], *(f"- {s.text}" for s in section.statements)]
        return "\n".join(lines)


@lru_cache(maxsize=1)
def _registry() -> Registry:
    return load_registry()


def group_name(name: str | None, lang: str) -> str | None:
    """A perpetrator's name in ``lang`` from the organisations registry when it is known there, else as recorded;
    None for no named group."""
    if not is_named_group(name):
        return None
    registry = _registry()
    org = registry.by_gtd_name(str(name)) or next(iter(registry.find(str(name))), None)
    return org.name_in(lang) if org is not None else str(name)


def _labels(key: str, values, lang: str) -> list[str]:
    vocab = VOCABULARIES[key]
    return [vocab.get(v).label(lang) if v in vocab else str(v) for v in values or ()]


def _place(f: Mapping[str, Any], lang: str) -> str | None:
    code = f.get("country")
    country = country_name(code, lang) if code and is_country_code(code) else code
    city, admin1 = f.get("city"), f.get("admin1")
    if lang == "ar" and code:
        admin1_ar = arabic_place(admin1, code, "admin1", None) if bt.known(admin1) else admin1
        city = arabic_place(city, code, "city", admin1) if bt.known(city) else city
        admin1 = admin1_ar
    parts = list(dict.fromkeys(p for p in (city, admin1, country) if bt.known(p)))
    return bt.words(lang)["sep"].join(parts) if parts else None


def _extra(obj: Mapping[str, Any], fields: Mapping[str, Any], key: str) -> Any:
    """An optional merge property (empty = absent): from :func:`incident_fields` (the GTD extension), else a
    top-level property of the same name (objects written by older peers)."""
    value = fields.get(key)
    if value in (None, [], {}, ""):
        value = obj.get(key)
    return None if value in ([], {}, "") else value


_PLACE_FIELDS = ("city", "admin1", "country")


def _headline(f: Mapping[str, Any], lang: str) -> Statement:
    w = bt.words(lang)
    attack = " / ".join(_labels("attack_types", f["attack_types"], lang)) or w["incident"]
    text = w["headline"].format(attack=attack, place=_place(f, lang) or w["no_place"],
                                date=bt.say_date(f["occurred"], f["occurred_precision"], lang))
    return Statement(text, ("attack_types", *_PLACE_FIELDS, "occurred", "occurred_precision"))


def _what_where_when(f: Mapping[str, Any], lang: str) -> list[Section]:
    w = bt.words(lang)
    what = [Statement(w["targets"].format(targets=bt.join(_labels("target_types", f["target_types"], lang), lang)),
                      ("target_types",)) if f["target_types"] else Statement(w["no_targets"], ("target_types",))]
    if f.get("success") is False:
        what.append(Statement(w["failed"], ("success",)))
    place = _place(f, lang)
    where = [Statement(w["place"].format(place=place or w["no_place"]), _PLACE_FIELDS)]
    if f.get("latitude") is not None and f.get("longitude") is not None:
        where.append(Statement(w["coordinates"].format(lat=bt.digits(round(f["latitude"], 4), lang),
                                                       lon=bt.digits(round(f["longitude"], 4), lang)),
                               ("latitude", "longitude")))
    when = [Statement(w["date"].format(date=bt.say_date(f["occurred"], f["occurred_precision"], lang)),
                      ("occurred", "occurred_precision")) if f["occurred"] else Statement(w["undated"], ("occurred",))]
    return [Section("what", w["what"], tuple(what)), Section("where", w["where"], tuple(where)),
            Section("when", w["when"], tuple(when))]


def _who_how(obj: Mapping[str, Any], f: Mapping[str, Any], lang: str) -> list[Section]:
    w = bt.words(lang)
    name = group_name(f["perpetrator"], lang)
    if name is None:
        who = Statement(w["perpetrator_unknown"], ("perpetrator",))
    else:  # machine-extracted or unconfirmed: the group is a suspect; a curated record (GTD, confirmed) attributes
        suspected = incident_source(obj)[0] == "extracted" and f.get("determination") != "confirmed"
        who = Statement(w["perpetrator_suspected" if suspected else "perpetrator"].format(group=name),
                        ("perpetrator", "determination"))
    how = []
    if f["attack_types"]:
        how.append(Statement(w["attack"].format(attack=bt.join(_labels("attack_types", f["attack_types"], lang),
                                                               lang)), ("attack_types",)))
    if f["weapon_types"]:
        how.append(Statement(w["weapons"].format(weapons=bt.join(_labels("weapon_types", f["weapon_types"], lang),
                                                                 lang)), ("weapon_types",)))
    if f.get("suicide"):
        how.append(Statement(w["suicide"], ("suicide",)))
    return [Section("who", w["who"], (who,)),
            Section("how", w["how"], tuple(how) or (Statement(w["no_how"], ("attack_types", "weapon_types")),))]


def _toll(obj: Mapping[str, Any], f: Mapping[str, Any], lang: str) -> Section:
    w = bt.words(lang)
    lines = [Statement(w["toll_line"].format(killed=bt.count_or_unreported(f["killed"], "killed", lang),
                                             wounded=bt.count_or_unreported(f["wounded"], "wounded", lang)),
                       ("killed", "wounded"))]
    if f.get("hostages"):
        lines.append(Statement(w["hostages"].format(hostages=bt.counted(f["hostages"], "hostages", lang)),
                               ("hostages",)))
    history = _extra(obj, f, "toll_history")
    if isinstance(history, list) and len(history) > 1:
        steps = [w["toll_step"].format(
            at=bt.say_date(str(step.get("at") or "")[:10] or None, "day", lang),
            killed=bt.count_or_unreported(step.get("killed"), "killed", lang),
            wounded=bt.count_or_unreported(step.get("wounded"), "wounded", lang),
            report=step.get("report_ref") or "?") for step in history if isinstance(step, Mapping)]
        lines.append(Statement(w["toll_history"].format(steps="; ".join(steps) if lang != "ar" else "؛ ".join(steps)),
                               ("toll_history",)))
    source = _extra(obj, f, "toll_source")
    if source:
        lines.append(Statement(w["toll_source"].format(report=source), ("toll_source",)))
    return Section("toll", w["toll"], tuple(lines))


def _sources(obj: Mapping[str, Any], f: Mapping[str, Any], lang: str) -> list[Section]:
    w = bt.words(lang)
    lines = []
    refs = _extra(obj, f, "report_refs")
    count = _extra(obj, f, "report_count") or (len(refs) if isinstance(refs, list) else None)
    if count:
        lines.append(Statement(w["reports"].format(reports=bt.counted(int(count), "reports", lang)),
                               ("report_count", "report_refs")))
    agreement = _extra(obj, f, "agreement")
    if isinstance(agreement, Mapping) and agreement:
        items = [w["agreement_item"].format(field=w.get(f"f_{key}", key), pct=bt.digits(round(100 * float(v)), lang))
                 for key, v in sorted(agreement.items()) if isinstance(v, (int, float))]
        lines.append(Statement(w["agreement"].format(items=w["sep"].join(items)), ("agreement",)))
    origin, event = incident_source(obj)
    if origin in ("gtd", "acled"):
        lines.append(Statement(w["external"].format(source=origin.upper(), event=event or "?"),
                               ("external_references",)))
    elif not count:
        lines.append(Statement(w[f"origin_{origin}"], ("labels",)))
    edited = _extra(obj, f, "edited_fields")
    if isinstance(edited, list):
        lines.append(Statement(w["edited"].format(fields=bt.join([w.get(f"f_{k}", k) for k in edited], lang)),
                               ("edited_fields",)))
    confidence = _extra(obj, f, "confidence")
    sure = [Statement(w["confidence_value"].format(value=bt.digits(confidence, lang)), ("confidence",))
            if isinstance(confidence, int) else Statement(w["confidence_none"], ("confidence",))]
    if f.get("determination"):
        sure.append(Statement(w["determination"].format(status=w.get(f["determination"], f["determination"])),
                              ("determination",)))
    return [Section("sources", w["sources"], tuple(lines)), Section("confidence", w["confidence"], tuple(sure))]


def _similar_section(similar: list[SimilarIncident], lang: str) -> Section:
    w = bt.words(lang)
    lines = []
    for s in similar:
        attack = " / ".join(_labels("attack_types", s.attack_types, lang)) or w["incident"]
        place = _place({"city": s.city, "admin1": s.admin1, "country": s.country}, lang) or w["no_place"]
        why = w["sep"].join(w[f"why_{r}"] for r in s.reasons)
        lines.append(Statement(w["similar_line"].format(
            date=bt.say_date(s.occurred, s.precision, lang), attack=attack, place=place,
            group=group_name(s.perpetrator, lang) or w["unknown_group"],
            killed=bt.counted(s.killed, "killed", lang), why=why, score=bt.digits(s.score, lang)),
            ("similar", s.incident_id)))
    return Section("similar", w["similar"], tuple(lines) or (Statement(w["similar_none"], ("similar",)),))


def _activity_section(activity: GroupActivity | None, lang: str) -> Section:
    w = bt.words(lang)
    if activity is None:
        return Section("activity", w["activity"], (Statement(w["activity_unknown"], ("perpetrator",)),))
    text = w["activity_line"].format(
        group=group_name(activity.group, lang), date=bt.say_date(activity.until, "day", lang),
        n90=bt.counted(activity.last_90.incidents, "incidents", lang),
        k90=bt.counted(activity.last_90.killed, "killed", lang),
        n365=bt.counted(activity.last_365.incidents, "incidents", lang),
        k365=bt.counted(activity.last_365.killed, "killed", lang))
    return Section("activity", w["activity"], (Statement(text, ("activity", "perpetrator", "occurred")),))


def _until(facts: Mapping[str, Any]) -> date | None:
    """The last day of the incident's date at its precision (the end of its month or year)."""
    occurred, precision = facts.get("occurred"), facts.get("precision")
    if occurred is None or precision in (None, "day"):
        return occurred
    if precision == "year":
        return date(occurred.year, 12, 31)
    following = date(occurred.year + occurred.month // 12, occurred.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _check_lang(lang: str) -> str:
    lang = (lang or "").strip().lower()
    if lang not in bt.LANGS:
        raise InputError(f"unknown language {lang!r}; choose one of: {', '.join(bt.LANGS)}")
    return lang


def incident_brief(db: Db, viewer: Viewer | None, incident_id: str, lang: str = "ar", *, similar_limit: int = 5,
                   today: date | None = None, remote_addr: str | None = None) -> Brief:
    """The brief of ``incident_id`` in ``lang`` as ``viewer`` may see it (None: TLP:CLEAR only).

    Group activity counts the 90/365 days up to the end of the incident's date at its precision (``today`` —
    default the current date — for an undated incident), so a brief of a past incident describes the group as it
    was then.
    """
    lang = _check_lang(lang)
    seen = visible_incident(db, viewer, incident_id, via="brief", remote_addr=remote_addr, audit_read=False)
    obj, f = seen.obj, incident_fields(seen.obj)
    where = visibility(viewer)
    with connected(db) as conn:
        similar = find_similar(conn, seen.facts, where, limit=similar_limit)
        activity = group_activity(conn, f["perpetrator"], _until(seen.facts) or today or date.today(), where)
    record_read(db, actor_of(viewer), [obj["id"], *(s.incident_id for s in similar)], via="brief",
                remote_addr=remote_addr)
    sections = [*_what_where_when(f, lang), *_who_how(obj, f, lang), _toll(obj, f, lang), *_sources(obj, f, lang),
                _similar_section(similar, lang), _activity_section(activity, lang)]
    return Brief(str(obj["id"]), lang, bt.words(lang)["title"], _headline(f, lang), tuple(sections), tuple(similar),
                 activity, "rtl" if lang == "ar" else "ltr")


def similar_incidents(db: Db, viewer: Viewer | None, incident_id: str, *, limit: int = 10,
                      remote_addr: str | None = None) -> list[SimilarIncident]:
    """The ``limit`` best precedents of ``incident_id`` among incidents ``viewer`` may see (scored as documented
    in :mod:`marsad.analysis.similar`); NotFound, audited, if the viewer may not see the incident itself."""
    seen = visible_incident(db, viewer, incident_id, via="similar", remote_addr=remote_addr, audit_read=False)
    with connected(db) as conn:
        found = find_similar(conn, seen.facts, visibility(viewer), limit=max(1, min(int(limit), 100)))
    record_read(db, actor_of(viewer), [seen.obj["id"], *(s.incident_id for s in found)], via="similar",
                remote_addr=remote_addr)
    return found
