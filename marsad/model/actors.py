"""Terrorist organisations as STIX ``threat-actor`` objects, named in Arabic, English and French.

Why: incidents are attributed to organisations, sanctions lists name them, analysts search for them under
any of their names ("داعش", "ISIL", "État islamique"). Each organisation is one ``threat-actor``
(``threat_actor_types: ["terrorist"]``) whose STIX ``name`` is English for interoperability, whose
``aliases`` hold every other name (so any STIX tool can match them) and whose Arabic and French names are
also carried by a ``language-content`` object (so a reader gets the name in their language). Ids are
UUIDv5 of a stable key, so loading the same registry twice yields the same objects, not duplicates.
"""

from __future__ import annotations

import json

import stix2

from marsad.errors import InputError
from marsad.model.ids import MARSAD_IDENTITY_ID, REFERENCE_TIMESTAMP, stable_id
from marsad.model.markings import TLP_MARKING_IDS, Tlp
from marsad.model.translations import check_names, language_content, primary_name
from marsad.model.vocab import LANGUAGES
from marsad.text import fold

__all__ = ["make_threat_actor", "threat_actor_id"]


def threat_actor_id(key: str) -> str:
    """The deterministic id of the organisation with stable ``key`` (e.g. a registry key or folded name)."""
    if not key or not str(key).strip():
        raise InputError("a threat actor needs a stable key")
    return stable_id("threat-actor", fold(str(key)))


def _aliases(names: dict[str, str], primary: str, aliases) -> list[str]:
    seen = {fold(primary)}
    out = []
    for alias in [*(names[lang] for lang in LANGUAGES if lang in names), *(aliases or ())]:
        text = str(alias).strip()
        if text and fold(text) not in seen:
            seen.add(fold(text))
            out.append(text)
    return out


def make_threat_actor(names: dict[str, str], aliases=(), *, key: str | None = None, description: str | None = None,
                      created: str = REFERENCE_TIMESTAMP, modified: str | None = None,
                      created_by_ref: str | None = MARSAD_IDENTITY_ID, tlp: Tlp | str | None = Tlp.CLEAR,
                      external_references: list[dict] | None = None, first_seen: str | None = None,
                      goals: list[str] | None = None) -> tuple[dict, dict | None]:
    """(threat_actor, language_content or None) for a terrorist organisation named ``names`` ({lang: name}).

    ``key`` fixes the id (default: the folded English, else Arabic, name); ``aliases`` adds other names.
    """
    names = check_names(names, "a threat actor")
    lang, name = primary_name(names)
    props = {
        "id": threat_actor_id(key or name),
        "created": created,
        "modified": modified or created,
        "name": name,
        "threat_actor_types": ["terrorist"],
    }
    optional = {
        "aliases": _aliases(names, name, aliases),
        "description": description,
        "created_by_ref": created_by_ref,
        "object_marking_refs": [TLP_MARKING_IDS[Tlp.parse(tlp)]] if tlp is not None else None,
        "external_references": external_references,
        "first_seen": first_seen,
        "goals": goals,
        "lang": lang if lang != "en" else None,
    }
    props.update({k: v for k, v in optional.items() if v})
    actor = json.loads(stix2.v21.ThreatActor(**props).serialize())  # stix2 checks every property
    content = language_content(actor, names, created=actor["created"], modified=actor["modified"],
                               created_by_ref=created_by_ref, object_marking_refs=actor.get("object_marking_refs"))
    return actor, content
