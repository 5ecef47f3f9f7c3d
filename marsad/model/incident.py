"""Terrorist incidents as STIX ``incident`` objects with the GTD codebook fields.

Why: STIX 2.1's incident is nearly empty (a name and a description), while counter-terrorism analysis needs
the Global Terrorism Database's fields — attack, target and weapon types, casualties, place, date with its
precision, perpetrator. They travel in a Marsad property extension (an ``extension-definition`` whose
JSON schema ships in ``marsad/data/schemas/incident-gtd.json`` and is embedded in the definition, so an
air-gapped peer has it too). Where OASIS already has a field, Marsad uses it: the Incident Core Extension
(``extension-definition--ef765651-…``) carries ``determination`` (suspected / confirmed / false-positive)
and ``investigation_status`` (new / open / closed).

Vocabulary values are GTD's English names (``marsad.model.vocab``); people see the ar/en/fr labels from
:func:`field_labels`. ``occurred`` is a date (YYYY-MM-DD) with ``occurred_precision`` day, month or year;
at month precision the day is 01, at year precision month and day are 01.

An incident merged from several reports also carries its provenance in the extension (:data:`MERGE_FIELDS`,
schema 1.1.0): ``report_refs`` (the STIX ``report`` ids that fed it), ``report_count``, ``agreement``
({field: share of reports that agree with the shown value, 0..1}), ``toll_history`` (every toll reported, oldest
first, each with the report it came from), ``toll_source`` (the report of the shown toll) and
``edited_fields`` (fields an analyst set, which machine updates never overwrite). The STIX common property
``confidence`` (0–100) says how sure the merge is.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

import stix2

from marsad.errors import InputError
from marsad.model.countries import DATA_DIR, country, is_country_code
from marsad.model.ids import MARSAD_IDENTITY_ID, REFERENCE_TIMESTAMP
from marsad.model.markings import KEEP, mark
from marsad.model.vocab import ATTACK_TYPES, TARGET_TYPES, THEMES, VOCABULARIES, WEAPON_TYPES

__all__ = [
    "GTD_EXTENSION_ID",
    "INCIDENT_CORE_EXTENSION_ID",
    "GTD_FIELDS",
    "MERGE_FIELDS",
    "SCHEMA_FILE",
    "DETERMINATIONS",
    "INVESTIGATION_STATUSES",
    "PRECISIONS",
    "incident_schema",
    "gtd_extension_definition",
    "incident_core_extension_definition",
    "make_incident",
    "gtd_extension",
    "incident_fields",
    "field_labels",
    "stix_now",
]

GTD_EXTENSION_ID = "extension-definition--1097fdc9-aa26-4473-bf8b-f31c6152a68a"
INCIDENT_CORE_EXTENSION_ID = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
SCHEMA_FILE: Path = DATA_DIR / "schemas" / "incident-gtd.json"
DETERMINATIONS = ("suspected", "confirmed", "false-positive")
INVESTIGATION_STATUSES = ("new", "open", "closed")
PRECISIONS = ("day", "month", "year")
_LIST_FIELDS = ("attack_types", "target_types", "weapon_types", "themes")
_COUNT_FIELDS = ("killed", "wounded", "hostages")
_FLAG_FIELDS = ("suicide", "success")
_TEXT_FIELDS = ("country", "admin1", "city", "perpetrator")
GTD_FIELDS = ("occurred", "occurred_precision", *_LIST_FIELDS, *_COUNT_FIELDS, *_FLAG_FIELDS, *_TEXT_FIELDS,
              "latitude", "longitude")
#: provenance of a merged incident (see the module docstring)
MERGE_FIELDS = ("report_refs", "report_count", "agreement", "toll_history", "toll_source", "edited_fields")
_SCHEMA_VERSION = "1.1.0"
_SCHEMA_MODIFIED = "2026-11-23T00:00:00.000Z"
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def incident_schema() -> dict:
    """The JSON schema of the Marsad GTD property extension (vocabulary enums from ``marsad.model.vocab``)."""
    def names(vocab):
        return {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(vocab.names)}}

    count = {"type": "integer", "minimum": 0}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": f"marsad:incident-gtd:{_SCHEMA_VERSION}",
        "title": "Marsad incident GTD extension",
        "description": "Global Terrorism Database codebook fields of a STIX incident (property extension).",
        "type": "object",
        "required": ["extension_type"],
        "additionalProperties": False,
        "properties": {
            "extension_type": {"enum": ["property-extension"]},
            "occurred": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            "occurred_precision": {"enum": list(PRECISIONS)},
            "attack_types": names(ATTACK_TYPES),
            "target_types": names(TARGET_TYPES),
            "weapon_types": names(WEAPON_TYPES),
            "themes": names(THEMES),
            "killed": count,
            "wounded": count,
            "hostages": count,
            "suicide": {"type": "boolean"},
            "success": {"type": "boolean"},
            "country": {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2"},
            "admin1": {"type": "string", "minLength": 1},
            "city": {"type": "string", "minLength": 1},
            "latitude": {"type": "number", "minimum": -90, "maximum": 90},
            "longitude": {"type": "number", "minimum": -180, "maximum": 180},
            "perpetrator": {"type": "string", "minLength": 1},
            **_merge_schema(count),
        },
        "dependencies": {"occurred_precision": ["occurred"], "latitude": ["longitude"], "longitude": ["latitude"]},
    }


def _merge_schema(count: dict) -> dict:
    report = {"type": "string", "pattern": "^report--"}
    toll = {"type": "object", "required": ["at", "report_ref"], "additionalProperties": False,
            "properties": {"at": {"type": "string"}, "killed": count, "wounded": count, "report_ref": report}}
    return {
        "report_refs": {"type": "array", "uniqueItems": True, "items": report},
        "report_count": count,
        "agreement": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1}},
        "toll_history": {"type": "array", "items": toll},
        "toll_source": report,
        "edited_fields": {"type": "array", "uniqueItems": True, "items": {"type": "string"}},
    }


def gtd_extension_definition() -> dict:
    """The Marsad extension-definition of the GTD incident fields, its JSON schema embedded."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": GTD_EXTENSION_ID,
        "created_by_ref": MARSAD_IDENTITY_ID,
        "created": REFERENCE_TIMESTAMP,
        "modified": _SCHEMA_MODIFIED,
        "name": "Marsad incident GTD fields",
        "description": "Global Terrorism Database codebook fields of a terrorist incident: attack, target and weapon "
        "types (GTD English names), killed, wounded, hostages, suicide, success, occurred date and its precision, "
        "themes, place (ISO country, admin1, city, latitude, longitude) and perpetrator name; for an incident merged "
        "from several reports, the report ids, per-field agreement, toll history and analyst-edited fields.",
        "schema": json.dumps(incident_schema(), ensure_ascii=False, separators=(",", ":")),
        "version": _SCHEMA_VERSION,
        "extension_types": ["property-extension"],
    }


def incident_core_extension_definition() -> dict:
    """The OASIS Incident Core Extension's extension-definition, as published in cti-stix-common-objects."""
    return {
        "id": INCIDENT_CORE_EXTENSION_ID,
        "type": "extension-definition",
        "spec_version": "2.1",
        "name": "Incident Core Extension",
        "description": "A core extension of the Incident object to allow core details of the Incident to be shared "
        "while tracking major details tied to the incident's timeline.  Multiple Incidents can be tied together "
        "via relationships if a higher degree of fidelity is needed across phases.",
        "created": "2020-10-19T20:51:00.000Z",
        "modified": "2022-10-27T15:09:00.000Z",
        "created_by_ref": "identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a",
        "schema": "https://github.com/oasis-open/cti-stix-common-objects/tree/main/extension-definition-specifications/"
        "incident-core",
        "version": "1.1.0",
        "extension_types": ["property-extension"],
    }


def stix_now() -> str:
    """Now as a STIX timestamp with millisecond precision."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _occurred(value: date | datetime | str, precision: str | None) -> tuple[str, str]:
    """(ISO date, precision) of an occurred value; remembered for text and dates (every version of every incident
    checks its date again, and incidents share a few thousand dates; an invalid one raises each time). Not for
    datetimes: two of one instant in other zones are equal keys with different dates."""
    if type(value) in (str, date) and (precision is None or type(precision) is str):
        return _occurred_known(value, precision)
    return _occurred_of(value, precision)


@functools.lru_cache(maxsize=4096)
def _occurred_known(value: date | datetime | str, precision: str | None) -> tuple[str, str]:
    return _occurred_of(value, precision)


def _occurred_of(value: date | datetime | str, precision: str | None) -> tuple[str, str]:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        parts, given = [value.year, value.month, value.day], "day"
    else:
        match = _DATE.match(str(value).strip())
        if not match:
            raise InputError(f"occurred {value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
        parts = [int(p) if p else 1 for p in match.groups()]
        given = PRECISIONS[2 - sum(1 for p in match.groups()[1:] if p)]
    precision = precision or given
    if precision not in PRECISIONS:
        raise InputError(f"occurred_precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    if PRECISIONS.index(precision) < PRECISIONS.index(given):
        raise InputError(f"occurred {value!r} is not precise to the {precision}")
    keep = 3 - PRECISIONS.index(precision)
    parts = parts[:keep] + [1] * (3 - keep)
    try:
        return date(*parts).isoformat(), precision
    except ValueError:
        raise InputError(f"occurred {value!r} is not a real date") from None


def _gtd_properties(fields: dict) -> dict:
    ext: dict = {"extension_type": "property-extension"}
    if fields.get("occurred") is not None:
        ext["occurred"], ext["occurred_precision"] = _occurred(fields["occurred"], fields.get("occurred_precision"))
    for key in _LIST_FIELDS:
        values = list(dict.fromkeys(fields.get(key) or ()))
        if values:
            ext[key] = VOCABULARIES[key].validate(values)
    for key in _COUNT_FIELDS:
        value = fields.get(key)
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputError(f"{key} must be a whole number of people, 0 or more (got {value!r})")
            ext[key] = value
    for key in _FLAG_FIELDS:
        if fields.get(key) is not None:
            if not isinstance(fields[key], bool):
                raise InputError(f"{key} must be true or false (got {fields[key]!r})")
            ext[key] = fields[key]
    _place(fields, ext)
    if fields.get("perpetrator") and str(fields["perpetrator"]).strip():
        ext["perpetrator"] = str(fields["perpetrator"]).strip()
    _merge_properties(fields, ext)
    return ext


def gtd_extension(fields: dict) -> dict:
    """The GTD property extension of ``fields`` (checked as :func:`make_incident` checks them), for callers that
    build incident dicts of a shape they test themselves (the pipeline's composed versions) without stix2's
    object validation."""
    return _gtd_properties(fields)


def _merge_properties(fields: dict, ext: dict) -> None:
    # loops rather than any(generator): a merged incident's version checks every report ref and share again
    refs = list(dict.fromkeys(fields.get("report_refs") or ()))
    for ref in refs:
        if not str(ref).startswith("report--"):
            raise InputError("report_refs must be STIX report ids")
    if refs:
        ext["report_refs"] = refs
    if fields.get("report_count") is not None:
        ext["report_count"] = int(fields["report_count"])
    agreement = fields.get("agreement") or {}
    shares = []
    for v in agreement.values():  # each converted then checked, in order, as before
        share = float(v)
        if not 0 <= share <= 1:
            raise InputError("agreement values are shares between 0 and 1")
        shares.append(share)
    if agreement:
        ext["agreement"] = {str(k): round(share, 3) for k, share in zip(agreement, shares)}
    history = [{k: v for k, v in entry.items() if v is not None} for entry in fields.get("toll_history") or ()]
    if history:
        ext["toll_history"] = history
    if fields.get("toll_source"):
        ext["toll_source"] = str(fields["toll_source"])
    edited = list(dict.fromkeys(fields.get("edited_fields") or ()))
    if edited:
        ext["edited_fields"] = edited


def _place(fields: dict, ext: dict) -> None:
    if fields.get("country"):
        code = country(fields["country"]).code  # InputError for an unknown code
        ext["country"] = code
    for key in ("admin1", "city"):
        if fields.get(key) and str(fields[key]).strip():
            ext[key] = str(fields[key]).strip()
    lat, lon = fields.get("latitude"), fields.get("longitude")
    if (lat is None) != (lon is None):
        raise InputError("latitude and longitude go together: give both or neither")
    if lat is not None:
        for key, value, limit in (("latitude", lat, 90), ("longitude", lon, 180)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not -limit <= value <= limit:
                raise InputError(f"{key} must be a number between -{limit} and {limit} (got {value!r})")
        ext["latitude"], ext["longitude"] = float(lat), float(lon)


def make_incident(name: str, *, description: str | None = None, determination: str = "suspected",
                  investigation_status: str = "new", incident_id: str | None = None, created: str | None = None,
                  modified: str | None = None, created_by_ref: str | None = None, tlp=None, release_to=None,
                  external_references: list[dict] | None = None, labels: list[str] | None = None,
                  confidence: int | None = None, lang: str | None = None, revoked: bool = False, **gtd) -> dict:
    """A STIX incident (plain dict) with the Incident Core and GTD extensions.

    GTD keyword arguments: occurred (date, datetime or "YYYY[-MM[-DD]]"), occurred_precision, attack_types,
    target_types, weapon_types, themes (vocabulary names), killed, wounded, hostages, suicide, success,
    country (ISO code), admin1, city, latitude, longitude, perpetrator, and the provenance of a merged
    incident (:data:`MERGE_FIELDS`). Bad values raise :class:`InputError` naming the field. ``tlp``/``release_to`` set markings (see :func:`marsad.model.markings.mark`).
    """
    unknown = sorted(set(gtd) - set(GTD_FIELDS) - set(MERGE_FIELDS))
    if unknown:
        raise InputError(f"make_incident: unknown field {unknown[0]!r}")
    if determination not in DETERMINATIONS:
        raise InputError(f"determination must be one of {', '.join(DETERMINATIONS)}, not {determination!r}")
    if investigation_status not in INVESTIGATION_STATUSES:
        raise InputError(f"investigation_status must be one of {', '.join(INVESTIGATION_STATUSES)}")
    if not name or not str(name).strip():
        raise InputError("an incident needs a name")
    created = created or stix_now()
    props = {
        "id": incident_id or f"incident--{uuid.uuid4()}",
        "created": created,
        "modified": modified or created,
        "name": str(name).strip(),
        "extensions": {
            INCIDENT_CORE_EXTENSION_ID: {"extension_type": "property-extension", "determination": determination,
                                         "investigation_status": investigation_status},
            GTD_EXTENSION_ID: _gtd_properties(gtd),
        },
    }
    optional = {"description": description, "created_by_ref": created_by_ref, "labels": labels,
                "external_references": external_references, "confidence": confidence, "lang": lang,
                "revoked": revoked or None}
    props.update({k: v for k, v in optional.items() if v is not None and v != []})
    try:
        obj = json.loads(stix2.v21.Incident(**props).serialize())
    except stix2.exceptions.STIXError as exc:
        raise InputError(f"incident {props['id']}: {exc}") from None
    if tlp is not None or release_to is not None:
        obj = mark(obj, tlp=tlp if tlp is not None else KEEP, release_to=release_to if release_to is not None else KEEP)
    return obj


def incident_fields(obj) -> dict:
    """The incident's fields, flat: id, name, description, created, modified, determination,
    investigation_status, confidence, every GTD field and the merge provenance (:data:`MERGE_FIELDS`; lists
    default to [], agreement to {}, others to None)."""
    data = json.loads(obj.serialize()) if hasattr(obj, "serialize") else obj
    extensions = data.get("extensions") or {}
    core = extensions.get(INCIDENT_CORE_EXTENSION_ID) or {}
    ext = extensions.get(GTD_EXTENSION_ID) or {}
    out = {key: data.get(key) for key in ("id", "name", "description", "created", "modified")}
    out["determination"] = core.get("determination")
    out["investigation_status"] = core.get("investigation_status")
    for key in GTD_FIELDS:
        out[key] = list(ext.get(key) or []) if key in _LIST_FIELDS else ext.get(key)
    out["confidence"] = data.get("confidence")
    for key in ("report_refs", "toll_history", "edited_fields"):
        out[key] = list(ext.get(key) or [])
    out["agreement"] = dict(ext.get("agreement") or {})
    out["report_count"], out["toll_source"] = ext.get("report_count"), ext.get("toll_source")
    return out


def field_labels(fields: dict, lang: str = "ar") -> dict:
    """Vocabulary fields and the country of ``fields`` (from :func:`incident_fields`) as labels in ``lang``;
    values that are not in a vocabulary are shown as they are."""
    out = {}
    for key in _LIST_FIELDS:
        vocab = VOCABULARIES[key]
        out[key] = [vocab.get(v).label(lang) if v in vocab else v for v in fields.get(key) or ()]
    code = fields.get("country")
    out["country"] = country(code).name(lang) if code and is_country_code(code) else code
    return out
