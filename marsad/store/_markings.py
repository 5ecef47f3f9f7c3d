"""Reading an object's TLP level and release list, until ``marsad.model.markings`` provides it.

Why private and small: the model layer owns marking semantics; this fallback only maps the five OASIS TLP 2.0
marking-definition ids to levels (most restrictive wins) and reads ``release_to`` from any extension of the
referenced marking-definitions (several release markings: the intersection, the most restrictive reading).
"""

from __future__ import annotations

from collections.abc import Mapping

from marsad.store.objects import TLP_LEVELS

__all__ = ["TLP_IDS", "tlp_of", "release_to_of", "RELEASE_KEY"]

TLP_IDS = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "clear",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "green",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "amber",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "amber+strict",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "red",
}

RELEASE_KEY = "release_to"


def tlp_of(marking_refs: list[str]) -> str | None:
    """The most restrictive TLP 2.0 level among ``marking_refs``, or None."""
    levels = [TLP_IDS[ref] for ref in marking_refs if ref in TLP_IDS]
    return max(levels, key=TLP_LEVELS.index) if levels else None


def _release_list(definition: Mapping) -> list[str] | None:
    for extension in (definition.get("extensions") or {}).values():
        if isinstance(extension, Mapping) and isinstance(extension.get(RELEASE_KEY), list):
            return [str(entry) for entry in extension[RELEASE_KEY]]
    return None


def release_to_of(marking_refs: list[str], definitions: Mapping[str, Mapping]) -> list[str] | None:
    """The release list the referenced releasability markings allow, sorted; None when none restricts."""
    allowed: set[str] | None = None
    for ref in marking_refs:
        definition = definitions.get(ref)
        entries = _release_list(definition) if definition else None
        if entries is not None:
            allowed = set(entries) if allowed is None else allowed & set(entries)
    return sorted(allowed) if allowed is not None else None
