"""A small world for the alert tests: three member units (SA, JO, EG), one analyst each, a regional collection."""

from __future__ import annotations

from marsad.access.accounts import create_organisation, create_user
from marsad.access.memberships import set_membership
from marsad.model.incident import make_incident
from marsad.model.markings import mark, releasability_marking
from marsad.monitor.alerts import AlertIncident
from marsad.store import Store
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade

CODES = ("SA", "JO", "EG")


def alert_world(url: str, *, members: tuple[str, ...] = CODES):
    """(engine, collection id, {code: identity id}); users are the lower-case codes; ``members`` read the collection."""
    engine = make_engine(url)
    upgrade(engine)
    identities = {}
    for code in CODES:
        org = create_organisation(engine, f"{code} unit", code)
        identities[code] = org.identity_id
        create_user(engine, code.lower(), f"{code} unit", "analyst", None)
    collection = Store(engine).create_collection("Regional", alias="regional").id
    for code in members:
        set_membership(engine, "regional", f"{code} unit", read=True, write=True)
    return engine, collection, identities


def incident(collection: str, *, by: str, tlp: str = "green", release_to=(), incident_id: str | None = None,
             **fields) -> AlertIncident:
    """An incident in ``collection`` by identity ``by``, with GTD ``fields`` (defaults: a bombing in Amman)."""
    gtd = {"country": "JO", "city": "Amman", "occurred": "2026-11-20", "attack_types": ["Bombing/Explosion"],
           "killed": 3, "wounded": 7, "perpetrator": "Islamic State of Iraq and the Levant (ISIL)"}
    gtd.update(fields)
    name = gtd.pop("name", "Explosion near a market in Amman")
    description = gtd.pop("description", None)
    obj = make_incident(name, description=description, created_by_ref=by, incident_id=incident_id, **gtd)
    return AlertIncident.of(obj, tlp=tlp, release_to=release_to, collections=[collection])


def stored_incident(engine, collection: str, *, by: str, tlp: str = "green", release_to=(), **fields) -> AlertIncident:
    """Like :func:`incident`, marked and stored in ``collection`` (as the pipeline does before alerting)."""
    event = incident(collection, by=by, tlp=tlp, release_to=release_to, **fields)
    obj = mark(dict(event.obj), tlp=tlp, release_to=list(release_to) if release_to else None)
    extra = [releasability_marking(list(release_to))] if release_to else []
    Store(engine).put_objects([*extra, obj], collection_id=collection)
    return AlertIncident.of(obj, tlp=tlp, release_to=release_to, collections=[collection])
