"""Turning one validated STIX object (a dict) into the column values of its ``stix_objects`` row.

Why its own module: the version key, content hash, markings and search text must be computed the same way
for every write path (TAXII add, monitor, import), and be testable without a database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from marsad.errors import InvalidSTIX
from marsad.model.markings import read_markings
from marsad.store.search import search_text_of
from marsad.store.timestamps import EPOCH, parse_timestamp

__all__ = [
    "canonical_json", "content_hash", "version_key", "ObjectRow", "build_row", "MarkingReader", "default_marking_reader",
]

#: (object, marking-definitions by id) -> (tlp, release_to)
MarkingReader = Callable[[Mapping[str, Any], Mapping[str, Mapping]], tuple[str | None, list[str] | None]]


#: the encoder :func:`json.dumps` would build for these options on every call, built once
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(obj: Mapping[str, Any]) -> str:
    """Sorted keys, no insignificant spaces, UTF-8 kept: equal objects give equal text."""
    return _CANONICAL.encode(obj)


def content_hash(obj: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of ``obj``."""
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()


#: parsed timestamps by string (a bundle's objects often share ``created``, and ``created`` == ``modified``)
_parse_text = lru_cache(maxsize=8192)(parse_timestamp)


def _timestamp(obj: Mapping[str, Any], key: str) -> datetime | None:
    value = obj.get(key)
    if value is None:
        return None
    try:
        return _parse_text(value) if isinstance(value, str) else parse_timestamp(value)
    except ValueError as exc:
        raise InvalidSTIX(f"{obj.get('id', 'object')}: {key} {exc}") from None


def version_key(obj: Mapping[str, Any]) -> datetime:
    """The version of an object: ``modified``, else ``created``, else the epoch (objects without versions)."""
    return _timestamp(obj, "modified") or _timestamp(obj, "created") or EPOCH


def default_marking_reader(obj: Mapping[str, Any], definitions: Mapping[str, Mapping]):
    """TLP level and release list by :func:`marsad.model.markings.read_markings` (strictest TLP, intersection
    of release lists); :class:`~marsad.errors.UnknownMarking` for a marking neither TLP nor resolvable."""
    markings = read_markings(dict(obj), definitions.get)
    return markings.tlp, markings.release_to


@dataclass
class ObjectRow:
    """Column values for one version, plus what is needed to place it (``key`` = (stix_id, modified))."""

    values: dict[str, Any]
    key: tuple[str, datetime]
    release_to: list[str] | None = field(default=None)
    #: the canonical JSON of the object (what ``content_hash`` hashes), stored as is on SQLite
    json: str = field(default="", repr=False)


def build_row(obj: Mapping[str, Any]) -> ObjectRow:
    """Row values of ``obj`` without markings (they need the bundle's marking-definitions: see ``writes``)."""
    stix_id, stix_type = obj.get("id"), obj.get("type")
    if not isinstance(stix_id, str) or not isinstance(stix_type, str) or "--" not in stix_id:
        raise InvalidSTIX(f"object without a valid id and type: {str(stix_id)[:80]!r}")
    modified = version_key(obj)
    refs = obj.get("object_marking_refs") or []
    text = canonical_json(obj)
    values = {
        "stix_id": stix_id,
        "type": stix_type,
        "spec_version": str(obj.get("spec_version") or "2.1"),
        "created": _timestamp(obj, "created"),
        "modified": modified,
        "created_by_ref": obj.get("created_by_ref"),
        "marking_refs": list(refs),
        "revoked": bool(obj.get("revoked", False)),
        "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "search_text": search_text_of(obj),
        "object": dict(obj),
    }
    return ObjectRow(values=values, key=(stix_id, modified), json=text)
