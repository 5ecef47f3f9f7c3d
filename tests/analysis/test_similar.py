"""Similar incidents: the documented score, past and visible candidates only, group activity windows."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from marsad.access import Viewer, can_see, object_facts

from marsad.analysis.similar import WEIGHTS, find_similar, group_activity, is_named_group
from marsad.analysis.trends import visibility
from marsad.model import make_incident
from marsad.model.markings import releasability_marking
from marsad.store import open_store, stix_objects
from marsad.store.incidents import incident_facts
from tests.analysis.brief_world import ISIL, ORG_A, ORG_B, brief_world, reader


@pytest.fixture
def world(database_url):
    store, collection, ids = brief_world(database_url)
    yield store.engine, reader(collection), ids
    store.engine.dispose()


def _facts(conn, stix_id):
    return dict(conn.execute(select(incident_facts).where(incident_facts.c.stix_id == stix_id)).one()._mapping)


def test_score_is_the_documented_sum(world):
    engine, viewer, ids = world
    with engine.connect() as conn:
        found = {s.incident_id: s for s in find_similar(conn, _facts(conn, ids["target"]), visibility(viewer))}
    assert found[ids["same_group_city"]].score == WEIGHTS["group"] + WEIGHTS["city"] + 2.0 + 1.0 + 1.0
    assert found[ids["same_group"]].score == WEIGHTS["group"] + WEIGHTS["country"]
    assert ids["later"] not in found and ids["hidden"] not in found and ids["elsewhere"] not in found
    assert ids["target"] not in found


def test_limit_and_nothing_visible(world):
    engine, viewer, ids = world
    with engine.connect() as conn:
        target = _facts(conn, ids["target"])
        assert len(find_similar(conn, target, visibility(viewer), limit=2)) == 2
        assert find_similar(conn, target, visibility(None)) == []  # nothing is CLEAR


def test_group_activity_windows(world):
    engine, viewer, _ = world
    with engine.connect() as conn:
        at_target = group_activity(conn, ISIL, date(2024, 3, 10), visibility(viewer))
        later = group_activity(conn, ISIL, date(2024, 6, 5), visibility(viewer))
        assert group_activity(conn, "Unknown", date(2024, 3, 10), visibility(viewer)) is None
    assert at_target.last_90.incidents == 3 and at_target.last_365.incidents == 3
    # 90 days to 5 June: 10 March and 1 April; the 365 days also hold 20 January and 2 February
    assert later.last_90.incidents == 2 and later.last_365.incidents == 4
    assert at_target.to_dict()["last_90_days"] == {"incidents": 3, "killed": 6, "wounded": 11}


def test_named_groups():
    assert is_named_group("Taliban") and not is_named_group("Unknown") and not is_named_group(None)


MARKINGS = st.sampled_from(["clear", "green", "amber", "amber+strict", "red"])


@pytest.fixture
def store(database_url):
    opened = open_store(database_url)
    yield opened
    opened.engine.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(MARKINGS, st.sampled_from([None, ORG_A, ORG_B]),
                               st.sampled_from([None, ("JO",), ("user:ali",), (ORG_B, "SA")]),
                               st.integers(1, 120)),
                     min_size=1, max_size=10),
       member=st.booleans(), grant=st.sampled_from([None, "green", "amber", "red"]))
def test_precedents_and_activity_are_exactly_what_the_viewer_may_see(store, rows, member, grant):
    collection = store.create_collection(f"c-{uuid.uuid4()}").id
    group = f"Group {uuid.uuid4().hex[:8]}"  # this example's own group: earlier examples never count
    target = make_incident("target", incident_id=f"incident--{uuid.uuid4()}", occurred="2024-06-01", country="IQ",
                           city="Basra", perpetrator=group, tlp="red", created_by_ref=ORG_A,  # ali sees it
                           created="2024-07-01T00:00:00.000Z")
    others = [make_incident(f"x{n}", incident_id=f"incident--{uuid.uuid4()}",
                            occurred=(date(2024, 6, 1) - timedelta(days=back)).isoformat(), country="IQ",
                            city="Basra", perpetrator=group, tlp=tlp, release_to=list(release) if release else None,
                            created_by_ref=author, created="2024-07-01T00:00:00.000Z")
              for n, (tlp, author, release, back) in enumerate(rows)]
    definitions = {m["id"]: m for r in rows if r[2] for m in [releasability_marking(list(r[2]))]}
    store.put_objects([*definitions.values(), target, *others], collection_id=collection)
    viewer = Viewer("ali", org_id="a", identity_id=ORG_A, country="JO",
                    member_read=frozenset({collection}) if member else frozenset(),
                    grants={collection: grant} if grant else {})
    where = visibility(viewer, collection)
    with store.engine.connect() as conn:
        stored = conn.execute(select(stix_objects).where(stix_objects.c.stix_id.in_([o["id"] for o in others])))
        seen = {row.stix_id for row in stored if can_see(viewer, object_facts(row), [collection])}
        found = find_similar(conn, _facts(conn, target["id"]), where, limit=100)
        activity = group_activity(conn, group, date(2024, 6, 1), where)
    assert {s.incident_id for s in found} == seen
    in_90 = {o["id"] for o, r in zip(others, rows) if r[3] < 90} & seen
    assert activity.last_90.incidents == len(in_90) + 1 and activity.last_365.incidents == len(seen) + 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.booleans(), st.sampled_from(["Basra", "Mosul", None]),
                               st.sampled_from(["Bombing/Explosion", "Armed Assault", "Hijacking"]),
                               st.sampled_from(["Firearms", "Explosives", "Melee"]),
                               st.sampled_from(["Military", "Police", "Business"]), st.integers(1, 900)),
                     min_size=1, max_size=30),
       limit=st.integers(1, 4), aims=st.sampled_from([[], ["Police"]]))
def test_the_best_few_are_the_head_of_the_full_ranking(store, rows, limit, aims, monkeypatch):
    """Skipping candidates that cannot reach the limit-th score (their types unread) changes nothing."""
    import marsad.analysis.similar as similar
    monkeypatch.setattr(similar, "_TERMS_CHUNK", 2)
    collection = store.create_collection(f"c-{uuid.uuid4()}").id
    group = f"Group {uuid.uuid4().hex[:8]}"
    target = make_incident("target", incident_id=f"incident--{uuid.uuid4()}", occurred="2024-06-01", country="IQ",
                           city="Basra", perpetrator=group, attack_types=["Bombing/Explosion"],
                           weapon_types=["Explosives"], target_types=aims, tlp="clear")
    others = [make_incident(f"x{n}", incident_id=f"incident--{uuid.uuid4()}",
                            occurred=(date(2024, 6, 1) - timedelta(days=back)).isoformat(), country="IQ",
                            city=city, perpetrator=group if same else "Unknown", attack_types=[attack],
                            weapon_types=[weapon], target_types=[aim], tlp="clear")
              for n, (same, city, attack, weapon, aim, back) in enumerate(rows)]
    store.put_objects([target, *others], collection_id=collection)
    viewer = Viewer("ali", org_id="a", identity_id=ORG_A, country="JO", member_read=frozenset({collection}))
    where = visibility(viewer, collection)
    with store.engine.connect() as conn:
        facts = _facts(conn, target["id"])
        everything = find_similar(conn, facts, where, limit=1000)
        assert find_similar(conn, facts, where, limit=limit) == everything[:limit]
