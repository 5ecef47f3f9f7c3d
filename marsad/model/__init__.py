"""Marsad's model layer: STIX 2.1 objects through the OASIS ``stix2`` library, never re-modelled.

Markings (TLP 2.0, releasability), bundle parsing and validation, the incident with its GTD extension,
threat actors, countries, membership and the reference objects ``marsad init`` stores. Import from here.
"""

from __future__ import annotations

from marsad.model.bundle import check_object, decode_stix, parse_stix
from marsad.model.ids import MARSAD_IDENTITY_ID, MARSAD_NAMESPACE, marsad_identity, stable_id
from marsad.model.markings import (
    KEEP,
    RELEASABILITY_EXTENSION_ID,
    TLP2_EXTENSION_ID,
    TLP_MARKING_IDS,
    Markings,
    Tlp,
    canonical_marking_id,
    mark,
    read_markings,
    releasability_extension_definition,
    releasability_marking,
    release_to_of_definition,
    tlp_extension_definition,
    tlp_marking,
    tlp_markings,
    tlp_of_definition,
    tlp_of_id,
)

__all__ = [
    "check_object",
    "decode_stix",
    "parse_stix",
    "MARSAD_IDENTITY_ID",
    "MARSAD_NAMESPACE",
    "marsad_identity",
    "stable_id",
    "KEEP",
    "RELEASABILITY_EXTENSION_ID",
    "TLP2_EXTENSION_ID",
    "TLP_MARKING_IDS",
    "Markings",
    "Tlp",
    "canonical_marking_id",
    "mark",
    "read_markings",
    "releasability_extension_definition",
    "releasability_marking",
    "release_to_of_definition",
    "tlp_extension_definition",
    "tlp_marking",
    "tlp_markings",
    "tlp_of_definition",
    "tlp_of_id",
]
