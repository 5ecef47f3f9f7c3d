"""Reading STIX 2.1 from users and peers: decode, check, map markings, hand plain dicts to the store.

Why: everything that enters Marsad — a TAXII POST, a file import, a federation pull — passes through
:func:`parse_stix`, so bad input is refused once, here, with a message naming the object and the reason,
and nothing half-valid reaches the store.

Accepted shapes: a bundle, a single object, a JSON list of objects (or bundles), or JSON Lines (one object
or bundle per line). Checks, in order: size (``TooLarge``), JSON (``InvalidJSON``, with the line for JSON
Lines), object count (``TooLarge``), STIX 2.1 (``InvalidSTIX``: spec_version 2.1, id form, required and
timestamp/reference/list properties), markings (``UnknownMarking``).

Speed: ``stix2.parse`` runs at roughly 2,500 (indicators: pattern parsing) to 9,500 objects/s here and the
stix2-validator at ~500/s, short of the ~10k/s an import needs. So the default check is a fast structural
one driven by ``stix2``'s own class definitions (which properties each type requires, which are timestamps,
references, lists, integers, booleans); ``thorough=True`` adds ``stix2.parse`` for each object (patterns,
vocabularies, value ranges). The test suite runs the stix2-validator on what Marsad writes.

Markings: TLP 1.0 and OpenCTI TLP ids become the OASIS TLP 2.0 ids; marking-definitions that express TLP in
another form are recognised by content and their refs mapped too. TLP marking-definitions in the input are
not returned (Marsad has the canonical ones built in). Returned dicts are copies; timestamps stay the STIX
strings they came as.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache

import stix2
import stix2.registry
from stix2 import properties as P

from marsad.errors import InputError, InvalidJSON, InvalidSTIX, TooLarge, UnknownMarking
from marsad.model.markings import (
    RELEASABILITY_EXTENSION_ID,
    TLP_MARKING_IDS,
    canonical_marking_id,
    normalise_release_to,
    releasability_id,
    tlp_of_definition,
    tlp_of_id,
)

__all__ = ["parse_stix", "decode_stix", "check_object", "STIX_ID_RE"]

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}"
STIX_ID_RE = re.compile(rf"^([a-z0-9][a-z0-9-]{{1,248}}[a-z0-9])--{_UUID}\Z")  # \Z: "$" lets a final newline in
_TIMESTAMP = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?Z\Z")
_PROPERTY_NAME = re.compile(r"^[A-Za-z0-9_]{1,250}\Z")
_MAX_DETAILS = 100
_BUILTIN_MARKINGS = frozenset(TLP_MARKING_IDS.values())


class _Shape:
    """What the fast check needs to know about one STIX type, read from stix2's class."""

    __slots__ = ("required", "timestamps", "refs", "ref_lists", "lists", "integers", "booleans", "strings", "sco")

    def __init__(self, cls, sco: bool):
        props = cls._properties
        self.sco = sco
        self.required = [n for n, p in props.items() if p.required and n not in ("type", "id")]
        if not sco and cls._type not in ("bundle",):
            self.required += ["spec_version", "created"] + ([] if cls._type == "marking-definition" else ["modified"])
        self.timestamps = [n for n, p in props.items() if isinstance(p, P.TimestampProperty)]
        self.refs = [n for n, p in props.items() if isinstance(p, P.ReferenceProperty)]
        self.ref_lists = [n for n, p in props.items()
                          if isinstance(p, P.ListProperty) and isinstance(p.contained, P.ReferenceProperty)]
        self.lists = [n for n, p in props.items() if isinstance(p, P.ListProperty)]
        self.integers = [n for n, p in props.items() if isinstance(p, P.IntegerProperty)]
        self.booleans = [n for n, p in props.items() if isinstance(p, P.BooleanProperty)]
        self.strings = [n for n, p in props.items()
                        if type(p) is P.StringProperty and n not in ("spec_version",)]


def _shapes() -> dict[str, _Shape]:
    maps = stix2.registry.STIX2_OBJ_MAPS["2.1"]
    shapes = {t: _Shape(c, sco=False) for t, c in maps["objects"].items() if t != "bundle"}
    shapes.update({t: _Shape(c, sco=True) for t, c in maps["observables"].items()})
    return shapes


_SHAPES = _shapes()
#: the property names of the STIX 2.1 types (all pass :data:`_PROPERTY_NAME`): a set lookup instead of a regex
#: match for nearly every property of every object
_KNOWN_NAMES = frozenset(name for shape in _SHAPES.values()
                         for name in (*shape.required, *shape.timestamps, *shape.refs, *shape.lists, *shape.integers,
                                      *shape.booleans, *shape.strings, "id", "type", "object_marking_refs")
                         if _PROPERTY_NAME.match(name) and "\n" not in name)
_CUSTOM = _Shape(type("Custom", (), {"_properties": {}, "_type": "x-custom"}), sco=False)
_CUSTOM.required = ["spec_version"]


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@lru_cache(maxsize=4096)
def _is_timestamp(value: str) -> bool:
    """Whether ``value`` is a STIX timestamp; cached because a bundle's objects share their times."""
    return _TIMESTAMP.match(value) is not None


def _check_refs(obj: dict, shape: _Shape) -> str | None:
    for name in shape.refs:
        value = obj.get(name)
        if value is not None and not (isinstance(value, str) and STIX_ID_RE.match(value)):
            return f"{name} is not a STIX identifier: {value!r}"
    for name in shape.ref_lists + ["object_marking_refs"]:
        value = obj.get(name)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) and STIX_ID_RE.match(v) for v in value):
            return f"{name} must be a list of STIX identifiers"
    for ref in obj.get("object_marking_refs") or ():
        if not ref.startswith("marking-definition--"):
            return f"object_marking_refs holds {ref}, which is not a marking-definition"
    return None


def _check_values(obj: dict, shape: _Shape) -> str | None:
    for name, value in obj.items():
        if value is None:
            return f"property {name} is null (STIX leaves absent properties out)"
        if name not in _KNOWN_NAMES and not _PROPERTY_NAME.match(name):
            return f"property name {name!r} is not allowed"
    for name in shape.timestamps:
        value = obj.get(name)
        if value is not None and not (isinstance(value, str) and _is_timestamp(value)):
            return f"{name} is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z): {value!r}"
    for name in shape.lists:
        value = obj.get(name)
        if value is not None and (not isinstance(value, list) or not value):
            return f"{name} must be a non-empty list"
    for name in shape.integers:
        value = obj.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            return f"{name} must be an integer"
    for name in shape.booleans:
        if name in obj and not isinstance(obj[name], bool):
            return f"{name} must be true or false"
    for name in shape.strings:
        if name in obj and not isinstance(obj[name], str):
            return f"{name} must be a string"
    return None


def _check_extensions(obj: dict) -> str | None:
    extensions = obj.get("extensions")
    if extensions is not None:
        if not isinstance(extensions, dict) or not extensions:
            return "extensions must be a non-empty object"
        for key, value in extensions.items():
            if not isinstance(value, dict):
                return f"extension {key} is not an object"
            if key.startswith("extension-definition--") and value.get("extension_type") not in (
                    None, "property-extension", "toplevel-property-extension", "new-sdo", "new-sro", "new-sco"):
                return f"extension {key} has an unknown extension_type {value.get('extension_type')!r}"
    if obj["type"] == "marking-definition":
        return _check_marking_definition(obj)
    return None


def _check_marking_definition(obj: dict) -> str | None:
    if not obj.get("extensions") and not (obj.get("definition_type") and isinstance(obj.get("definition"), dict)):
        return "a marking-definition needs definition_type and definition, or extensions"
    release = (obj.get("extensions") or {}).get(RELEASABILITY_EXTENSION_ID)
    if release is None:
        return None
    entries = release.get("release_to")
    try:
        canonical = normalise_release_to(entries if isinstance(entries, list) else [])
    except InputError as exc:
        return f"releasability marking: {exc.message}"
    if canonical != entries or releasability_id(canonical) != obj["id"]:
        return "releasability marking: its id or release_to list is not the canonical one " \
               f"(release_to must be sorted and unique, id {releasability_id(canonical)})"
    return None


def check_object(obj: object, *, thorough: bool = False) -> str | None:
    """Why ``obj`` is not a valid STIX 2.1 object, or None if it passes (``thorough``: also ``stix2.parse``)."""
    if not isinstance(obj, dict):
        return "not a JSON object"
    stix_type, stix_id = obj.get("type"), obj.get("id")
    if not isinstance(stix_type, str) or not stix_type:
        return "no type"
    if not isinstance(stix_id, str) or not STIX_ID_RE.match(stix_id) or not stix_id.startswith(stix_type + "--"):
        return f"id {stix_id!r} is not of the form {stix_type}--<UUID>"
    shape = _SHAPES.get(stix_type, _CUSTOM)
    version = obj.get("spec_version")
    if version is None and not shape.sco:
        return "no spec_version: only STIX 2.1 objects are accepted (this looks like STIX 2.0)"
    if version is not None and version != "2.1":
        return f"spec_version is {version!r}: only STIX 2.1 objects are accepted"
    missing = [name for name in shape.required if name not in obj]
    if missing:
        return "missing required propert" + ("y " if len(missing) == 1 else "ies ") + ", ".join(missing)
    reason = _check_values(obj, shape) or _check_refs(obj, shape) or _check_extensions(obj)
    if reason:
        return reason
    created, modified = obj.get("created"), obj.get("modified")
    if created is not None and modified is not None and modified != created \
            and _parse_time(modified) < _parse_time(created):
        return "modified is earlier than created"
    if thorough:
        try:
            stix2.parse(obj, allow_custom=True)
        except Exception as exc:  # stix2 raises many classes; its message is the reason
            return str(exc).splitlines()[0][:500]
    return None


def _loads(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as first:
        lines = text.split("\n")  # JSON Lines separates on \n only (not on U+0085, U+2028…)
        if sum(1 for line in lines if line.strip()) < 2 or not _is_json(lines[0]):
            raise InvalidJSON(f"not JSON: {first.msg} at line {first.lineno}, column {first.colno}") from None
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InvalidJSON(f"JSON Lines: line {number} is not JSON: {exc.msg} at column {exc.colno}") from None
    return items


def _is_json(line: str) -> bool:
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    return True


def _flatten(data: object) -> list:
    """Objects out of a bundle, an object, or a list of either."""
    if isinstance(data, dict) and data.get("type") == "bundle":
        if "spec_version" in data and data["spec_version"] != "2.1":
            raise InvalidSTIX(f"bundle {data.get('id')} has spec_version {data.get('spec_version')!r}: "
                              "STIX 2.0 bundles are not accepted, only STIX 2.1")
        objects = data.get("objects", [])
        if not isinstance(objects, list):
            raise InvalidSTIX(f"bundle {data.get('id')}: objects is not a list")
        return list(objects)
    if isinstance(data, list):
        out = []
        for item in data:
            out.extend(_flatten(item) if isinstance(item, dict) and item.get("type") == "bundle" else [item])
        return out
    return [data]


def decode_stix(data: bytes | str | dict | list, *, max_bytes: int | None = None,
                max_objects: int | None = None) -> list:
    """The raw items of ``data`` (not yet checked), after the size and JSON checks."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        if max_bytes is not None and len(data) > max_bytes:
            raise TooLarge(f"input of {len(data):,} bytes is over the limit of {max_bytes:,} bytes")
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidJSON(f"not UTF-8 text (byte {exc.start})") from None
    if isinstance(data, str):
        if max_bytes is not None and len(data) > max_bytes // 4 and len(data.encode("utf-8")) > max_bytes:
            raise TooLarge(f"input is over the limit of {max_bytes:,} bytes")
        data = _loads(data.lstrip("\ufeff"))
    items = _flatten(data)
    if max_objects is not None and len(items) > max_objects:
        raise TooLarge(f"input holds {len(items):,} objects, over the limit of {max_objects:,}")
    return items


def _describe(index: int, item: object) -> str:
    stix_id = item.get("id") if isinstance(item, dict) else None
    return f"object {index} ({stix_id})" if isinstance(stix_id, str) else f"object {index}"


def _map_refs(obj: dict, mapping: dict[str, str]) -> dict:
    def canon(ref: str) -> str:
        return mapping.get(ref) or canonical_marking_id(ref)

    out = dict(obj)
    if "object_marking_refs" in obj:
        out["object_marking_refs"] = list(dict.fromkeys(canon(r) for r in obj["object_marking_refs"]))
    if isinstance(obj.get("granular_markings"), list):
        out["granular_markings"] = [
            {**g, "marking_ref": canon(g["marking_ref"])} if isinstance(g, dict) and "marking_ref" in g else g
            for g in obj["granular_markings"]
        ]
    return out


def _refs_of(obj: dict) -> list[str]:
    refs = list(obj.get("object_marking_refs") or ())
    refs += [g["marking_ref"] for g in obj.get("granular_markings") or () if isinstance(g, dict) and "marking_ref" in g]
    return refs


def parse_stix(data: bytes | str | dict | list, *, max_bytes: int | None = None, max_objects: int | None = None,
               known_markings: Callable[[str], object] | None = None, thorough: bool = False) -> list[dict]:
    """Valid STIX 2.1 objects from ``data``, as plain dicts ready for the store (see the module docstring).

    ``known_markings(id)`` says whether a marking-definition id not in the input is known (stored); without
    it only the built-in TLP markings and the input's own marking-definitions are known.
    """
    items = decode_stix(data, max_bytes=max_bytes, max_objects=max_objects)
    errors = [{"index": i, "id": item.get("id") if isinstance(item, dict) else None, "message": reason}
              for i, item in enumerate(items) if (reason := check_object(item, thorough=thorough))]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more invalid objects)" if len(errors) > 1 else ""
        raise InvalidSTIX(f"{_describe(first['index'], items[first['index']])} is not valid STIX 2.1: "
                          f"{first['message']}{more}", details=errors[:_MAX_DETAILS])
    mapping: dict[str, str] = {}
    in_input: set[str] = set()
    kept = []
    for obj in items:
        if obj["type"] == "marking-definition":
            level = tlp_of_id(obj["id"]) or tlp_of_definition(obj)
            if level is not None:
                mapping[obj["id"]] = TLP_MARKING_IDS[level]
                continue
            in_input.add(obj["id"])
        kept.append(obj)
    out = [_map_refs(obj, mapping) for obj in kept]
    _check_markings(out, in_input, known_markings)
    return out


def _check_markings(objects: list[dict], in_input: set[str], known: Callable[[str], object] | None) -> None:
    cache: dict[str, bool] = {}
    for obj in objects:
        for ref in _refs_of(obj):
            if ref in _BUILTIN_MARKINGS or ref in in_input:
                continue
            if ref not in cache:
                cache[ref] = bool(known(ref)) if known is not None else False
            if not cache[ref]:
                raise UnknownMarking(f"{obj['id']} is marked with {ref}, a marking-definition that is neither "
                                     "in the input nor known here")
