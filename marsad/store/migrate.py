"""Schema migrations with Alembic, configured in code so they run from an installed wheel.

Why programmatic: there is no ``alembic.ini`` next to an installed package; the scripts ship inside the
package (``marsad/store/migrations``) and are found as a package resource. Revisions are numbered ("0001",
"0002", …); other store modules add theirs on top.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from marsad.errors import StoreError

__all__ = ["alembic_config", "upgrade", "current", "head"]

SCRIPT_LOCATION = "marsad.store:migrations"


def alembic_config(connection=None) -> Config:
    """An Alembic config for Marsad's migrations; ``connection`` (if given) is the one migrations run on."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` (default: every head, should parallel branches exist); :class:`StoreError`."""
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
    except SQLAlchemyError as exc:
        raise StoreError(f"could not upgrade the database schema: {exc.__class__.__name__}") from None
    except CommandError as exc:
        raise StoreError(f"could not upgrade the database schema to {revision!r}: {exc}") from None


def current(engine: Engine) -> str | None:
    """The schema revision the database is at (None when never migrated)."""
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads)) or None


def head() -> str:
    """The newest revision shipped with this version of Marsad."""
    return ",".join(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))
