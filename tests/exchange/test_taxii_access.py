"""Who may open a TAXII collection: 404 without any right (like an unknown one), 403 with the other right only,
each refusal audited; the collection resource shows the asking user's own rights."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marsad.access.context import load_viewer
from marsad.errors import AccessDenied, NotFound
from marsad.exchange.taxii.access import open_collection, visible_collections
from marsad.store.audit import audit_log
from taxii_world import build_world


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    made = build_world(f"sqlite:///{(tmp_path_factory.mktemp('access') / 'm.db').as_posix()}", api_keys=False)
    yield made
    made.engine.dispose()


def viewer(world, org):
    with world.engine.connect() as conn:
        return load_viewer(conn, f"{org}_analyst")


def test_rights_per_user_in_the_collection_resource(world):
    jo = {a.collection.alias: a.resource() for a in visible_collections(world.engine, viewer(world, "jo"))}
    assert (jo["sa-drop"]["can_read"], jo["sa-drop"]["can_write"]) == (False, True)
    assert (jo["regional"]["can_read"], jo["regional"]["can_write"]) == (True, True)
    assert "empty" not in jo


@pytest.mark.parametrize("org, alias, need, error", [
    ("sec", "sa-jo", "read", NotFound), ("sec", "sa-jo", "write", NotFound), ("sa", "empty", "any", NotFound),
    ("sa", "no-such-collection", "read", NotFound), ("jo", "sa-drop", "read", AccessDenied),
])
def test_refusals(world, org, alias, need, error):
    with pytest.raises(error):
        open_collection(world.engine, viewer(world, org), alias, need=need)


def test_unknown_and_forbidden_say_the_same_thing(world):
    with pytest.raises(NotFound) as hidden:
        open_collection(world.engine, viewer(world, "sec"), world.collections["sa-jo"], need="read")
    with pytest.raises(NotFound) as unknown:
        open_collection(world.engine, viewer(world, "sec"), "00000000-0000-4000-8000-000000000000", need="read")
    assert type(hidden.value) is type(unknown.value) and hidden.value.status == unknown.value.status == 404


def test_write_only_member_may_open_for_writing_and_refusals_are_audited(world):
    assert open_collection(world.engine, viewer(world, "jo"), "sa-drop", need="write").can_write
    with pytest.raises(AccessDenied):
        open_collection(world.engine, viewer(world, "jo"), "sa-drop", need="read", remote_addr="203.0.113.5")
    with world.engine.connect() as conn:
        last = conn.execute(select(audit_log).order_by(audit_log.c.seq.desc())).first()
    assert (last.action, last.actor, last.remote_addr) == ("deny", "jo_analyst", "203.0.113.5")
    assert last.detail["collection"] == "sa-drop" and last.detail["attempted"] == "read"
