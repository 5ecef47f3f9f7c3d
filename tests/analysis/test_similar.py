"""Similar incidents: the documented score, past and visible candidates only, group activity windows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from marsad.analysis.similar import WEIGHTS, find_similar, group_activity, is_named_group
from marsad.analysis.trends import visibility
from marsad.store.incidents import incident_facts
from tests.analysis.brief_world import ISIL, brief_world, reader


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
