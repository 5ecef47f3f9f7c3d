"""reference_objects: complete, deterministic, unique ids, and clean under the stix2-validator."""

from __future__ import annotations

from stix2validator import validate_instance

from marsad.model.actors import threat_actor_id
from marsad.model.bundle import parse_stix
from marsad.model.incident import GTD_EXTENSION_ID, INCIDENT_CORE_EXTENSION_ID
from marsad.model.markings import RELEASABILITY_EXTENSION_ID, TLP2_EXTENSION_ID, TLP_MARKING_IDS
from marsad.model.organisations import load_registry
from marsad.model.reference import reference_objects

REGISTRY = [
    {"key": "isil", "names": {"ar": "تنظيم الدولة الإسلامية", "en": "Islamic State", "fr": "État islamique"},
     "aliases": ["ISIL", "داعش"], "description": "Listed by the UN Security Council."},
    {"key": "aqim", "names": {"en": "Al-Qaida in the Islamic Maghreb", "ar": "تنظيم القاعدة في بلاد المغرب الإسلامي"}},
]


class Record:
    key = "boko-haram"
    names = {"en": "Boko Haram", "fr": "Boko Haram", "ar": "بوكو حرام"}


def test_reference_objects_complete_and_deterministic():
    objects = reference_objects(REGISTRY + [Record()])
    ids = [o["id"] for o in objects]
    assert len(ids) == len(set(ids))
    for needed in [TLP2_EXTENSION_ID, RELEASABILITY_EXTENSION_ID, GTD_EXTENSION_ID, INCIDENT_CORE_EXTENSION_ID,
                   *TLP_MARKING_IDS.values()]:
        assert needed in ids
    assert sum(1 for o in objects if o["type"] == "threat-actor") == 3
    assert sum(1 for o in objects if o["type"] == "identity") == 1 + 23  # Marsad + secretariat + 22 states
    assert reference_objects(REGISTRY + [Record()]) == objects


def test_every_reference_object_passes_the_validator():
    for obj in reference_objects(REGISTRY):
        result = validate_instance(obj)
        assert result.is_valid, (obj["id"], [str(e) for e in result.errors])
        # {103} "not a valid UUIDv4": reference ids are UUIDv5 on purpose (same id on every installation)
        assert [str(w) for w in result.warnings if "{103}" not in str(w)] == [], obj["id"]


def test_reference_objects_pass_parse_stix():
    objects = reference_objects(REGISTRY)
    parsed = parse_stix(objects, thorough=True)
    assert len(parsed) == len(objects) - len(TLP_MARKING_IDS)  # TLP markings are built in


def test_bundled_registry_becomes_valid_threat_actors():
    registry = load_registry()
    objects = reference_objects(registry)
    actors = {o["id"]: o for o in objects if o["type"] == "threat-actor"}
    isil = actors[threat_actor_id("isil")]
    assert "داعش" in isil["aliases"] and "Daech" in isil["aliases"]
    assert {"source_name": "UN Security Council Consolidated List", "external_id": "QDe.115",
            "description": "Al-Qaida sanctions list"} in isil["external_references"]
    kinds = {o.key: (o.kind, o.un_list) for o in registry}
    for key, (kind, un_list) in kinds.items():
        expected = kind == "armed-group" or (kind == "sanctioned-entity" and un_list in ("Al-Qaida", "Taliban"))
        assert (threat_actor_id(key) in actors) == expected, key
    for obj in objects:
        result = validate_instance(obj)
        assert result.is_valid, (obj["id"], [str(e) for e in result.errors])
        assert [str(w) for w in result.warnings if "{103}" not in str(w)] == [], obj["id"]
