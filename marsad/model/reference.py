"""The reference STIX objects every Marsad installation holds, stored by ``marsad init``.

Why one function: the store, the TAXII server and the access policy all rely on the same built-in objects
— TLP 2.0 markings, the extension-definitions Marsad's objects use, the identities of the secretariat and
member states, the terrorist organisations of the registry — and re-running ``marsad init`` must store
exactly the same objects again (deterministic ids and timestamps), never duplicates.

``registry`` is the organisations registry (``marsad.model.organisations.load_registry()``) or any
iterable of records, each a dict or an object with ``key``, ``names`` ({lang: name}) and optionally
``aliases`` (a list, or {lang: [names]}), ``gtd_name``, ``kind``, ``un_ref``/``un_list``, ``description``,
``external_references``, ``created``/``modified``. ``registry=None`` means no organisations.
"""

from __future__ import annotations

from collections.abc import Iterable

from marsad.model.actors import make_threat_actor
from marsad.model.ids import REFERENCE_TIMESTAMP, marsad_identity
from marsad.model.incident import gtd_extension_definition, incident_core_extension_definition
from marsad.model.markings import releasability_extension_definition, tlp_extension_definition, tlp_markings
from marsad.model.membership import Membership, load_membership

__all__ = ["reference_objects", "definition_objects", "organisation_objects", "TERRORISM_LISTS"]


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


#: UN sanctions lists whose entities are terrorist actors (ISIL/Al-Qaida 1267, Taliban 1988); entities of other
#: regimes (DPRK, DRC, Libya…) are companies or state bodies, not threat actors, and are left out
TERRORISM_LISTS = ("Al-Qaida", "Taliban")
UN_LIST_SOURCE = "UN Security Council Consolidated List"


def _field(record, name: str, default=None):
    if isinstance(record, dict):
        return record.get(name, default)
    return getattr(record, name, default)


def _is_threat_actor(record) -> bool:
    kind = _field(record, "kind", "armed-group")
    return kind == "armed-group" or (kind == "sanctioned-entity" and _field(record, "un_list") in TERRORISM_LISTS)


def _aliases(record) -> list[str]:
    aliases = _field(record, "aliases") or ()
    if isinstance(aliases, dict):  # {lang: [names]}
        aliases = [alias for lang in ("ar", "en", "fr") for alias in aliases.get(lang) or ()]
    gtd_name = _field(record, "gtd_name")
    return [*([gtd_name] if gtd_name else []), *aliases]


def _references(record) -> list[dict] | None:
    refs = list(_field(record, "external_references") or ())
    un_ref = _field(record, "un_ref")
    if un_ref:
        un_list = _field(record, "un_list")
        refs.append({"source_name": UN_LIST_SOURCE, "external_id": un_ref,
                     **({"description": f"{un_list} sanctions list"} if un_list else {})})
    return refs or None


def organisation_objects(registry: Iterable) -> list[dict]:
    """A threat-actor (and its language-content) per terrorist organisation of ``registry``: armed groups and
    entities of the UN ISIL/Al-Qaida and Taliban lists (GTD generic labels and other sanctions regimes are not
    organisations of that kind)."""
    out = []
    for record in registry:
        if not _is_threat_actor(record):
            continue
        created = _field(record, "created") or REFERENCE_TIMESTAMP
        names = dict(_field(record, "names") or {}) or {"en": _field(record, "name")}
        actor, content = make_threat_actor(
            names,
            _aliases(record),
            key=_field(record, "key"),
            description=_field(record, "description"),
            external_references=_references(record),
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
