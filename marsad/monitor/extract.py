"""Extraction: one news report (Arabic, English or French) → one structured incident record.

Why one orchestrator: the monitoring pipeline, the ``marsad extract`` command and tests all need the same
record with the same fields in the same order (:data:`FIELDS`). This module detects the language,
featurises the text once, runs relevance and typing on the shared features, and calls the dedicated
readers for date, casualties, place and perpetrator.

Policy for reports that are *not* incidents (``is_incident`` false): the probability, language, date,
place, named perpetrator (never "Unknown") and themes are still filled — analysts use them on policy news
too — but attack/target/weapon types are ``[]`` and killed/wounded ``null``, because they only mean
something for an incident. For incidents with no named group, ``perpetrator`` is "Unknown"; for other reports it is null then.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from marsad.errors import InputError
from marsad.monitor.casualties import find_casualties
from marsad.monitor.dates import find_incident_date
from marsad.monitor.features import featurise
from marsad.monitor.incident_types import types_from_features
from marsad.monitor.language import detect_language
from marsad.monitor.models import load_models
from marsad.monitor.perpetrators import UNKNOWN, find_perpetrator
from marsad.monitor.places import find_places
from marsad.monitor.relevance import relevance_from_features
from marsad.monitor.themes import themes_from_tokens


__all__ = ["FIELDS", "IncidentRecord", "extract", "extract_report", "extract_batch", "extract_lines"]

#: the output fields, in output order (the `marsad extract` JSON Lines contract)
FIELDS = (
    "id", "is_incident", "incident_probability", "lang", "date", "country", "admin1", "city", "latitude",
    "longitude", "perpetrator", "attack_types", "target_types", "weapon_types", "killed", "wounded", "themes",
)
_MAX_TEXT = 200_000


@dataclass
class IncidentRecord:
    """What Marsad extracted from one report; :meth:`to_dict` gives the JSON Lines record."""

    id: str | None
    is_incident: bool
    incident_probability: float
    lang: str
    date: str | None = None
    country: str | None = None
    admin1: str | None = None
    city: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    perpetrator: str | None = None
    attack_types: list[str] = field(default_factory=list)
    target_types: list[str] = field(default_factory=list)
    weapon_types: list[str] = field(default_factory=list)
    killed: int | None = None
    wounded: int | None = None
    themes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in FIELDS}


def _published(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise InputError(f"'published' must be a date written YYYY-MM-DD, not {value!r}")


def _place(record: IncidentRecord, text: str, lang: str) -> None:
    place = find_places(text, lang)
    record.country, record.admin1, record.city = place.country, place.admin1, place.city
    record.latitude = None if place.latitude is None else round(float(place.latitude), 5)
    record.longitude = None if place.longitude is None else round(float(place.longitude), 5)


def _perpetrator(text: str, lang: str, country: str | None, is_incident: bool) -> str | None:
    name = find_perpetrator(text, lang, country=country).name
    if name and name != UNKNOWN:
        return name
    return UNKNOWN if is_incident else None


def extract(text: str, *, title: str | None = None, published: str | date | None = None,
            lang: str | None = None, id: str | None = None) -> IncidentRecord:
    """Extract the incident record of one report.

    ``lang`` is the source's declared language (a hint; the text decides); ``published`` (YYYY-MM-DD or a
    date) anchors relative dates ("yesterday", "أمس", "hier"). Raises :class:`InputError` for a text that is
    not a string or a malformed ``published``.
    """
    if not isinstance(text, str):
        raise InputError("'text' must be a string")
    if title is not None and not isinstance(title, str):
        raise InputError("'title' must be a string")
    pub = _published(published)
    text = text[:_MAX_TEXT]
    full = f"{title}\n\n{text}" if title else text
    detected = detect_language(full, lang if isinstance(lang, str) else None)
    feats = featurise(text, title, detected)
    models = load_models()
    scores = models.raw(feats, detected)
    relevance = relevance_from_features(feats, detected, models, scores)
    record = IncidentRecord(id, relevance.is_incident, relevance.probability, detected)
    reader_lang = detected if detected in ("ar", "en", "fr") else "en"
    found = find_incident_date(text, reader_lang, pub)
    if found.date is None and title:
        found = find_incident_date(title, reader_lang, pub)
    record.date = found.date.isoformat() if found.date is not None else None
    _place(record, full, reader_lang)
    record.perpetrator = _perpetrator(full, reader_lang, record.country, relevance.is_incident)
    record.themes = themes_from_tokens(feats.tokens, detected)
    if relevance.is_incident:
        types = types_from_features(feats, detected, models, scores)
        record.attack_types, record.target_types = types.attack_types, types.target_types
        record.weapon_types = types.weapon_types
        toll = find_casualties(text, reader_lang)
        if toll.killed is None and toll.wounded is None and title:
            toll = find_casualties(title, reader_lang)
        record.killed, record.wounded = toll.killed, toll.wounded
    return record


def _error(message: str, report_id=None) -> dict:
    out = {"id": report_id} if report_id is not None else {}
    out["error"] = message
    return out


def extract_report(report: Mapping) -> dict:
    """One input object (``{"id", "text", "title"?, "published"?, "lang"?}``) → its output record as a dict,
    or ``{"id"?, "error"}`` naming what is wrong with it. Never raises for bad input."""
    if not isinstance(report, Mapping):
        return _error("each line must be a JSON object")
    report_id = report.get("id")
    if report_id is not None and not isinstance(report_id, str):
        report_id = str(report_id)
    if "text" not in report or report.get("text") is None:
        return _error("the report has no 'text'", report_id)
    try:
        return extract(report["text"], title=report.get("title"), published=report.get("published"),
                       lang=report.get("lang"), id=report_id).to_dict()
    except InputError as exc:
        return _error(exc.message, report_id)


def extract_batch(reports: Iterable[Mapping]) -> list[dict]:
    """:func:`extract_report` over many reports, in order (the monitoring pipeline's entry point)."""
    return [extract_report(r) for r in reports]


def extract_lines(lines: Iterable[str | bytes]) -> Iterator[str]:
    """JSON Lines in (text or UTF-8 bytes) → JSON Lines out, one output line per non-blank input line, in
    order; a line that is not UTF-8 or not JSON gets an error line naming its line number."""
    for number, line in enumerate(lines, 1):
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield json.dumps(_error(f"line {number} is not valid UTF-8"))
                continue
        if not line.strip():
            continue
        try:
            report = json.loads(line)
        except ValueError as exc:
            yield json.dumps(_error(f"line {number} is not valid JSON ({exc.msg})"), ensure_ascii=False)
            continue
        yield json.dumps(extract_report(report), ensure_ascii=False)
