"""Add Objects, Get Status and Delete an Object below HTTP: whole-envelope checks, per-object outcomes."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from marsad.access.context import load_viewer
from marsad.config import Settings
from marsad.errors import AccessDenied, InvalidJSON, InvalidSTIX, NotFound, TooLarge, UnknownMarking
from marsad.exchange.taxii.filters import DELETE_FILTERS, parse_query
from marsad.exchange.taxii.writes import add_objects, delete_object, envelope_objects, read_status
from marsad.store.objects import stix_objects
from taxii_world import build_world, indicator, stamp


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    made = build_world(f"sqlite:///{(tmp_path_factory.mktemp('writes') / 'm.db').as_posix()}", api_keys=False)
    yield made
    made.engine.dispose()


SETTINGS = Settings(max_content_length=100_000, max_objects_per_bundle=50)


def viewer(world, org):
    with world.engine.connect() as conn:
        return load_viewer(conn, f"{org}_analyst")


def body(objects) -> bytes:
    return json.dumps({"objects": objects}).encode()


def count(world) -> int:
    with world.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(stix_objects)).scalar()


@pytest.mark.parametrize("raw, error", [
    (b"\xff\xfe", InvalidJSON), (b"{", InvalidJSON), (b"[]", InvalidSTIX), (b'{"type": "indicator"}', InvalidSTIX),
    (b'{"objects": {}}', InvalidSTIX), (b"x" * 100_001, TooLarge),
    (json.dumps({"objects": [{}] * 51}).encode(), TooLarge),
])
def test_envelope_shape_is_checked_first(raw, error):
    with pytest.raises(error):
        envelope_objects(raw, max_bytes=100_000, max_objects=50)


def test_bundle_bodies_are_accepted_like_envelopes():
    obj = indicator()
    assert envelope_objects(json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [obj]})
                            .encode(), max_bytes=10_000, max_objects=5) == [obj]


def test_invalid_object_rejects_the_whole_envelope(world):
    before = count(world)
    good, bad = indicator(), {**indicator(), "created": "yesterday"}
    with pytest.raises(InvalidSTIX) as caught:
        add_objects(world.engine, SETTINGS, viewer(world, "sa"), "regional", body([good, bad]))
    assert bad["id"] in caught.value.message and caught.value.details[0]["index"] == 1
    with pytest.raises(UnknownMarking):
        add_objects(world.engine, SETTINGS, viewer(world, "sa"), "regional",
                    body([{**good, "object_marking_refs": [f"marking-definition--{uuid.uuid4()}"]}]))
    assert count(world) == before


def test_outcomes_per_object_and_status_for_its_owner_only(world):
    sa = world.orgs["sa"].identity_id
    kept = indicator(sa)
    add_objects(world.engine, SETTINGS, viewer(world, "sa"), "regional", body([kept]))
    status = add_objects(world.engine, SETTINGS, viewer(world, "sa"), "regional",
                         body([kept, {**kept, "name": "other"}, indicator(sa)]))
    assert (status["success_count"], status["failure_count"], status["total_count"]) == (2, 1, 3)
    assert status["successes"][0] == {"id": kept["id"], "version": kept["modified"], "message": "already stored"}
    assert read_status(world.engine, viewer(world, "sa"), status["id"]) == status
    with pytest.raises(NotFound):
        read_status(world.engine, viewer(world, "jo"), status["id"])
    with pytest.raises(NotFound):
        read_status(world.engine, viewer(world, "sa"), str(uuid.uuid4()))


def test_empty_envelope_is_a_complete_empty_status(world):
    status = add_objects(world.engine, SETTINGS, viewer(world, "sa"), "regional", b'{"more": false}')
    assert (status["status"], status["total_count"]) == ("complete", 0)


def test_delete_chosen_versions_by_their_originator(world):
    sa = world.orgs["sa"].identity_id
    stix_id = f"indicator--{uuid.uuid4()}"
    add_objects(world.engine, SETTINGS, viewer(world, "sa"), "regional",
                body([indicator(sa, stix_id=stix_id, modified=m) for m in (0, 5)]))
    everything = parse_query({}, DELETE_FILTERS, default_versions=("all",))
    with pytest.raises(AccessDenied):
        delete_object(world.engine, viewer(world, "jo"), "regional", stix_id, everything)
    first = parse_query({"match[version]": ["first"]}, DELETE_FILTERS, default_versions=("all",))
    delete_object(world.engine, viewer(world, "sa"), "regional", stix_id, first)
    delete_object(world.engine, viewer(world, "sa"), "regional", stix_id, everything)
    with pytest.raises(NotFound):
        delete_object(world.engine, viewer(world, "sa"), "regional", stix_id, everything)
    with pytest.raises(NotFound):
        delete_object(world.engine, viewer(world, "sec"), "sa-jo", stix_id, everything)
    assert stamp(0)  # the versions were stamp(0) and stamp(5); both gone now


def test_objects_status_and_audit_entry_are_stored_together_or_not_at_all(world, monkeypatch):
    from marsad.access import audit
    from marsad.store.audit import audit_log
    from marsad.store.taxii_status import taxii_status

    def rows(table) -> int:
        with world.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(table)).scalar()

    before = (count(world), rows(taxii_status), rows(audit_log))

    def failing(*_args, **_kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(audit, "record_write", failing)
    with pytest.raises(RuntimeError):
        add_objects(world.engine, SETTINGS, viewer(world, "sa"), "regional", body([indicator(), indicator()]))
    assert (count(world), rows(taxii_status), rows(audit_log)) == before
    monkeypatch.undo()
    status = add_objects(world.engine, SETTINGS, viewer(world, "sa"), "regional", body([indicator()]))
    assert (count(world), rows(taxii_status), rows(audit_log)) == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert status["success_count"] == 1


def test_planner_statistics_are_refreshed_as_objects_arrive(world, monkeypatch):
    from marsad.exchange.taxii import writes as taxii_writes
    from marsad.store import Store

    refreshed = []
    monkeypatch.setattr(taxii_writes, "ANALYSE_AFTER", 3)
    monkeypatch.setattr(Store, "refresh_statistics", lambda self: refreshed.append(self.engine))
    taxii_writes._ADDED.pop(world.engine, None)
    add_objects(world.engine, SETTINGS, viewer(world, "sa"), "regional", body([indicator(), indicator()]))
    assert refreshed == []
    add_objects(world.engine, SETTINGS, viewer(world, "sa"), "regional", body([indicator(), indicator()]))
    assert refreshed == [world.engine]  # 4 added since the last refresh: one refresh, the count starts anew
    add_objects(world.engine, SETTINGS, viewer(world, "sa"), "regional", body([indicator()]))
    assert refreshed == [world.engine]


def test_statistics_refresh_left_for_later_on_postgresql(database_url, monkeypatch):
    """The routes pass ``later``: PostgreSQL's ANALYZE is handed over to run after the answer (not run here);
    SQLite's sub-millisecond refresh runs at once."""
    from marsad.exchange.taxii import writes as taxii_writes
    from marsad.store import Store

    made = build_world(database_url, api_keys=False)
    try:
        refreshed, handed = [], []
        monkeypatch.setattr(taxii_writes, "ANALYSE_AFTER", 2)
        monkeypatch.setattr(Store, "refresh_statistics", lambda self: refreshed.append(self.engine))
        status = add_objects(made.engine, SETTINGS, viewer(made, "sa"), "regional",
                             body([indicator(), indicator()]), later=handed.append)
        assert status["success_count"] == 2
        if made.engine.dialect.name == "postgresql":
            assert refreshed == [] and len(handed) == 1
            handed[0]()
        else:
            assert handed == []
        assert refreshed == [made.engine]
    finally:
        made.engine.dispose()
