"""The reference STIX objects every Marsad installation holds, stored by ``marsad init``.

Why one function: the store, the TAXII server and the access policy all rely on the same built-in objects
— TLP 2.0 markings, the extension-definitions Marsad's objects use, the identities of the secretariat and
member states, the terrorist organisations of the registry — and re-running ``marsad init`` must store
exactly the same objects again (deterministic ids and timestamps), never duplicates.

``registry`` is the organisations registry (``marsad.model.organisations``) or any iterable of records,
each a dict or an object with ``key``, ``names`` ({lang: name}) and optionally ``aliases``,
``description``, ``external_references``, ``created``/``modified``.
"""

from __future__ import annotations

from collections.abc import Iterable

from marsad.model.actors import make_threat_actor
from marsad.model.ids import REFERENCE_TIMESTAMP, marsad_identity
from marsad.model.incident import gtd_extension_definition, incident_core_extension_definition
from marsad.model.markings import releasability_extension_definition, tlp_extension_definition, tlp_markings
from marsad.model.membership import Membership, load_membership

__all__ = ["reference_objects", "definition_objects", "organisation_objects"]


def definition_objects() -> list[dict]:
    """Marsad's identity, the TLP 2.0 extension-definition and markings, and Marsad's extension-definitions."""
    return [
        marsad_identity(),
        tlp_extension_definition(),
        *tlp_markings(),
        releasability_extension_definition(),
        incident_core_extension_definition(),
        gtd_extension_definition(),
    ]


def _field(record, name: str, default=None):
    if isinstance(record, dict):
        return record.get(name, default)
    return getattr(record, name, default)


def organisation_objects(registry: Iterable) -> list[dict]:
    """A threat-actor (and its language-content) per organisation of ``registry``."""
    out = []
    for record in registry:
        created = _field(record, "created") or REFERENCE_TIMESTAMP
        actor, content = make_threat_actor(
            dict(_field(record, "names") or {}),
            list(_field(record, "aliases") or ()),
            key=_field(record, "key"),
            description=_field(record, "description"),
            external_references=_field(record, "external_references"),
            created=created,
            modified=_field(record, "modified") or created,
        )
        out.append(actor)
        if content is not None:
            out.append(content)
    return out


def reference_objects(registry: Iterable | None = None, membership: Membership | None = None) -> list[dict]:
    """Every reference object, identities before the objects that refer to them."""
    membership = membership if membership is not None else load_membership()
    objects = definition_objects() + membership.identities()
    if registry is not None:
        objects += organisation_objects(registry)
    return objects
