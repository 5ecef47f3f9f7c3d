"""Tables of who may use Marsad and which collections each organisation reaches.

Why here, in the store: the sharing policy of :mod:`marsad.access.policy` is pushed into SQL, so the facts it
decides on (organisations, their state, users and roles, collection membership, open collections and the
administrator's read grants) must live in the same database as the objects. This module only declares the
tables and the few row-level reads and writes the access layer builds on; the rules live in
:mod:`marsad.access`.

- ``organisations``: member-state agencies and the secretariat; ``identity_id`` is the STIX ``identity--…`` id the
  organisation signs its objects with (``created_by_ref``); ``country`` is its ISO 3166-1 alpha-2 state code.
- ``users``: one organisation and one role each; ``password_hash`` is argon2.
- ``api_keys``: ``msd_<prefix>_<secret>``; only the prefix and the SHA-256 of the secret are kept.
- ``collection_members``: an organisation's read/write membership of a collection (the "community").
- ``collection_policy``: per-collection flags; ``open_read`` lets every user read the collection's CLEAR objects.
- ``read_grants``: an administrator's grant to an organisation (e.g. the secretariat) to read a collection's
  objects up to a TLP level, which membership alone would not give.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    select,
)

from marsad.store import collections as _collections  # noqa: F401  (collections.id must be on the metadata)
from marsad.store.base import UTCDateTime, metadata

__all__ = [
    "ROLES",
    "LANGUAGES",
    "GRANT_LEVELS",
    "organisations",
    "users",
    "api_keys",
    "collection_members",
    "collection_policy",
    "read_grants",
    "ACCOUNT_TABLES",
    "utcnow",
    "collection_exists",
]

#: roles a user may hold: analysts read and write intelligence, liaison officers exchange it with other states,
#: administrators manage accounts and grants, auditors read the audit trail
ROLES = ("analyst", "liaison", "admin", "auditor")
LANGUAGES = ("ar", "en", "fr")
#: the TLP levels a read grant may reach (a grant up to "amber" also covers green and unmarked objects)
GRANT_LEVELS = ("green", "amber", "amber+strict", "red")

COLLECTION_ID = String(36)


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


organisations = Table(
    "organisations",
    metadata,
    Column("id", String(36), primary_key=True, comment="uuid4 text"),
    Column("name", String(200), nullable=False, unique=True),
    Column("country", String(2), nullable=False, comment="ISO 3166-1 alpha-2"),
    Column("identity_id", String(64), nullable=False, unique=True, comment="STIX identity--… id"),
    Column("is_secretariat", Boolean, nullable=False, default=False),
    Column("created", UTCDateTime, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("org_id", String(36), ForeignKey("organisations.id", ondelete="RESTRICT"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=True, comment="argon2id; NULL = API keys only"),
    Column("language", String(2), nullable=False, default="ar"),
    Column("active", Boolean, nullable=False, default=True),
    Column("created", UTCDateTime, nullable=False),
    CheckConstraint(f"role IN ({_in(ROLES)})", name="role"),
    CheckConstraint(f"language IN ({_in(LANGUAGES)})", name="language"),
    Index(None, "org_id"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("prefix", String(32), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False, comment="sha256 hex of the secret part"),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("label", String(200), nullable=True),
    Column("created", UTCDateTime, nullable=False),
    Column("last_used", UTCDateTime, nullable=True),
    Column("revoked", Boolean, nullable=False, default=False),
    Index(None, "user_id"),
)

collection_members = Table(
    "collection_members",
    metadata,
    Column("collection_id", COLLECTION_ID, ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True),
    Column("org_id", String(36), ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("can_read", Boolean, nullable=False, default=True),
    Column("can_write", Boolean, nullable=False, default=False),
    Index(None, "org_id"),
)

collection_policy = Table(
    "collection_policy",
    metadata,
    Column("collection_id", COLLECTION_ID, ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True),
    Column("open_read", Boolean, nullable=False, default=False),
)

read_grants = Table(
    "read_grants",
    metadata,
    Column("collection_id", COLLECTION_ID, ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True),
    Column("org_id", String(36), ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("max_tlp", String(16), nullable=False, default="amber"),
    Column("granted_by", String(64), nullable=False),
    Column("granted_at", UTCDateTime, nullable=False),
    Column("reason", String(500), nullable=True),
    CheckConstraint(f"max_tlp IN ({_in(GRANT_LEVELS)})", name="max_tlp"),
    Index(None, "org_id"),
)

ACCOUNT_TABLES = (organisations, users, api_keys, collection_members, collection_policy, read_grants)


def collection_exists(conn: Connection, collection_id: str) -> bool:
    """True when ``collection_id`` names a stored collection."""
    collections = metadata.tables["collections"]
    return conn.execute(select(collections.c.id).where(collections.c.id == collection_id)).first() is not None
