"""Marsad's model layer: STIX 2.1 objects through the OASIS ``stix2`` library, never re-modelled.

Markings (TLP 2.0, releasability), bundle parsing and validation, the incident with its GTD extension,
threat actors, countries, membership, map shapes and the reference objects ``marsad init`` stores.
Import from here; the vocabularies are in ``marsad.model.vocab``.
"""

from __future__ import annotations

from marsad.model.bundle import (
    check_object,
    decode_stix,
    parse_stix,
)
from marsad.model.ids import (
    MARSAD_IDENTITY_ID,
    MARSAD_NAMESPACE,
    REFERENCE_TIMESTAMP,
    marsad_identity,
    stable_id,
)
from marsad.model.markings import (
    KEEP,
    RELEASABILITY_EXTENSION_ID,
    TLP2_EXTENSION_ID,
    TLP_MARKING_IDS,
    Markings,
    Tlp,
    canonical_marking_id,
    mark,
    normalise_release_to,
    read_markings,
    releasability_extension_definition,
    releasability_id,
    releasability_marking,
    release_to_of_definition,
    tlp_extension_definition,
    tlp_marking,
    tlp_markings,
    tlp_of_definition,
    tlp_of_id,
)
from marsad.model.incident import (
    GTD_EXTENSION_ID,
    GTD_FIELDS,
    INCIDENT_CORE_EXTENSION_ID,
    DETERMINATIONS,
    INVESTIGATION_STATUSES,
    PRECISIONS,
    field_labels,
    gtd_extension_definition,
    incident_core_extension_definition,
    incident_fields,
    incident_schema,
    make_incident,
    stix_now,
)
from marsad.model.actors import (
    make_threat_actor,
    threat_actor_id,
)
from marsad.model.translations import (
    language_content,
    names_of,
)
from marsad.model.countries import (
    Country,
    countries,
    country,
    country_name,
    find_country,
    is_country_code,
)
from marsad.model.membership import (
    Member,
    Membership,
    load_membership,
    state_identity_id,
)
from marsad.model.shapes import (
    country_shapes,
)
from marsad.model.reference import (
    definition_objects,
    organisation_objects,
    reference_objects,
)

__all__ = [
    "check_object",
    "decode_stix",
    "parse_stix",
    "MARSAD_IDENTITY_ID",
    "MARSAD_NAMESPACE",
    "REFERENCE_TIMESTAMP",
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
    "normalise_release_to",
    "read_markings",
    "releasability_extension_definition",
    "releasability_id",
    "releasability_marking",
    "release_to_of_definition",
    "tlp_extension_definition",
    "tlp_marking",
    "tlp_markings",
    "tlp_of_definition",
    "tlp_of_id",
    "GTD_EXTENSION_ID",
    "GTD_FIELDS",
    "INCIDENT_CORE_EXTENSION_ID",
    "DETERMINATIONS",
    "INVESTIGATION_STATUSES",
    "PRECISIONS",
    "field_labels",
    "gtd_extension_definition",
    "incident_core_extension_definition",
    "incident_fields",
    "incident_schema",
    "make_incident",
    "stix_now",
    "make_threat_actor",
    "threat_actor_id",
    "language_content",
    "names_of",
    "Country",
    "countries",
    "country",
    "country_name",
    "find_country",
    "is_country_code",
    "Member",
    "Membership",
    "load_membership",
    "state_identity_id",
    "country_shapes",
    "definition_objects",
    "organisation_objects",
    "reference_objects",
]
