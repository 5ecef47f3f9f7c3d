"""The clause cache: reused for the same viewer facts, rebuilt when any fact the policy reads changes."""

from dataclasses import replace

from marsad.access.context import Viewer
from marsad.exchange.taxii.clauses import ClauseCache, viewer_key
from marsad.store.selection import Scope

BASE = Viewer(username="a", org_id="o1", identity_id="identity--00000000-0000-4000-8000-000000000001",
              country="SA", member_read=frozenset({"c1"}), member_write=frozenset({"c1"}))


def test_same_facts_same_clause_object():
    cache = ClauseCache()
    assert cache.visible(BASE, "c1") is cache.visible(replace(BASE), "c1")
    assert cache.visible(BASE, "c1") is not cache.visible(BASE, "c2")


def test_any_policy_fact_changes_the_key():
    changes = [dict(member_read=frozenset({"c1", "c2"})), dict(grants={"c1": "red"}), dict(country="JO"),
               dict(is_secretariat=True), dict(open_read=frozenset({"c9"})), dict(identity_id=None),
               dict(member_identities=frozenset({"identity--x"}))]
    keys = {viewer_key(BASE)} | {viewer_key(replace(BASE, **change)) for change in changes}
    assert len(keys) == len(changes) + 1


def test_version_clauses_per_scope_and_keyword_and_bounded_size():
    cache = ClauseCache(size=3)
    visible = cache.visible(BASE, "c1")
    scope = Scope("c1", where=visible)
    last = cache.version(BASE, scope, "last")
    assert cache.version(BASE, Scope("c1", where=visible), "last") is last
    assert cache.version(BASE, scope, "first") is not last
    assert cache.version(BASE, Scope("c1", ids=["indicator--1"], where=visible), "last") is not last
    assert len(cache._memo) == 3
