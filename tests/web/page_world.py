"""A seeded hub for the page tests and the browser tests: the TAXII test community (SA, JO, EG units and the
secretariat, one analyst each, password ``PASSWORD``) plus incidents written for these tests — a GREEN bombing
in Amman told in Arabic with diacritics, an AMBER incident released to Saudi Arabia only, a French-language
one in Tunis, and one whose texts are hostile (script tags, right-to-left override) in Latin and Arabic.

Not a test module: imported by tests/web/test_routes_pages_*.py and tests/web/browser/.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marsad.access.accounts import create_user
from marsad.model.incident import make_incident
from marsad.model.markings import mark, releasability_marking
from marsad.store import Store
from tests.taxii_world import PASSWORD, World, build_world

__all__ = ["PageWorld", "page_world", "PASSWORD", "HOSTILE_LATIN", "HOSTILE_ARABIC", "sign_in"]

HOSTILE_LATIN = '<script>alert("x")</script><img src=x onerror=alert(1)> \u202eevil'
HOSTILE_ARABIC = '<script>تنبيه("خطر")</script> هجوم \u202bمقلوب\u202c "اقتباس" & رمز'


@dataclass
class PageWorld:
    world: World
    incidents: dict = field(default_factory=dict)

    @property
    def engine(self):
        return self.world.engine


def _store(engine, collection: str, name: str, *, by: str, tlp: str = "green", release_to=(), description=None,
           **fields) -> dict:
    gtd = {"country": "JO", "city": "Amman", "occurred": "2024-03-15", "attack_types": ["Bombing/Explosion"],
           "killed": 3, "wounded": 7, "perpetrator": "Islamic State of Iraq and the Levant (ISIL)",
           "latitude": 31.95, "longitude": 35.93}
    gtd.update(fields)
    obj = make_incident(name, description=description, created_by_ref=by, **gtd)
    obj = mark(dict(obj), tlp=tlp, release_to=list(release_to) if release_to else None)
    extra = [releasability_marking(list(release_to))] if release_to else []
    Store(engine).put_objects([*extra, obj], collection_id=collection)
    return obj


def page_world(url: str) -> PageWorld:
    """The seeded hub on ``url`` (schema created); users ``sa_analyst``, ``jo_analyst``, ``eg_analyst``,
    ``sec_analyst`` (analysts) and ``jo_admin`` (administrator of the JO unit), all with ``PASSWORD``."""
    world = build_world(url, api_keys=True)
    engine, regional = world.engine, world.collections["regional"]
    create_user(engine, "jo_admin", world.orgs["jo"].name, "admin", PASSWORD, language="en")
    orgs = world.orgs
    out = PageWorld(world)
    out.incidents["amman"] = _store(
        engine, regional, "انفجار قرب سوق في عمّان", by=orgs["jo"].identity_id,
        description="تَفْجِيرٌ بِسَيَّارَةٍ مُفَخَّخَةٍ قُرْبَ السُّوقِ الْمَرْكَزِيِّ فِي عَمَّان")
    out.incidents["amber_sa"] = _store(
        engine, regional, "Confidential attack report Riyadh", by=orgs["sa"].identity_id, tlp="amber",
        release_to=["SA"], country="SA", city="Riyadh", latitude=24.71, longitude=46.68, killed=1, wounded=0,
        occurred="2024-05-02", description="Restricted: armed assault on a checkpoint near Riyadh")
    out.incidents["tunis"] = _store(
        engine, regional, "Attaque armée à Tunis", by=orgs["eg"].identity_id, country="TN", city="Tunis",
        latitude=36.8, longitude=10.18, attack_types=["Armed Assault"], killed=2, wounded=4, occurred="2024-06-10",
        description="Des hommes armés ont attaqué un poste de police à Tunis.")
    out.incidents["hostile"] = _store(
        engine, regional, HOSTILE_LATIN, by=orgs["eg"].identity_id, country="EG", city="Cairo",
        latitude=30.04, longitude=31.24, occurred="2024-07-01", description=HOSTILE_ARABIC,
        perpetrator='<b onmouseover="x()">Group</b>')
    return out


def sign_in(client, username: str, password: str = PASSWORD):
    """Sign ``client`` (a TestClient) in through the sign-in form; returns the final response."""
    form = client.get("/sign-in")
    token = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post("/sign-in", data={"username": username, "password": password, "csrf_token": token},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return answer
