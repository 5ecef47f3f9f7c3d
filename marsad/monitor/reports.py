"""One queued item as the pipeline files it: its marking, its extraction record and its STIX ``report``.

Why a module of its own: the same item must always give the same report (a retried batch re-creates exactly
what a killed worker was writing, so a re-put is ``unchanged``, never a second report) and the same marking
on every object made from it. So the report id is UUIDv5 of the source, the item key and the content hash,
and its timestamps are the moment the item was fetched.

Markings: an open-source item is TLP:CLEAR; a member state's submission carries what its submitter chose in
``item.metadata`` (``tlp``, ``release_to``, ``created_by_ref``), and the releasability marking-definition it
needs is stored with it. What the officer stated in ``metadata["fields"]`` wins over the machine's fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from marsad.model.ids import stable_id
from marsad.model.markings import TLP_MARKING_IDS, Tlp, normalise_release_to, releasability_marking
from marsad.monitor.extract import FIELDS
from marsad.monitor.items import SourceItem

__all__ = ["ItemMarking", "item_marking", "apply_officer_fields", "report_id_of", "report_object",
           "stix_time", "DESCRIPTION_LIMIT"]

#: the report's description is the item's text, bounded (the full text stays in the queue row)
DESCRIPTION_LIMIT = 20_000
#: officer field names that differ from the extraction record's
_FIELD_ALIASES = {"occurred": "date"}


@dataclass(frozen=True)
class ItemMarking:
    """How an item and everything filed from it is marked: TLP, release list, originator, definitions to store."""

    tlp: str
    release_to: tuple[str, ...]
    created_by_ref: str | None
    marking_refs: tuple[str, ...]
    definitions: tuple[dict, ...]


def item_marking(item: SourceItem) -> ItemMarking:
    """The marking of ``item``: TLP:CLEAR for open sources, the submitter's choice for a submission
    (:class:`~marsad.errors.InputError` for a TLP or release list that is not valid)."""
    meta = item.metadata or {}
    tlp = Tlp.parse(meta.get("tlp") or "clear")
    listed = meta.get("release_to") or ()
    release = tuple(normalise_release_to(listed)) if listed else ()
    refs = [TLP_MARKING_IDS[tlp]]
    definitions: list[dict] = []
    if release:
        definition = releasability_marking(release)
        refs.append(definition["id"])
        definitions.append(definition)
    creator = meta.get("created_by_ref") or None
    return ItemMarking(tlp.value, release, creator, tuple(refs), tuple(definitions))


def apply_officer_fields(record: Mapping[str, Any], fields: Mapping[str, Any] | None) -> dict:
    """The extraction ``record`` with the officer's stated fields put over the machine's (a stated field
    wins even when the machine found nothing; an officer's report with stated fields is an incident)."""
    out = dict(record)
    stated = {_FIELD_ALIASES.get(k, k): v for k, v in (fields or {}).items()}
    changed = False
    for name in FIELDS:
        if name in stated and name != "id" and stated[name] not in (None, "", []):
            out[name] = stated[name]
            changed = True
    if changed and "is_incident" not in stated:
        out["is_incident"] = True
        out["incident_probability"] = max(float(out.get("incident_probability") or 0.0), 0.5)
    return out


def report_id_of(item: SourceItem) -> str:
    """The item's report id: the same item (source, key, content) always gives the same id."""
    return stable_id("report", f"{item.source_id}|{item.key}|{item.content_hash}")


def stix_time(value: datetime) -> str:
    """A STIX timestamp (UTC, milliseconds)."""
    value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def report_object(item: SourceItem, marking: ItemMarking, *, report_id: str, object_refs: list[str],
                  lang: str | None, source_name: str | None) -> dict:
    """The STIX ``report`` of ``item``: name = title, description = text (bounded), published, the incident
    and related objects it reports, where it came from, its language and marking."""
    created = stix_time(item.fetched_at)
    text = item.text or item.title
    obj: dict[str, Any] = {
        "type": "report", "spec_version": "2.1", "id": report_id, "created": created, "modified": created,
        "name": (item.title or text[:200] or item.key)[:1000],
        "description": text[:DESCRIPTION_LIMIT],
        "published": stix_time(item.published or item.fetched_at),
        "report_types": ["incident"],
        "object_refs": list(dict.fromkeys(object_refs)),
        "object_marking_refs": list(marking.marking_refs),
    }
    fallback = "marsad-submission" if item.source_id is None else f"source-{item.source_id}"
    reference = {"source_name": source_name or fallback, "external_id": item.key}
    if item.url:
        reference["url"] = item.url
    obj["external_references"] = [reference]
    if lang in ("ar", "en", "fr"):
        obj["lang"] = lang
    if marking.created_by_ref:
        obj["created_by_ref"] = marking.created_by_ref
    return obj
