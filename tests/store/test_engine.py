"""Engines: SQLite gets WAL and foreign keys; bad URLs are configuration errors, not tracebacks."""

import threading
import time

import pytest
from sqlalchemy import text

from marsad.errors import ConfigError
from marsad.store.engine import BACKSTOP_PAGES, WalCheckpointer, is_sqlite, make_engine


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
