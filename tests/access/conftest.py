"""Fixtures of the access tests: an engine on the migrated Marsad schema (once per backend), emptied per test.

Why not the shared ``database_url`` fixture: it rebuilds the schema for every test (an Alembic upgrade through
every revision, about a second on PostgreSQL). Here the schema is built once per backend and session, and each
test starts from empty tables; if another test dropped or changed the schema meanwhile, it is rebuilt.
Password hashing uses cheap argon2 parameters in these tests: the code path is the same, the cost is not.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import inspect, text

from marsad.access import auth
from marsad.store import make_engine, metadata
from marsad.store.migrate import current, head, upgrade

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
KEEP = {"alembic_version", "store_clock"}


def schema_engine(url: str):
    """An engine on ``url`` with the schema built by the packaged migrations (as a real installation has it)."""
    engine = make_engine(url)
    upgrade(engine)
    return engine


def _rebuild_if_needed(engine) -> None:
    if current(engine) == head():
        return
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)


def _empty_tables(engine) -> None:
    present = set(inspect(engine).get_table_names()) - KEEP
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE TABLE " + ", ".join(f'"{t}"' for t in sorted(present)) + " CASCADE"))
            return
        known = [t.name for t in reversed(metadata.sorted_tables) if t.name in present]
        unknown = sorted(t for t in present - set(known) if not t.startswith("object_search"))
        for name in unknown + known:
            conn.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture(scope="session")
def _engines():
    made: dict[str, object] = {}
    yield made
    for engine in made.values():
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def engine(request, _engines, tmp_path_factory):
    """An engine on the migrated schema with every table empty (SQLite and PostgreSQL)."""
    backend = request.param
    if backend not in _engines:
        url = (f"sqlite:///{tmp_path_factory.mktemp('access')}/marsad.db" if backend == "sqlite"
               else request.getfixturevalue("postgres_database"))
        _engines[backend] = make_engine(url)
    found = _engines[backend]
    _rebuild_if_needed(found)
    _empty_tables(found)
    return found


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Argon2 with minimal cost, so the many sign-ins of these tests take microseconds, not seconds."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
