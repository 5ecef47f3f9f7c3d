"""Autocomplete: suggestions come only from incidents the viewer may see (hypothesis over generated worlds, like
the markers and search), in the viewer's language, prefix matches first."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from sqlalchemy import delete, select, update

from marsad.access.context import load_viewer
from marsad.errors import InputError
from marsad.store.incidents import incident_facts, rebuild_incident_facts
from marsad.store.objects import stix_objects
from marsad.web.suggestions import MAX_SUGGESTIONS, Suggestion, _rank, clear_cache, suggest
from tests.access.conftest import _engines, cheap_password_hashing, engine  # noqa: F401 (fixtures)
from tests.access.worlds import COLLECTIONS, DB_SETTINGS, store_world, visible_incidents, world_st


def _name_incidents(conn) -> dict[str, int]:
    """Project the world's incidents and give each (by stix id) its own group, town and name word ``alpha<n>``."""
    rebuild_incident_facts(conn)
    numbers = {}
    rows = conn.execute(select(incident_facts.c.object_pk, incident_facts.c.stix_id)
                        .order_by(incident_facts.c.stix_id)).all()
    for n, row in enumerate(rows):
        numbers[row.stix_id] = n
        conn.execute(update(incident_facts).where(incident_facts.c.object_pk == row.object_pk).values(
            perpetrator=f"Zqxgroup{n}", city=f"Zqxtown{n}", country="JO"))
        conn.execute(update(stix_objects).where(stix_objects.c.pk == row.object_pk).values(
            object={"type": "incident", "id": row.stix_id, "name": f"alpha{n} report"}))
    return numbers


def _texts(found: list[Suggestion], kind: str) -> set[str]:
    return {s.text for s in found if s.kind == kind}


@settings(DB_SETTINGS, max_examples=15)
@given(world=world_st)
def test_nothing_suggested_from_an_incident_the_viewer_may_not_see(engine, world):  # noqa: F811
    clear_cache()  # worlds replace rows in place: a cached list could match another world's data version
    with engine.begin() as conn:
        stored = store_world(conn, world)
        numbers = _name_incidents(conn)
    with engine.connect() as conn:
        for i in range(len(world["orgs"])):
            who = load_viewer(conn, f"u{i}")
            visible = sorted(numbers[sid] for sid in visible_incidents(stored, who))
            groups = suggest(conn, who, "zqxg", "group", "en", MAX_SUGGESTIONS)
            assert _texts(groups, "group") == {f"Zqxgroup{n}" for n in visible} and len(groups) == len(visible)
            places = suggest(conn, who, "ZQXTOWN", "place", "ar", MAX_SUGGESTIONS)
            assert _texts(places, "place") == {f"Zqxtown{n}" for n in visible}
            everything = suggest(conn, who, "more alph", "search", "fr", MAX_SUGGESTIONS)
            assert _texts(everything, "term") == {f"more alpha{n}" for n in visible}
            country = suggest(conn, who, "الأردن", "place", "ar")
            assert [s.text for s in country] == (["الأردن"] if visible else [])


def test_empty_and_bad_queries(engine):  # noqa: F811
    with engine.connect() as conn:
        assert suggest(conn, None, "  ", "search") == []
        for bad in ({"kind": "users"}, {"q": "x" * 101}, {"limit": 0}, {"limit": MAX_SUGGESTIONS + 1}):
            with pytest.raises(InputError):
                suggest(conn, None, **{"q": "a", "kind": "search", **bad})


def test_prefix_matches_first_then_by_count():
    candidates = {"Al-Shabaab": (2, ["al-shabaab"]), "Shabaab cell": (1, ["shabaab cell"]),
                  "Shabaab faction": (5, ["shabaab faction"]), "Other": (9, ["other"])}
    assert [s.text for s in _rank(candidates, "shabaab", "group")] == ["Shabaab faction", "Shabaab cell",
                                                                       "Al-Shabaab"]


def test_candidates_are_cached_per_viewer_and_data_version(engine, monkeypatch):  # noqa: F811
    from marsad.web import suggestions
    world = {"orgs": [{"country": "SA", "secretariat": False, "member": ["read"] * 3, "grant": [None] * 3},
                      {"country": "JO", "secretariat": False, "member": ["none"] * 3, "grant": [None] * 3}],
             "open": [False, False, False],
             "objects": [{"kind": "incident", "own_id": 0, "by": None, "tlp": "green", "release_to": [],
                          "collections": [COLLECTIONS[0]], "sid": 0}]}
    clear_cache()
    with engine.begin() as conn:
        store_world(conn, world)
        _name_incidents(conn)
    built = []
    real = suggestions._group_candidates
    monkeypatch.setattr(suggestions, "_group_candidates", lambda *a: built.append(1) or real(*a))
    with engine.connect() as conn:
        member, outsider = load_viewer(conn, "u0"), load_viewer(conn, "u1")
        for q in ("z", "zq", "zqx"):
            assert [s.text for s in suggest(conn, member, q, "group", "en")] == ["Zqxgroup0"]
        assert suggest(conn, outsider, "zqx", "group", "en") == []  # another viewer: its own list
    assert len(built) == 2
    with engine.begin() as conn:  # the projection changed: a new data version
        conn.execute(delete(incident_facts))
    with engine.connect() as conn:
        assert suggest(conn, member, "zqx", "group", "en") == []
    assert len(built) == 3
