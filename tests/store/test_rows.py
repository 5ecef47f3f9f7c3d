"""Row building: canonical hash, version key, search text, refusal of objects without id/type."""

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import Column, Float, MetaData, String, Table, create_engine, select

from marsad.errors import InvalidSTIX
from marsad.store.base import BigIntPK
from marsad.store.rows import build_row, content_hash, driver_insert, in_list, listed, version_key
from marsad.store.timestamps import EPOCH, parse_timestamp


def test_hash_ignores_key_order_but_not_content():
    a = {"type": "x", "id": "x--1", "name": "هجوم"}
    assert content_hash(a) == content_hash(dict(reversed(list(a.items()))))
    assert content_hash(a) != content_hash({**a, "name": "هجوم "})


def test_version_key_falls_back_to_created_then_epoch():
    assert version_key({"modified": "2024-01-02T00:00:00Z", "created": "2024-01-01T00:00:00Z"}) == parse_timestamp(
        "2024-01-02T00:00:00Z"
    )
    assert version_key({"created": "2024-01-01T00:00:00Z"}) == parse_timestamp("2024-01-01T00:00:00Z")
    assert version_key({"type": "ipv4-addr"}) == EPOCH


def test_build_row_columns():
    obj = {"type": "report", "id": "report--1", "spec_version": "2.1", "created": "2024-01-01T00:00:00Z",
           "modified": "2024-01-01T00:00:00Z", "name": "Rapport annuel", "created_by_ref": "identity--9",
           "revoked": True}
    row = build_row(obj)
    assert row.values["type"] == "report" and row.values["revoked"] is True
    assert row.values["created_by_ref"] == "identity--9"
    assert row.values["search_text"] == "rapport annuel"
    assert row.key == ("report--1", parse_timestamp("2024-01-01T00:00:00Z"))


@pytest.mark.parametrize("bad", [{"type": "x"}, {"id": "x--1"}, {"id": "nodashes", "type": "x"}])
def test_objects_without_id_or_type_are_refused(bad):
    with pytest.raises(InvalidSTIX):
        build_row(bad)


def test_build_row_without_search_text_differs_only_by_it():
    obj = {"type": "location", "id": "location--1", "created": "2024-01-01T00:00:00Z", "name": "Mogadiscio, Somalie"}
    full, lean = build_row(obj), build_row(obj, search=False)
    assert "search_text" not in lean.values and full.values.pop("search_text") == "mogadiscio, somalie"
    assert (lean.values, lean.key, lean.json) == (full.values, full.key, full.json)


_WORDS = st.one_of(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
                   st.sampled_from(['a"b', "a\\b", "a,b", "{x}", "NULL", "", " ", "\t\n", "هجوم", "x" * 301, '\\"']))


@pytest.fixture
def lookup_table(database_url):
    engine = create_engine(database_url)
    table = Table("in_list_probe", MetaData(), Column("pk", BigIntPK, primary_key=True, autoincrement=False),
                  Column("word", String(300)))
    table.create(engine)
    yield engine, table
    engine.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stored=st.lists(_WORDS, max_size=8, unique=True), asked=st.lists(_WORDS, max_size=8))
def test_in_list_with_listed_values_finds_exactly_the_values_asked(lookup_table, stored, asked):
    """The array's text form reads back as the same strings (quotes, backslashes, commas, braces, 'NULL', blanks,
    Arabic), a value longer than the column is not cut to match a stored prefix, and integers find their rows."""
    engine, table = lookup_table
    stored = [word[:300] for word in stored if len(word) <= 300] + (["x" * 300] if "x" * 301 in asked else [])
    stored = list(dict.fromkeys(stored))
    with engine.begin() as conn:
        conn.execute(table.delete())
        if stored:
            conn.execute(table.insert(), [{"pk": n, "word": word} for n, word in enumerate(stored)])
        dialect = "postgresql" if conn.dialect.name == "postgresql" else "sqlite"
        by_word = select(table.c.word).where(in_list(table.c.word, "words")[dialect])
        found = set(conn.execute(by_word, {"words": listed(conn, asked)}).scalars()) if asked else set()
        assert found == set(stored) & set(asked)
        by_pk = select(table.c.pk).where(in_list(table.c.pk, "pks")[dialect])
        pks = list(range(0, len(asked) * 2, 2))
        got = set(conn.execute(by_pk, {"pks": listed(conn, pks)}).scalars()) if pks else set()
        assert got == set(pks) & set(range(len(stored)))


@pytest.fixture
def insert_tables(database_url):
    engine = create_engine(database_url)
    meta = MetaData()
    tables = [Table(f"driver_insert_{name}", meta, Column("seq", BigIntPK, primary_key=True, autoincrement=True),
                    Column("word", String(300)), Column("n", BigIntPK), Column("x", Float), sqlite_autoincrement=True)
              for name in ("one", "many")]
    meta.create_all(engine)
    yield engine, tables
    engine.dispose()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.one_of(st.none(), _WORDS.map(lambda w: w[:300])), st.integers(-2**62, 2**62),
                               st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False))), max_size=12),
       copies=st.integers(0, 60))
def test_multirow_insert_stores_what_one_row_at_a_time_stores(insert_tables, rows, copies):
    """driver_insert with ``multirow`` (SQLite: INSERTs of 256/64/16/4 rows, the rest one by one) stores the same
    rows in the same order (the AUTOINCREMENT key tells it) as without, whatever the count (0 to ~700 rows)."""
    engine, (one, many) = insert_tables
    rows = rows * copies if rows and copies else rows
    with engine.begin() as conn:
        for table, multirow in ((one, False), (many, True)):
            conn.execute(table.delete())
            driver_insert(conn, table.name, ("word", "n", "x"), rows, multirow=multirow)
        stored = [[tuple(r) for r in conn.execute(select(t.c.word, t.c.n, t.c.x).order_by(t.c.seq))] for t in (one, many)]
    assert stored[0] == stored[1] == [tuple(r) for r in rows]
