"""A small hand-written world for brief and similar-incident tests: one incident, its precedents, and a reader.

All incidents are invented. ``ids`` names them: ``target`` (ISIL bombing in Baghdad, 10 March 2024), ``same_group_
city`` (ISIL, Baghdad, bombing, Jan 2024), ``same_group`` (ISIL, Mosul, armed assault, Feb 2024), ``same_city``
(unknown group, Baghdad, bombing, Dec 2023), ``later`` (ISIL, Baghdad, after the target), ``hidden`` (ISIL,
Baghdad, RED from another organisation: the reader may not see it), ``old`` (ISIL, Baghdad, two years before),
``elsewhere`` (Yemen, unknown group: no link).
"""

from __future__ import annotations

import uuid

from marsad.access import Viewer
from marsad.model import make_incident
from marsad.store import open_store

ORG_A = "identity--0000000a-0000-4000-8000-000000000000"
ORG_B = "identity--0000000b-0000-4000-8000-000000000000"
ISIL = "Islamic State of Iraq and the Levant (ISIL)"

_ROWS = {
    "target": dict(occurred="2024-03-10", country="IQ", admin1="Baghdad", city="Baghdad", perpetrator=ISIL,
                   attack_types=["Bombing/Explosion"], weapon_types=["Explosives"],
                   target_types=["Private Citizens & Property"], killed=2, wounded=11),
    "same_group_city": dict(occurred="2024-01-20", country="IQ", admin1="Baghdad", city="Baghdad", perpetrator=ISIL,
                            attack_types=["Bombing/Explosion"], weapon_types=["Explosives"],
                            target_types=["Private Citizens & Property"], killed=1),
    "same_group": dict(occurred="2024-02-02", country="IQ", admin1="Nineveh", city="Mosul", perpetrator=ISIL,
                       attack_types=["Armed Assault"], weapon_types=["Firearms"], target_types=["Police"], killed=3),
    "same_city": dict(occurred="2023-12-01", country="IQ", admin1="Baghdad", city="Baghdad", perpetrator="Unknown",
                      attack_types=["Bombing/Explosion"], weapon_types=["Explosives"], killed=0),
    "later": dict(occurred="2024-04-01", country="IQ", admin1="Baghdad", city="Baghdad", perpetrator=ISIL,
                  attack_types=["Bombing/Explosion"], killed=5),
    "hidden": dict(occurred="2024-03-01", country="IQ", admin1="Baghdad", city="Baghdad", perpetrator=ISIL,
                   attack_types=["Bombing/Explosion"], weapon_types=["Explosives"], killed=9, tlp="red",
                   created_by_ref=ORG_B),
    "old": dict(occurred="2022-03-01", country="IQ", admin1="Baghdad", city="Baghdad", perpetrator=ISIL,
                attack_types=["Hijacking"], killed=4),
    "elsewhere": dict(occurred="2024-03-05", country="YE", city="Aden", attack_types=["Armed Assault"], killed=1),
}


def reader(collection: str) -> Viewer:
    """A member of ``collection`` (organisation A, Jordan)."""
    return Viewer("ali", org_id="a", org_name="Org A", identity_id=ORG_A, country="JO",
                  member_read=frozenset({collection}))


def brief_world(url: str, *, extra: dict | None = None):
    """(store, collection id, ids by name) with the rows above stored GREEN in one collection (``extra``: more
    fields of the target, e.g. the merge provenance)."""
    store = open_store(url)
    collection = store.create_collection("incidents").id
    ids, objects = {}, []
    for name, row in _ROWS.items():
        row = dict(row, **((extra or {}) if name == "target" else {}))
        tlp = row.pop("tlp", "green")
        obj = make_incident(f"{name} incident", incident_id=f"incident--{uuid.uuid4()}", tlp=tlp,
                            created="2024-05-01T00:00:00.000Z", external_references=[
                                {"source_name": "gtd", "external_id": f"2024{len(ids):08d}"}], **row)
        ids[name] = obj["id"]
        objects.append(obj)
    store.put_objects(objects, collection_id=collection)
    return store, collection, ids
