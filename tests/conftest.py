"""Shared fixtures: one database URL per backend, so contract suites run over SQLite and PostgreSQL, and engines
on it.

PostgreSQL tests run when ``MARSAD_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it to the local server);
each test session works in a database of its own, created here and dropped at the end, so parallel
runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from marsad.store import make_engine
from marsad.store.migrate import upgrade

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
POSTGRES_URL = os.environ.get("MARSAD_TEST_POSTGRES_URL")

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def postgres_database():
    """A fresh PostgreSQL database for this test session (URL), dropped afterwards; skip if none configured."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need MARSAD_TEST_POSTGRES_URL")
    admin_url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"marsad_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """A database URL for an empty database, once per backend (SQLite file; PostgreSQL schema reset)."""
    if request.param == "sqlite":
        return f"sqlite:///{(tmp_path / 'marsad.db').as_posix()}"
    url = request.getfixturevalue("postgres_database")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture
def new_engine(database_url):
    """``new_engine(revision="heads")``: an engine with Marsad's settings (:func:`marsad.store.make_engine`) on this
    test's empty database, once per backend, its schema built by the packaged migrations up to ``revision``
    (None: left empty); every engine made is disposed after the test.

    Why one fixture: the modules of tables and migrations each need "this database at that revision", and each
    had its own copy of make, upgrade and dispose. A module needing more (rows every test starts from, another
    revision) wraps this in its own ``engine`` fixture."""
    made: list[Engine] = []

    def make(revision: str | None = "heads") -> Engine:
        engine = make_engine(database_url)
        made.append(engine)
        if revision is not None:
            upgrade(engine, revision)
        return engine

    yield make
    for engine in made:
        engine.dispose()


@pytest.fixture
def engine(new_engine):
    """An engine on this test's empty database, once per backend, migrated to the head revision."""
    return new_engine()


@pytest.fixture
def shared_data():
    """The development data folder ../shared/data; tests that need it skip cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent")
    return SHARED_DATA
