"""A small sharing community for the TAXII tests: three member-state units, the secretariat, their users and
collections (all members, a bilateral one the secretariat cannot read), plus STIX object builders.

Not a test module: imported by tests/exchange/test_taxii_*.py, tests/web/test_routes_taxii.py and
tests/interop/. Everything here is written for the tests (no development data).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from marsad.access.accounts import create_api_key, create_organisation, create_user
from marsad.access.memberships import set_membership
from marsad.model.markings import TLP_MARKING_IDS, Tlp, releasability_marking
from marsad.store import Store
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade

__all__ = ["World", "build_world", "indicator", "identity", "PASSWORD", "stamp"]

PASSWORD = "correct horse battery staple"


@dataclass
class World:
    engine: object
    url: str
    orgs: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)
    collections: dict = field(default_factory=dict)


def stamp(offset_seconds: int = 0) -> str:
    """A STIX timestamp ``offset_seconds`` after a fixed base time."""
    base = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=offset_seconds)
    return base.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def identity(name: str, identity_id: str | None = None) -> dict:
    return {"type": "identity", "spec_version": "2.1", "id": identity_id or f"identity--{uuid.uuid4()}",
            "created": stamp(), "modified": stamp(), "name": name, "identity_class": "organization"}


def indicator(created_by: str | None = None, *, tlp: str | None = "green", release_to=None, modified: int = 0,
              stix_id: str | None = None, name: str = "bad domain", pattern_value: str = "example.com") -> dict:
    """An indicator; ``tlp`` a TLP level name; ``release_to`` adds a releasability marking (send it along)."""
    obj = {"type": "indicator", "spec_version": "2.1", "id": stix_id or f"indicator--{uuid.uuid4()}",
           "created": stamp(), "modified": stamp(modified), "name": name, "pattern_type": "stix",
           "pattern": f"[domain-name:value = '{pattern_value}']", "valid_from": stamp()}
    if created_by:
        obj["created_by_ref"] = created_by
    refs = []
    if tlp:
        refs.append(TLP_MARKING_IDS[Tlp.parse(tlp)])
    if release_to:
        refs.append(releasability_marking(release_to)["id"])
    if refs:
        obj["object_marking_refs"] = refs
    return obj


def build_world(url: str, *, api_keys: bool = True) -> World:
    """Schema, organisations SA/JO/EG + secretariat, one analyst each, collections ``regional`` (everyone reads
    and writes), ``states`` (a sub-group: the three states, not the secretariat), ``sa-jo`` (bilateral),
    ``sa-drop`` (JO may write, not read) and ``empty`` (nobody)."""
    engine = make_engine(url)
    upgrade(engine)
    world = World(engine=engine, url=url)
    for code, name, secretariat in (("sa", "SA CT Unit", False), ("jo", "JO CT Unit", False),
                                    ("eg", "EG CT Unit", False), ("sec", "Secretariat", True)):
        country = "EG" if code == "sec" else code.upper()
        world.orgs[code] = create_organisation(engine, name, country, secretariat=secretariat)
        create_user(engine, f"{code}_analyst", name, "analyst", PASSWORD)
        if api_keys:
            world.keys[code], _ = create_api_key(engine, f"{code}_analyst")
    store = Store(engine)
    for alias, title in (("regional", "Regional exchange"), ("states", "Member states only"),
                         ("sa-jo", "SA–JO bilateral"),
                         ("sa-drop", "SA drop box"), ("empty", "Nobody's")):
        world.collections[alias] = store.create_collection(title, alias=alias, description=f"{title} (test)").id
    for code in ("sa", "jo", "eg", "sec"):
        set_membership(engine, "regional", world.orgs[code].name, read=True, write=True)
    for code in ("sa", "jo", "eg"):
        set_membership(engine, "states", world.orgs[code].name, read=True, write=code == "sa")
    for code in ("sa", "jo"):
        set_membership(engine, "sa-jo", world.orgs[code].name, read=True, write=True)
    set_membership(engine, "sa-drop", world.orgs["sa"].name, read=True, write=True)
    set_membership(engine, "sa-drop", world.orgs["jo"].name, read=False, write=True)
    return world
