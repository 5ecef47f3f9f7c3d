"""reference_objects: complete, deterministic, unique ids, and clean under the stix2-validator."""

from __future__ import annotations

from stix2validator import validate_instance

from marsad.model.bundle import parse_stix
from marsad.model.incident import GTD_EXTENSION_ID, INCIDENT_CORE_EXTENSION_ID
from marsad.model.markings import RELEASABILITY_EXTENSION_ID, TLP2_EXTENSION_ID, TLP_MARKING_IDS
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
