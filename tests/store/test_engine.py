"""Engines: SQLite gets WAL and foreign keys; bad URLs are configuration errors, not tracebacks."""

import pytest
from sqlalchemy import text

from marsad.errors import ConfigError
from marsad.store.engine import is_sqlite, make_engine


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
