"""The incident projection: kept current by every put, last version only, period keys by precision, rebuildable."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select, update

from marsad.model import make_incident
from marsad.model.markings import releasability_marking
from marsad.store import open_store
from marsad.store.incidents import (
    fact_values,
    incident_facts,
    incident_source,
    incident_terms,
    period_start,
    rebuild_incident_facts,
    settle_incident_audiences,
)


@pytest.fixture
def store(database_url):
    opened = open_store(database_url)
    yield opened
    opened.engine.dispose()


def _incident(n: int, modified: str = "2024-01-01T00:00:00.000Z", **fields) -> dict:
    fields.setdefault("occurred", "2023-05-17")
    return make_incident(f"incident {n}", incident_id=f"incident--00000000-0000-4000-8000-{n:012d}",
                         created="2024-01-01T00:00:00.000Z", modified=modified, **fields)


def _facts(store) -> dict:
    """Projection rows by id (without the sharing audience, which is settled later: see store.audiences)."""
    columns = [c for c in incident_facts.c if c.key != "audience"]
    with store.engine.connect() as conn:
        return {row.stix_id: row for row in conn.execute(select(*columns))}


def _terms(store) -> set:
    with store.engine.connect() as conn:
        return {(r.vocabulary, r.term) for r in conn.execute(select(incident_terms))}


def test_put_projects_fields_and_terms(store):
    obj = _incident(1, country="IQ", admin1="Nineveh", city="Mosul", latitude=36.3, longitude=43.1,
                    perpetrator="Islamic State of Iraq and the Levant (ISIL)", killed=4, wounded=9,
                    attack_types=["Armed Assault", "Bombing/Explosion"], themes=["drones"])
    other = {"type": "identity", "spec_version": "2.1", "id": "identity--11111111-1111-4111-8111-111111111111",
             "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "name": "not an incident"}
    store.put_objects([obj, other])
    row = _facts(store)[obj["id"]]
    assert (row.country, row.admin1, row.city, row.killed, row.wounded) == ("IQ", "Nineveh", "Mosul", 4, 9)
    assert (row.day, row.week, row.month, row.year) == (date(2023, 5, 17), date(2023, 5, 15), date(2023, 5, 1),
                                                       date(2023, 1, 1))
    assert row.source == "report" and row.latitude == pytest.approx(36.3)
    assert _terms(store) == {("attack_type", "Armed Assault"), ("attack_type", "Bombing/Explosion"),
                             ("theme", "drones")}
    assert len(_facts(store)) == 1


def test_only_the_last_version_is_projected_whatever_the_order(store):
    old = _incident(2, country="IQ", attack_types=["Armed Assault"])
    new = _incident(2, modified="2024-06-01T00:00:00.000Z", country="SY", attack_types=["Hijacking"])
    store.put_objects([new])
    store.put_objects([old])  # an older version arriving late changes nothing
    assert _facts(store)[new["id"]].country == "SY"
    assert _terms(store) == {("attack_type", "Hijacking")}
    newer = _incident(2, modified="2024-07-01T00:00:00.000Z", country="LY")
    store.put_objects([newer])
    assert _facts(store)[new["id"]].country == "LY" and _terms(store) == set()


def test_versions_in_one_put_keep_the_latest(store):
    store.put_objects([_incident(3, modified="2024-03-01T00:00:00.000Z", country="YE"),
                       _incident(3, modified="2024-02-01T00:00:00.000Z", country="EG")])
    assert [r.country for r in _facts(store).values()] == ["YE"]


def test_precision_leaves_finer_periods_empty(store):
    store.put_objects([_incident(4, occurred="2022-03", occurred_precision="month"),
                       _incident(5, occurred="2021", occurred_precision="year")])
    facts = _facts(store)
    month = next(r for r in facts.values() if r.precision == "month")
    year = next(r for r in facts.values() if r.precision == "year")
    assert (month.day, month.week, month.month, month.year) == (None, None, date(2022, 3, 1), date(2022, 1, 1))
    assert (year.day, year.week, year.month, year.year) == (None, None, None, date(2021, 1, 1))


def test_delete_removes_the_row_and_rebuild_recomputes(store):
    a, b = _incident(6, country="TN"), _incident(7, country="DZ", attack_types=["Unknown"])
    store.put_objects([a, b])
    store.delete_object(a["id"])
    assert set(_facts(store)) == {b["id"]}
    before = {k: tuple(v) for k, v in _facts(store).items()}
    with store.engine.begin() as conn:
        assert rebuild_incident_facts(conn) == 1
    assert {k: tuple(v) for k, v in _facts(store).items()} == before
    assert _terms(store) == {("attack_type", "Unknown")}


def test_source_and_event_id():
    gtd = {"external_references": [{"source_name": "GTD", "external_id": "201601010001"}]}
    assert incident_source(gtd) == ("gtd", "201601010001")
    assert incident_source({"labels": ["extracted"]}) == ("extracted", None)
    assert incident_source({}) == ("report", None)


def test_malformed_values_never_break_a_write():
    obj = _incident(8)
    ext = next(k for k in obj["extensions"] if k.startswith("extension-definition--1097"))
    obj["extensions"][ext].update(occurred="yesterday", killed=-3, country="IRQ", latitude="north")
    row, terms = fact_values(1, obj)
    assert (row["occurred"], row["killed"], row["country"], row["latitude"]) == (None, 0, None, None)


@pytest.mark.parametrize(("day", "period", "start"), [
    (date(2024, 2, 29), "week", date(2024, 2, 26)), (date(2024, 2, 29), "month", date(2024, 2, 1)),
    (date(2024, 2, 29), "year", date(2024, 1, 1)), (date(2024, 2, 29), "day", date(2024, 2, 29)),
])
def test_period_start(day, period, start):
    assert period_start(day, period) == start


def test_on_facts_is_remembered_only_for_the_same_clause_and_values():
    """The memo answers the same re-pointed clause for an equal clause, never for other bound values."""
    from marsad.store import stix_objects
    from marsad.store.incidents import _on_facts, on_facts

    def clause(tlps, creator):
        return (stix_objects.c.tlp.in_(tlps)) | (stix_objects.c.created_by_ref == creator)
    first = on_facts(clause(["clear", "green"], "identity--a"))
    assert on_facts(clause(["clear", "green"], "identity--a")) is first
    for other in (clause(["clear"], "identity--a"), clause(["clear", "green"], "identity--b")):
        again = on_facts(other)
        assert again is not first
        assert str(again.compile(compile_kwargs={"literal_binds": True})) == str(
            _on_facts(other).compile(compile_kwargs={"literal_binds": True}))


_CREATORS = (None, "identity--11111111-1111-4111-8111-111111111111", "identity--22222222-2222-4222-8222-222222222222")


#: a fresh block of incident numbers per example (the store outlives hypothesis's examples)
_BLOCKS = itertools.count(100, 10)


def _version(n: int, m: int, block: int = 100) -> dict:
    """Version ``m`` of incident ``block + n``: the same (n, m) is always the same object (no conflicts)."""
    return _incident(block + n, modified=f"2024-{m + 1:02d}-01T00:00:00.000Z", country=("IQ", "SY", "LY")[(n + m) % 3],
                     attack_types=[("Armed Assault", "Hijacking", "Unknown")[m % 3]], killed=n * m,
                     created_by_ref=_CREATORS[(n * 2 + m) % 3], tlp=("clear", "green", "amber")[(n + 2 * m) % 3])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5)), min_size=1, max_size=5), min_size=1,
                max_size=4))
def test_the_projection_puts_keep_is_the_one_a_rebuild_makes(store, puts):
    """A put hands the projection the sharing facts it stored and the ids new to the store (no projected row to
    look up); a rebuild reads them all from the store: both give the same rows, whatever the order of versions."""
    block = next(_BLOCKS)
    for put in puts:
        store.put_objects([_version(n, m, block) for n, m in put])
    kept = ({k: tuple(v) for k, v in _facts(store).items()}, _terms_by_row(store))
    with store.engine.begin() as conn:
        rebuild_incident_facts(conn)
    assert ({k: tuple(v) for k, v in _facts(store).items()}, _terms_by_row(store)) == kept
    latest = {}
    for put in puts:
        for n, m in put:
            latest[n] = max(latest.get(n, m), m)
    facts = _facts(store)
    for n, m in latest.items():
        row = facts[_version(n, m, block)["id"]]
        assert (row.country, row.killed, row.tlp, row.created_by_ref) == (
            ("IQ", "SY", "LY")[(n + m) % 3], n * m, ("clear", "green", "amber")[(n + 2 * m) % 3], _CREATORS[(n * 2 + m) % 3])


def _terms_by_row(store) -> set:
    with store.engine.connect() as conn:
        return {(r.object_pk, r.vocabulary, r.term) for r in conn.execute(select(incident_terms))}


#: release lists of the versions of test_put_writes_rows_with_the_audience_settling_gives, by (n + m) % 3
_RELEASES = (None, ["SA"], ["SA", "user:amal"])


def _released(n: int, m: int, block: int) -> list[dict]:
    """:func:`_version`, with a release list (and its marking-definition) for two thirds of them."""
    obj, entries = _version(n, m, block), _RELEASES[(n + m) % 3]
    if entries is None:
        return [obj]
    release = releasability_marking(entries)
    return [release, dict(obj, object_marking_refs=[*obj.get("object_marking_refs", []), release["id"]])]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5)), min_size=1, max_size=5),
                          st.sampled_from([None, "a", "b"])), min_size=1, max_size=4))
def test_put_writes_rows_with_the_audience_settling_gives(store, puts):
    """A put writes its new projection rows settled (TLP, creator, release list, collection known), with the very
    audience settling would give them; a version already stored and added to another collection is unsettled by
    the trigger, and settled by a later write."""
    block = next(_BLOCKS)
    homes = {name: store.create_collection(f"c{block}{name}", alias=f"c{block}{name}").id for name in ("a", "b")}
    for put, home in puts:
        with store.engine.connect() as conn:
            before = set(conn.execute(select(incident_facts.c.object_pk)).scalars())
        store.put_objects([o for n, m in put for o in _released(n, m, block)], collection_id=homes.get(home))
        with store.engine.begin() as conn:
            written = dict(conn.execute(select(incident_facts.c.object_pk, incident_facts.c.audience)).all())
            assert all(written[pk] is not None for pk in written.keys() - before)
            conn.execute(update(incident_facts).values(audience=None))
            settle_incident_audiences(conn)
            settled = dict(conn.execute(select(incident_facts.c.object_pk, incident_facts.c.audience)).all())
        assert {pk: a for pk, a in written.items() if a is not None} == {
            pk: settled[pk] for pk, a in written.items() if a is not None}
