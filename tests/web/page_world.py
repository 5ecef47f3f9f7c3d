"""A seeded hub for the page tests and the browser tests: the TAXII test community (SA, JO, EG units and the
secretariat, one analyst each, password ``PASSWORD``) plus incidents written for these tests — a GREEN bombing
in Amman told in Arabic with diacritics, an AMBER incident released to Saudi Arabia only, a French-language
one in Tunis, a car bombing in Kirkuk filed by the merging code from one report (curatable),
and one whose texts are hostile (script tags, right-to-left override) in Latin and Arabic.

Not a test module: imported by tests/web/test_routes_pages_*.py and tests/web/browser/.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marsad.access.accounts import create_user
from marsad.model.incident import make_incident
from marsad.model.markings import TLP_MARKING_IDS, Tlp, mark, releasability_marking
from marsad.monitor.incident_files import file_report
from marsad.store import Store
from marsad.store.rows import default_marking_reader
from marsad.store.writes import put_objects
from tests.monitor.filing_world import report
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
    out.incidents["kirkuk"] = _filed(engine, regional)
    return out


def _filed(engine, collection: str) -> dict:
    """An incident opened by the merging code from one GREEN report (so analysts can curate it), and the report."""
    filed_report = report(1, tlp="green", marking=(TLP_MARKING_IDS[Tlp.GREEN],))
    with engine.begin() as conn:
        filing = file_report(conn, filed_report, now=filed_report.received)
        source = {"type": "report", "spec_version": "2.1", "id": filed_report.report_id,
                  "created": "2026-11-20T08:01:00.000Z", "modified": "2026-11-20T08:01:00.000Z",
                  "name": filed_report.title, "published": "2026-11-20T08:00:00.000Z", "lang": "en",
                  "description": filed_report.text, "object_refs": [filing.incident_id],
                  "external_references": [{"source_name": "test-feed", "url": filed_report.url}],
                  "object_marking_refs": [TLP_MARKING_IDS[Tlp.GREEN]]}
        put_objects(conn, [*filing.objects, source], collection_id=collection, all_or_nothing=True,
                    reader=default_marking_reader)
    return filing.incident


def sign_in(client, username: str, password: str = PASSWORD):
    """Sign ``client`` (a TestClient) in through the sign-in form; returns the final response."""
    form = client.get("/sign-in")
    token = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post("/sign-in", data={"username": username, "password": password, "csrf_token": token},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return answer
