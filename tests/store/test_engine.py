"""Engines: SQLite gets WAL and foreign keys; bad URLs are configuration errors, not tracebacks."""

import json
import math
import threading
import time
from datetime import datetime, timezone

import pytest
from psycopg.adapt import PyFormat
from psycopg.pq import Format
from psycopg.types.json import Json, Jsonb
from sqlalchemy import JSON, Column, Integer, MetaData, Table, insert, select, text
from sqlalchemy.exc import DBAPIError, StatementError

from marsad.errors import ConfigError
from marsad.store.base import JSONType
from marsad.store.engine import BACKSTOP_PAGES, WalCheckpointer, is_sqlite, make_engine
from marsad.store.json_codec import column_bytes, column_value


def test_sqlite_pragmas_and_folder_created(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/deep/er/marsad.db")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (tmp_path / "deep" / "er").is_dir() and is_sqlite(engine)


@pytest.mark.postgres
def test_postgres_plain_url_gets_psycopg(postgres_database):
    engine = make_engine(postgres_database.replace("postgresql+psycopg", "postgresql"))
    assert engine.url.drivername == "postgresql+psycopg"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1


@pytest.mark.parametrize("url", ["nonsense", "mysql://x/y", "oracle+cx://a/b"])
def test_bad_urls(url):
    with pytest.raises(ConfigError):
        make_engine(url)



def test_wal_checkpointer_moves_checkpoints_off_the_connections(tmp_path):
    database = tmp_path / "marsad.db"
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x TEXT)"))
    checkpointer = WalCheckpointer(engine, interval=3600)  # the test checkpoints by hand
    checkpointer.start()
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == BACKSTOP_PAGES
        with engine.begin() as conn:  # ~1,500 pages: the default would have checkpointed inside this commit
            conn.execute(text("INSERT INTO t VALUES (:x)"), [{"x": "v" * 4000}] * 1500)
        assert database.stat().st_size < 1_000_000  # still all in the WAL
        checkpointer.checkpoint()
        assert database.stat().st_size > 6_000_000
    finally:
        checkpointer.stop()
    with engine.connect() as conn:  # stopped: connections made from now on have SQLite's default again
        assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == BACKSTOP_PAGES  # made while running
    engine.dispose()
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 1000
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 1500


def test_wal_checkpointer_thread_checkpoints_and_stops(tmp_path):
    database = tmp_path / "marsad.db"
    engine = make_engine(f"sqlite:///{database}")
    checkpointer = WalCheckpointer(engine, interval=0.01)
    checkpointer.start()
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x TEXT)"))
        conn.execute(text("INSERT INTO t VALUES (:x)"), [{"x": "v" * 4000}] * 1500)
    deadline = time.monotonic() + 30
    while database.stat().st_size < 6_000_000 and time.monotonic() < deadline:
        time.sleep(0.01)
    checkpointer.stop()
    assert database.stat().st_size > 6_000_000
    assert not any(t.name == "marsad-wal-checkpoint" for t in threading.enumerate())


def test_wal_checkpointer_leaves_other_engines_alone():
    memory = make_engine("sqlite://")
    checkpointer = WalCheckpointer(memory)
    assert not checkpointer.applies
    checkpointer.start()
    checkpointer.stop()
    with memory.connect() as conn:
        assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 1000


def _json_table():
    return Table("j", MetaData(), Column("id", Integer, primary_key=True), Column("doc", JSONType),
                 Column("plain", JSON))


#: values whose JSON orjson writes (a float below 1e-4 its own way), and ones the codec leaves to the standard
#: library (null, integers beyond 64 bits, a lone surrogate): each must read back as the library's text would
ROUND_TRIP = [{"t": "هجوم — Kaboul", "n": [1, 2.5, True], "d": {"z": 1, "a": [{}]}}, [None, "x"], [],
              {"big": 2**64, "neg": -2**63 - 1, "small": 1e-7, "lat": 34.52813, "quote": "\"\\\n"}, "\ud800x"]


def test_json_columns_use_the_stores_codec(database_url):
    """Values read back as :func:`json.dumps` then :func:`json.loads` give them, on both backends; the text is
    the codec's (compact UTF-8), so the driver really uses it (PostgreSQL's json type keeps the text as sent)."""
    engine = make_engine(database_url)
    table = _json_table()
    table.create(engine)
    values = ROUND_TRIP if engine.dialect.name == "sqlite" else ROUND_TRIP[:-1]  # PostgreSQL refuses \ud800
    with engine.begin() as conn:
        conn.execute(insert(table), [{"id": i, "doc": v, "plain": v} for i, v in enumerate(values)])
        read = conn.execute(select(table.c.doc, table.c.plain).order_by(table.c.id)).all()
        plain_text = conn.execute(text("SELECT CAST(plain AS TEXT) FROM j WHERE id = 0")).scalar()
    for value, (doc, plain) in zip(values, read):  # (sorted: jsonb orders keys its own way)
        expected = json.dumps(json.loads(json.dumps(value)), sort_keys=True)
        assert json.dumps(doc, sort_keys=True) == json.dumps(plain, sort_keys=True) == expected  # 2**64 an int, 1.0 not 1
    assert plain_text == '{"t":"هجوم — Kaboul","n":[1,2.5,true],"d":{"z":1,"a":[{}]}}'
    engine.dispose()


def test_json_columns_keep_the_librarys_errors_and_nan(database_url):
    engine = make_engine(database_url)
    table = _json_table()
    table.create(engine)
    # SQLAlchemy's JSON type encodes on SQLite (and wraps the error); psycopg's dumper on PostgreSQL (it does not)
    refused = StatementError if engine.dialect.name == "sqlite" else TypeError
    with engine.begin() as conn, pytest.raises(refused, match="Object of type datetime is not JSON serializable"):
        conn.execute(insert(table), {"id": 1, "doc": {"at": datetime(2024, 1, 1, tzinfo=timezone.utc)}})
    if engine.dialect.name == "sqlite":  # the library writes NaN, and reads it back
        with engine.begin() as conn:
            conn.execute(insert(table), {"id": 2, "doc": [math.nan, math.inf]})
            nan, inf = conn.execute(select(table.c.doc).where(table.c.id == 2)).scalar()
        assert math.isnan(nan) and inf == math.inf
    else:  # PostgreSQL refuses the library's NaN, as before (orjson alone would have stored null)
        with engine.begin() as conn, pytest.raises(DBAPIError, match='Token "NaN" is invalid'):
            conn.execute(insert(table), {"id": 2, "doc": [math.nan]})
    engine.dispose()


@pytest.mark.postgres
def test_psycopg_adapters_carry_the_codec(postgres_database):
    """SQLAlchemy hands the engine's JSON functions to psycopg's adapters (psycopg, not SQLAlchemy, encodes and
    decodes json/jsonb there): the connection's dumpers and loaders must be the codec's."""
    engine = make_engine(postgres_database)
    with engine.connect() as conn:
        adapters = conn.connection.driver_connection.adapters
        for wrapper in (Json, Jsonb):
            for how in (PyFormat.BINARY, PyFormat.TEXT):
                assert adapters.get_dumper(wrapper, how)._dumps is column_bytes
        for name in ("json", "jsonb"):
            for how in (Format.BINARY, Format.TEXT):
                assert adapters.get_loader(adapters.types[name].oid, how)._loads is column_value
    engine.dispose()
