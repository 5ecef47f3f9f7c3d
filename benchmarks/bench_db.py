"""Database set-up shared by the benchmark scripts (run as `python benchmarks/<name>.py`, so this imports plainly)."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

__all__ = ["ensure_database"]


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database ``url`` names when it does not exist yet; nothing to do for SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}).scalar():
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
