"""Data markings: TLP 2.0 and Marsad releasability — who may see an object.

Why this module: every sharing decision in Marsad starts from an object's markings, and peers send them in
several dialects. Here they are brought to one form:

* **TLP 2.0** uses the OASIS marking-definitions of the TLP 2.0 extension
  (``extension-definition--60a3c5c5-…``), reproduced exactly as OASIS publishes them in
  cti-stix-common-objects (created 2022-10-01, no ``created_by_ref`` on the markings; the extension-definition
  itself is created by CISA's identity). TLP 1.0 ids (``stix2.TLP_WHITE`` … ``TLP_RED``) map to their 2.0
  counterparts (WHITE → CLEAR); OpenCTI sends CLEAR, GREEN, AMBER and RED under the TLP 1.0 ids and uses
  its own ``marking-definition--826578e1-…`` for AMBER+STRICT, which maps to the OASIS AMBER+STRICT id.
  Other marking-definitions are recognised as TLP by their content (``definition {"tlp": …}``, OpenCTI's
  ``x_opencti_definition``, a ``TLP:…`` name or statement) — see :func:`tlp_of_definition`.

* **Releasability** is a Marsad extension-definition on a marking-definition, not the OASIS ACS data-marking
  extension. Choice and why: ACS 3.0 models US-government access control (classification, formal
  determinations, country codes as ISO alpha-3 trigraphs, organisations as free text) and is heavy to fill
  correctly; Marsad needs one thing — a list of recipients — whose entries are an ISO 3166-1 alpha-2 state
  code (``"SA"``: every organisation of that state), an organisation's ``identity--…`` id, or
  ``user:<username>`` (a named recipient, for TLP:RED). The marking's id is UUIDv5 of the sorted list, so
  equal lists share one marking-definition across the whole federation (no duplicates, cheap equality).

When an object carries several markings of one kind, the strictest wins: the most restrictive TLP level,
and the intersection of releasability lists. Only object-level markings (``object_marking_refs``) are read;
granular markings are left to the caller.
"""

from __future__ import annotations

import enum
import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from marsad.errors import InputError, UnknownMarking
from marsad.model.ids import MARSAD_IDENTITY_ID, MARSAD_NAMESPACE, REFERENCE_TIMESTAMP

__all__ = [
    "Tlp",
    "Markings",
    "TLP2_EXTENSION_ID",
    "TLP_MARKING_IDS",
    "RELEASABILITY_EXTENSION_ID",
    "KEEP",
    "tlp_marking",
    "tlp_markings",
    "tlp_extension_definition",
    "tlp_of_id",
    "tlp_of_definition",
    "canonical_marking_id",
    "releasability_id",
    "releasability_marking",
    "releasability_extension_definition",
    "release_to_of_definition",
    "normalise_release_to",
    "read_markings",
    "mark",
]

TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
RELEASABILITY_EXTENSION_ID = "extension-definition--2080097e-c111-4aa5-a05c-c7355df9db3a"
_TLP2_CREATED = "2022-10-01T00:00:00.000Z"
_CISA_IDENTITY_ID = "identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01"


class Tlp(str, enum.Enum):
    """TLP 2.0 levels, ordered from least to most restrictive (``Tlp.CLEAR < Tlp.RED``)."""

    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    AMBER_STRICT = "amber+strict"
    RED = "red"

    @property
    def rank(self) -> int:
        return _TLP_ORDER.index(self)

    @property
    def label(self) -> str:
        """``TLP:AMBER+STRICT`` style name."""
        return "TLP:" + self.value.upper()

    @property
    def marking_id(self) -> str:
        return TLP_MARKING_IDS[self]

    def _other_rank(self, other) -> int | None:
        if isinstance(other, Tlp):
            return other.rank
        if isinstance(other, str):
            return Tlp.parse(other).rank  # "amber", "TLP:RED"… compare by level, not alphabetically
        return None

    def __lt__(self, other):
        rank = self._other_rank(other)
        return NotImplemented if rank is None else self.rank < rank

    def __le__(self, other):
        rank = self._other_rank(other)
        return NotImplemented if rank is None else self.rank <= rank

    def __gt__(self, other):
        rank = self._other_rank(other)
        return NotImplemented if rank is None else self.rank > rank

    def __ge__(self, other):
        rank = self._other_rank(other)
        return NotImplemented if rank is None else self.rank >= rank

    @classmethod
    def parse(cls, value: Tlp | str) -> Tlp:
        """A level from ``"amber+strict"``, ``"TLP:AMBER+STRICT"``, ``"amber_strict"``, ``"white"`` (→ CLEAR)…"""
        if isinstance(value, Tlp):
            return value
        text = str(value).strip().lower().removeprefix("tlp:").replace("_", "+").replace(" ", "")
        text = {"white": "clear", "amberstrict": "amber+strict"}.get(text, text)
        try:
            return cls(text)
        except ValueError:
            raise InputError(f"{value!r} is not a TLP level (clear, green, amber, amber+strict, red)") from None


_TLP_ORDER = (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED)

#: the OASIS TLP 2.0 marking-definition id of each level
TLP_MARKING_IDS: dict[Tlp, str] = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

#: TLP 1.0 (stix2.TLP_WHITE…TLP_RED, also what OpenCTI sends for CLEAR/GREEN/AMBER/RED) and OpenCTI's own ids
_FOREIGN_TLP_IDS: dict[str, Tlp] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": Tlp.CLEAR,  # TLP 1.0 WHITE
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": Tlp.GREEN,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": Tlp.AMBER,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": Tlp.RED,
    "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37": Tlp.AMBER_STRICT,  # OpenCTI AMBER+STRICT
}
_TLP_BY_ID: dict[str, Tlp] = {**{v: k for k, v in TLP_MARKING_IDS.items()}, **_FOREIGN_TLP_IDS}
_TLP_TEXT = re.compile(r"^\s*(?:tlp\s*:\s*)?(clear|white|green|amber\s*\+\s*strict|amber|red)\s*$", re.IGNORECASE)


def tlp_marking(level: Tlp | str) -> dict:
    """The OASIS TLP 2.0 marking-definition of ``level``, as published (a fresh dict each call)."""
    tlp = Tlp.parse(level)
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP_MARKING_IDS[tlp],
        "created": _TLP2_CREATED,
        "name": tlp.label,
        "extensions": {TLP2_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": tlp.value}},
    }


def tlp_markings() -> list[dict]:
    """The five TLP 2.0 marking-definitions, CLEAR to RED."""
    return [tlp_marking(level) for level in _TLP_ORDER]


def tlp_extension_definition() -> dict:
    """The OASIS TLP 2.0 extension-definition object, as published in cti-stix-common-objects."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": TLP2_EXTENSION_ID,
        "name": "TLP 2.0",
        "description": "This defines TLP 2.0 as a STIX extension",
        "created": _TLP2_CREATED,
        "modified": _TLP2_CREATED,
        "created_by_ref": _CISA_IDENTITY_ID,
        "schema": "https://github.com/oasis-open/cti-stix-common-objects/tree/master/"
        "extension-definition-specifications/tlp-2.0",
        "version": "1.0.0",
        "extension_types": ["property-extension"],
    }


def tlp_of_id(marking_id: str) -> Tlp | None:
    """The TLP level a marking id stands for (2.0, 1.0 or OpenCTI id), or None."""
    return _TLP_BY_ID.get(marking_id)


def canonical_marking_id(marking_id: str) -> str:
    """The OASIS TLP 2.0 id for any TLP 1.0 / OpenCTI TLP id; every other id unchanged."""
    tlp = _TLP_BY_ID.get(marking_id)
    return TLP_MARKING_IDS[tlp] if tlp is not None else marking_id


def _tlp_of_text(value: object) -> Tlp | None:
    if not isinstance(value, str):
        return None
    match = _TLP_TEXT.match(value)
    return Tlp.parse(match.group(1).replace(" ", "")) if match else None


def tlp_of_definition(marking: dict) -> Tlp | None:
    """The TLP level a marking-definition object expresses (by id, TLP 2.0 extension, ``definition``,
    OpenCTI's ``x_opencti_definition``, a ``TLP:…`` name or statement), or None if it is not a TLP marking."""
    by_id = _TLP_BY_ID.get(marking.get("id", ""))
    if by_id is not None:
        return by_id
    ext = (marking.get("extensions") or {}).get(TLP2_EXTENSION_ID)
    if isinstance(ext, dict) and (found := _tlp_of_text(ext.get("tlp_2_0"))):
        return found
    definition = marking.get("definition")
    if isinstance(definition, dict):
        for key in ("tlp", "TLP", "statement"):
            if found := _tlp_of_text(definition.get(key)):
                return found
    for key in ("x_opencti_definition", "name"):
        if found := _tlp_of_text(marking.get(key)):
            return found
    return None


# --- releasability ---------------------------------------------------------------------------------------

_ALPHA2 = re.compile(r"^[A-Za-z]{2}$")
_IDENTITY = re.compile(r"^identity--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_USER = re.compile(r"^user:\S{1,200}$")
_KNOWN_RELEASABILITY: dict[str, dict] = {}
_KNOWN_LIMIT = 10_000


def normalise_release_to(release_to: Iterable[str]) -> list[str]:
    """Sorted, de-duplicated recipients (state codes upper-cased); :class:`InputError` on a bad entry."""
    out = set()
    for entry in release_to:
        text = str(entry).strip()
        if _ALPHA2.match(text):
            out.add(text.upper())
        elif _IDENTITY.match(text) or _USER.match(text):
            out.add(text)
        else:
            raise InputError(
                f"{entry!r} is not a releasability recipient: use a two-letter state code (SA), "
                "an organisation's identity--… id, or user:<username>"
            )
    if not out:
        raise InputError("a releasability marking needs at least one recipient")
    return sorted(out)


def releasability_extension_definition() -> dict:
    """The Marsad extension-definition that releasability marking-definitions carry."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": RELEASABILITY_EXTENSION_ID,
        "created_by_ref": MARSAD_IDENTITY_ID,
        "created": REFERENCE_TIMESTAMP,
        "modified": REFERENCE_TIMESTAMP,
        "name": "Marsad releasability",
        "description": "Who an object may be released to. Property release_to: a list of ISO 3166-1 alpha-2 state "
        "codes (every organisation of that state), organisation identity ids, or user:<username> entries. "
        "The marking-definition id is UUIDv5 of the sorted list in the Marsad namespace.",
        "schema": json.dumps(_RELEASABILITY_SCHEMA, separators=(",", ":"), sort_keys=True),
        "version": "1.0.0",
        "extension_types": ["property-extension"],
    }


_RELEASABILITY_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "marsad-releasability",
    "type": "object",
    "required": ["extension_type", "release_to"],
    "additionalProperties": False,
    "properties": {
        "extension_type": {"enum": ["property-extension"]},
        "release_to": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "pattern": r"^([A-Z]{2}|identity--[0-9a-f-]{36}|user:\S+)$"},
        },
    },
}


def releasability_id(release_to: Iterable[str]) -> str:
    """The id of the releasability marking for ``release_to``: UUIDv5 of the normalised list."""
    key = json.dumps(normalise_release_to(release_to), separators=(",", ":"))
    return f"marking-definition--{uuid.uuid5(MARSAD_NAMESPACE, 'releasability:' + key)}"


def releasability_marking(release_to: Iterable[str]) -> dict:
    """The releasability marking-definition for ``release_to`` (order and duplicates do not matter)."""
    entries = normalise_release_to(release_to)
    marking_id = releasability_id(entries)
    marking = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": marking_id,
        "created_by_ref": MARSAD_IDENTITY_ID,
        "created": REFERENCE_TIMESTAMP,
        "name": "Releasable to: " + ", ".join(entries),
        "extensions": {RELEASABILITY_EXTENSION_ID: {"extension_type": "property-extension", "release_to": entries}},
    }
    if len(_KNOWN_RELEASABILITY) < _KNOWN_LIMIT:
        _KNOWN_RELEASABILITY[marking_id] = marking
    return json.loads(json.dumps(marking))


def release_to_of_definition(marking: dict) -> list[str] | None:
    """The ``release_to`` list of a releasability marking-definition, or None for any other marking."""
    ext = (marking.get("extensions") or {}).get(RELEASABILITY_EXTENSION_ID)
    if not isinstance(ext, dict):
        return None
    return list(ext.get("release_to") or [])


# --- reading and setting an object's markings --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Markings:
    """An object's effective markings: the strictest TLP level (its value, e.g. ``"amber+strict"``) and the
    releasability list (None when the object carries no releasability marking)."""

    tlp: str | None
    release_to: list[str] | None


Resolver = Callable[[str], "dict | None"]


def _lookup(marking_id: str, resolve: Resolver | None) -> dict | None:
    found = resolve(marking_id) if resolve is not None else None
    return found if found is not None else _KNOWN_RELEASABILITY.get(marking_id)


def read_markings(obj: dict, resolve: Resolver | None = None) -> Markings:
    """The markings of ``obj``; ``resolve`` maps a marking id to its marking-definition dict (from the same
    bundle or the store). :class:`UnknownMarking` for an id that is neither TLP nor resolvable."""
    tlp: Tlp | None = None
    release_to: set[str] | None = None
    for ref in obj.get("object_marking_refs") or ():
        level = _TLP_BY_ID.get(ref)
        if level is None:
            definition = _lookup(ref, resolve)
            if definition is None:
                raise UnknownMarking(f"{obj.get('id', 'the object')} is marked with unknown marking {ref}")
            level = tlp_of_definition(definition)
            entries = release_to_of_definition(definition)
            if entries is not None:
                release_to = set(entries) if release_to is None else release_to & set(entries)
        if level is not None and (tlp is None or level > tlp):
            tlp = level
    return Markings(
        tlp=tlp.value if tlp is not None else None,
        release_to=sorted(release_to) if release_to is not None else None,
    )


class _Keep:
    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return "KEEP"


#: pass as ``tlp`` or ``release_to`` to :func:`mark` to leave that kind of marking as it is
KEEP = _Keep()


def _is_releasability(ref: str, resolve: Resolver | None) -> bool:
    definition = _lookup(ref, resolve)
    return definition is not None and release_to_of_definition(definition) is not None


def mark(obj: dict, tlp: Tlp | str | None | _Keep = KEEP, release_to: Iterable[str] | None | _Keep = KEEP,
         resolve: Resolver | None = None) -> dict:
    """A copy of ``obj`` whose TLP and/or releasability markings are replaced (None removes them, KEEP keeps
    them); other markings stay. Bumping ``modified`` for a new version is the caller's business."""
    refs = [canonical_marking_id(r) for r in obj.get("object_marking_refs") or ()]
    if tlp is not KEEP:
        refs = [r for r in refs if r not in _TLP_BY_ID]
        if tlp is not None:
            refs.insert(0, TLP_MARKING_IDS[Tlp.parse(tlp)])
    if release_to is not KEEP:
        refs = [r for r in refs if not _is_releasability(r, resolve)]
        if release_to is not None:
            refs.append(releasability_marking(release_to)["id"])
    out = dict(obj)
    unique = list(dict.fromkeys(refs))
    if unique:
        out["object_marking_refs"] = unique
    else:
        out.pop("object_marking_refs", None)
    return out
