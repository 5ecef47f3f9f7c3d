"""Accounts, collection membership and grants, and the hash-chained audit trail.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Tables of :mod:`marsad.store.accounts` (organisations, users, api_keys, collection_members, collection_policy,
read_grants) and :mod:`marsad.store.audit` (audit_log, audit_head). Dialect-neutral operations only.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSONTYPE = sa.JSON().with_variant(JSONB(), "postgresql")
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete, name=f"fk_{table}_{column}_{target}")


def _people() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(36), nullable=False, comment="uuid4 text"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False, comment="ISO 3166-1 alpha-2"),
        sa.Column("identity_id", sa.String(64), nullable=False, comment="STIX identity--… id"),
        sa.Column("is_secretariat", sa.Boolean(), nullable=False),
        sa.Column("created", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organisations"),
        sa.UniqueConstraint("name", name="uq_organisations_name"),
        sa.UniqueConstraint("identity_id", name="uq_organisations_identity_id"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("org_id", sa.String(36), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True, comment="argon2id; NULL = API keys only"),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
        _fk("users", "org_id", "organisations", "RESTRICT"),
        sa.CheckConstraint("role IN ('analyst', 'liaison', 'admin', 'auditor')", name="ck_users_role"),
        sa.CheckConstraint("language IN ('ar', 'en', 'fr')", name="ck_users_language"),
    )
    op.create_index("ix_users_org_id", "users", ["org_id"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("prefix", sa.String(32), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False, comment="sha256 hex of the secret part"),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(200), nullable=True),
        sa.Column("created", _when(), nullable=False),
        sa.Column("last_used", _when(), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("prefix", name="uq_api_keys_prefix"),
        _fk("api_keys", "user_id", "users", "CASCADE"),
    )
    op.create_index("ix_api_keys_user_id", "api_keys", ["user_id"])


def _reach() -> None:
    op.create_table(
        "collection_members",
        sa.Column("collection_id", sa.String(36), nullable=False),
        sa.Column("org_id", sa.String(36), nullable=False),
        sa.Column("can_read", sa.Boolean(), nullable=False),
        sa.Column("can_write", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("collection_id", "org_id", name="pk_collection_members"),
        _fk("collection_members", "collection_id", "collections", "CASCADE"),
        _fk("collection_members", "org_id", "organisations", "CASCADE"),
    )
    op.create_index("ix_collection_members_org_id", "collection_members", ["org_id"])
    op.create_table(
        "collection_policy",
        sa.Column("collection_id", sa.String(36), nullable=False),
        sa.Column("open_read", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("collection_id", name="pk_collection_policy"),
        _fk("collection_policy", "collection_id", "collections", "CASCADE"),
    )
    op.create_table(
        "read_grants",
        sa.Column("collection_id", sa.String(36), nullable=False),
        sa.Column("org_id", sa.String(36), nullable=False),
        sa.Column("max_tlp", sa.String(16), nullable=False),
        sa.Column("granted_by", sa.String(64), nullable=False),
        sa.Column("granted_at", _when(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("collection_id", "org_id", name="pk_read_grants"),
        _fk("read_grants", "collection_id", "collections", "CASCADE"),
        _fk("read_grants", "org_id", "organisations", "CASCADE"),
        sa.CheckConstraint("max_tlp IN ('green', 'amber', 'amber+strict', 'red')", name="ck_read_grants_max_tlp"),
    )
    op.create_index("ix_read_grants_org_id", "read_grants", ["org_id"])


def _audit() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", SEQ, autoincrement=False, nullable=False),
        sa.Column("at", _when(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False, comment="username, or 'system'"),
        sa.Column("org", sa.String(200), nullable=True, comment="the actor's organisation name"),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("object_ids", JSONTYPE, nullable=False),
        sa.Column("detail", JSONTYPE, nullable=False),
        sa.Column("remote_addr", sa.String(64), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False, comment="always 1"),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("updated", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )


def upgrade() -> None:
    _people()
    _reach()
    _audit()


def downgrade() -> None:
    for table in ("audit_head", "audit_log", "read_grants", "collection_policy", "collection_members", "api_keys",
                  "users", "organisations"):
        op.drop_table(table)
