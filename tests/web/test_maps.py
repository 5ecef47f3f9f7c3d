"""Map data: country shapes with an ETag; incident markers only of what the viewer may see, counted exactly."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from marsad.access.context import load_viewer
from marsad.errors import InputError
from marsad.store.incidents import incident_facts, rebuild_incident_facts
from marsad.web.maps import MAX_MARKERS, Box, incident_markers, parse_box, shapes_payload
from tests.access.conftest import _engines, cheap_password_hashing, engine  # noqa: F401 (fixtures)
from tests.access.worlds import COLLECTIONS, DB_SETTINGS, store_world, visible_incidents, world_st

#: positions given to the incidents of a generated world (some have none and never become markers)
PLACES = [(33.3, 44.4), (33.31, 44.41), (15.3, 44.2), (36.8, 10.2), None]


def test_parse_box():
    assert parse_box(None) is None
    assert parse_box("10,20,30,40") == Box(10, 20, 30, 40)
    assert parse_box("-200,-100,200,100") == Box(-180, -90, 180, 90)  # whole world, clamped
    assert parse_box("170,0,190,10") == Box(170, 0, -170, 10)  # across the antimeridian
    for bad in ("1,2,3", "a,b,c,d", "0,10,5,0", "nan,0,1,1"):
        with pytest.raises(InputError):
            parse_box(bad)


def test_shapes_payload_flags_members_and_has_a_stable_etag():
    body, etag = shapes_payload(frozenset({"SA", "EG"}))
    data = json.loads(body)
    members = {f["properties"]["code"] for f in data["features"] if f["properties"]["member"]}
    assert members == {"SA", "EG"}
    assert shapes_payload(frozenset({"SA", "EG"}))[1] == etag
    assert shapes_payload(frozenset({"SA"}))[1] != etag
    assert etag.startswith('"') and etag.endswith('"')


def _place_incidents(conn, positions) -> dict[str, tuple[float, float] | None]:
    """Project the world's incidents and give each a position (by stix id, from ``positions``)."""
    rebuild_incident_facts(conn)
    placed = {}
    for n, row in enumerate(conn.execute(select(incident_facts.c.object_pk, incident_facts.c.stix_id)
                                         .order_by(incident_facts.c.stix_id)).all()):
        where = positions[n % len(positions)]
        placed[row.stix_id] = where
        lat, lon = where if where else (None, None)
        conn.execute(update(incident_facts).where(incident_facts.c.object_pk == row.object_pk)
                     .values(latitude=lat, longitude=lon, occurred=date(2026, 1, 1 + n % 28)))
    return placed


@settings(DB_SETTINGS, max_examples=10)
@given(world=world_st, offset=st.integers(0, len(PLACES) - 1))
def test_markers_are_exactly_the_visible_placed_incidents(engine, world, offset):  # noqa: F811
    positions = PLACES[offset:] + PLACES[:offset]
    with engine.begin() as conn:
        stored = store_world(conn, world)
        placed = _place_incidents(conn, positions)
    with engine.connect() as conn:
        for i in range(len(world["orgs"])):
            who = load_viewer(conn, f"u{i}")
            expected = {sid for sid in visible_incidents(stored, who) if placed.get(sid)}
            found = incident_markers(conn, who)
            ids = [f["properties"]["id"] for f in found["features"]]
            assert sorted(ids) == sorted(expected) and found["total"] == len(expected)
            clusters = incident_markers(conn, who, limit=1, zoom=0)
            assert clusters["total"] == len(expected)
            assert sum(f["properties"]["count"] for f in clusters["features"]) == len(expected)
            assert not clusters["truncated"]
            assert all("id" not in f["properties"] for f in clusters["features"]) or clusters["mode"] == "incidents"
        anonymous = incident_markers(conn, None)  # no viewer: TLP:CLEAR only
        assert all(stored_tlp(stored, f["properties"]["id"]) == "clear" for f in anonymous["features"])


def stored_tlp(stored, stix_id) -> str | None:
    latest = max((version, pk, facts.tlp) for pk, (facts, _, version) in stored.items() if facts.stix_id == stix_id)
    return latest[2]


def test_markers_filter_by_box_date_and_country(engine):  # noqa: F811
    world = {"orgs": [{"country": "SA", "secretariat": False, "member": ["none"] * 3, "grant": [None] * 3}],
             "open": [True, True, True],
             "objects": [{"kind": "incident", "own_id": 0, "by": None, "tlp": "clear", "release_to": [],
                          "collections": [COLLECTIONS[0]], "sid": s} for s in range(4)]}
    with engine.begin() as conn:
        store_world(conn, world)
        _place_incidents(conn, PLACES[:4])
        conn.execute(update(incident_facts).values(country="IQ"))
    with engine.connect() as conn:
        who = load_viewer(conn, "u0")
        assert incident_markers(conn, who)["total"] == 4
        iraq = incident_markers(conn, who, box=Box(40, 30, 50, 40))
        assert iraq["total"] == 2 and {f["geometry"]["coordinates"][1] for f in iraq["features"]} == {33.3, 33.31}
        assert incident_markers(conn, who, since=date(2026, 1, 3))["total"] == 2
        assert incident_markers(conn, who, until=date(2026, 1, 1))["total"] == 1
        assert incident_markers(conn, who, country="iq")["total"] == 4
        assert incident_markers(conn, who, country="EG")["total"] == 0
        newest = incident_markers(conn, who)["features"]
        assert [f["properties"]["date"] for f in newest] == sorted((f["properties"]["date"] for f in newest),
                                                                   reverse=True)
        props = newest[0]["properties"]
        assert props["url"] == f"/incidents/{props['id'].replace(':', '%3A')}" and props["country_name"] == "العراق"
        near = incident_markers(conn, who, limit=1, zoom=8)  # the two Baghdad points share a cell
        assert near["mode"] == "clusters" and sorted(f["properties"]["count"] for f in near["features"]) == [1, 1, 2]
        with pytest.raises(InputError):
            incident_markers(conn, who, country="ZZ")
        with pytest.raises(InputError):
            incident_markers(conn, who, limit=MAX_MARKERS + 1)
