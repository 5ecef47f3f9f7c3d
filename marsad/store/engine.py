"""Engines for the two supported databases: SQLite (embedded default) and PostgreSQL (deployments).

Why a function of its own: SQLite needs per-connection pragmas (WAL so readers never block the writer,
foreign keys on, a busy timeout so concurrent writers wait instead of failing) and its folder created;
PostgreSQL needs the psycopg 3 driver. Both get :mod:`marsad.store.json_codec`'s JSON functions for their JSON
columns (orjson where it gives the standard library's values and errors): SQLAlchemy passes them to psycopg's
JSON adapters on PostgreSQL, and uses them in the JSON type's own processing on SQLite. Everything above the
store gets an engine from here.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from marsad.errors import ConfigError
from marsad.store.json_codec import column_bytes, column_text, column_value

__all__ = ["make_engine", "is_sqlite", "WalCheckpointer"]

log = logging.getLogger(__name__)


def is_sqlite(engine_or_url) -> bool:
    """True when the engine or URL is SQLite."""
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(str(engine_or_url))
    return url.get_backend_name() == "sqlite"


#: SQLite page cache per connection (KiB, as a negative ``cache_size``). Bounded so a server's memory stays flat
#: as the store grows: each pooled connection keeps its own cache, and at 64 MiB a 100,000-object store
#: already held 367 MB at peak; past the bound, pages come from the operating system's file cache.
CACHE_KIB = 16 * 1024
#: SQLite memory map (bytes), off: reads would skip a copy, but every mapped page a reader touches counts in
#: the process's resident memory. TAXII benchmark, 100,000 objects posted then paged (loaded machine): peak RSS
#: 293 MB with 64 MiB mapped, 235 MB without, paging rate within the noise.
MMAP_BYTES = 0


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    cursor.close()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url`` with Marsad's connection settings; :class:`ConfigError` if it cannot work."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"invalid database URL: {exc}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            try:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(f"cannot create the data folder for {parsed.database}: {exc.strerror}") from None
        engine = create_engine(parsed, echo=echo, connect_args={"check_same_thread": False},
                               json_serializer=column_text, json_deserializer=column_value)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=10,
                             json_serializer=column_bytes, json_deserializer=column_value)
    raise ConfigError(f"unsupported database {backend!r}: use sqlite:/// or postgresql+psycopg://")


#: WAL pages a connection may leave before its own commit checkpoints, while a :class:`WalCheckpointer` runs:
#: a backstop (≈64 MiB at 4 KiB pages) should the background thread fall behind, not the usual path
BACKSTOP_PAGES = 16_000
#: seconds between two background checkpoints
CHECKPOINT_EVERY = 0.25


def _backstop_pragma(dbapi_connection, _record) -> None:
    dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")


class WalCheckpointer:
    """Checkpoints a SQLite engine's write-ahead log from a background thread instead of inside requests.

    Why: SQLite's automatic checkpoint runs inside the commit that pushes the WAL past 1,000 pages, copying the
    log into the database and syncing both files — on the TAXII benchmark that made the request's commit cost
    28-41 µs per object posted (wall) instead of 15. A server owns one of these for its engine (started and
    stopped by the app's lifespan, nothing global): while it runs, the engine's new connections only checkpoint
    past :data:`BACKSTOP_PAGES`, and the thread runs a PASSIVE checkpoint (never blocking readers or the writer)
    every :data:`CHECKPOINT_EVERY` seconds. The WAL still restarts from its beginning once fully checkpointed.
    Engines other than a SQLite file are left as they are.
    """

    def __init__(self, engine: Engine, *, interval: float = CHECKPOINT_EVERY):
        self.engine, self.interval = engine, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection = None  # its own, outside the pool: requests keep theirs (and their page caches)

    @property
    def applies(self) -> bool:
        database = self.engine.url.database
        return is_sqlite(self.engine) and bool(database) and database != ":memory:" and "mode=memory" not in database

    def start(self) -> None:
        """Move checkpoints off the engine's connections (pooled ones are closed) and start the thread."""
        if not self.applies or self._thread is not None:
            return
        event.listen(self.engine, "connect", _backstop_pragma)
        self.engine.dispose(close=True)  # idle pooled connections still carry the default; new ones get the backstop
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="marsad-wal-checkpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread after one last checkpoint, and give the engine's connections their default back."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout=30)
        self._thread = None
        event.remove(self.engine, "connect", _backstop_pragma)
        self.checkpoint()
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def checkpoint(self) -> None:
        """One PASSIVE checkpoint: as much of the log as no reader still needs is copied into the database."""
        try:
            if self._connection is None:
                cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
                self._connection = self.engine.dialect.connect(*cargs, **cparams)
                self._connection.execute("PRAGMA cache_size=-64")  # it reads nothing through the cache
            self._connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except Exception as exc:  # noqa: BLE001 - a failed checkpoint is retried; the backstop still holds
            log.warning("background WAL checkpoint failed: %s", exc)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.checkpoint()
