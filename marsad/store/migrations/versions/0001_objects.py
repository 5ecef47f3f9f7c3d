"""STIX object versions, release lists, collections, write clock and full-text search.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Full-text search differs by dialect: SQLite gets an FTS5 external-content table ``object_search`` over
``stix_objects.search_text`` kept in sync by triggers (the store's own batched writes index their rows
themselves while ``object_search_deferred`` holds a row); PostgreSQL gets a generated ``search_vector`` tsvector
column (config 'simple' over the pre-folded text) with a GIN index.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSONTYPE = sa.JSON().with_variant(JSONB(), "postgresql")


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _objects() -> None:
    op.create_table(
        "stix_objects",
        sa.Column("pk", BIGINT, primary_key=True, autoincrement=True),
        sa.Column("stix_id", sa.String(300), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("spec_version", sa.String(10), nullable=False),
        sa.Column("created", _when(), nullable=True),
        sa.Column("modified", _when(), nullable=False),
        sa.Column("date_added", _when(), nullable=False),
        sa.Column("created_by_ref", sa.String(300), nullable=True),
        sa.Column("tlp", sa.String(20), nullable=True),
        sa.Column("release_to", JSONTYPE, nullable=True),
        sa.Column("marking_refs", JSONTYPE, nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("object", JSONTYPE, nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_stix_objects"),
        sa.UniqueConstraint("stix_id", "modified", name="uq_stix_objects_stix_id_modified"),
        sa.CheckConstraint(
            "tlp IS NULL OR tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')", name="ck_stix_objects_tlp"
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_stix_objects_type_date_added_pk", "stix_objects", ["type", "date_added", "pk"])
    op.create_index("ix_stix_objects_date_added_pk", "stix_objects", ["date_added", "pk"])
    op.create_index("ix_stix_objects_created_by_ref", "stix_objects", ["created_by_ref"])
    op.create_table(
        "object_releases",
        sa.Column("object_pk", BIGINT, nullable=False),
        sa.Column("entry", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("object_pk", "entry", name="pk_object_releases"),
        sa.ForeignKeyConstraint(
            ["object_pk"], ["stix_objects.pk"], ondelete="CASCADE", name="fk_object_releases_object_pk_stix_objects"
        ),
    )
    op.create_index("ix_object_releases_entry", "object_releases", ["entry"])
    clock = op.create_table(
        "store_clock",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_added", _when(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_store_clock"),
    )
    op.bulk_insert(clock, [{"id": 1, "last_added": None}])


def _collections() -> None:
    op.create_table(
        "collections",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("alias", sa.String(100), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_collections"),
        sa.UniqueConstraint("alias", name="uq_collections_alias"),
    )
    op.create_table(
        "collection_objects",
        sa.Column("seq", BIGINT, primary_key=True, autoincrement=True),
        sa.Column("collection_id", sa.String(36), nullable=False),
        sa.Column("object_pk", BIGINT, nullable=False),
        sa.Column("date_added", _when(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_collection_objects"),
        sa.ForeignKeyConstraint(
            ["collection_id"], ["collections.id"], ondelete="CASCADE",
            name="fk_collection_objects_collection_id_collections",
        ),
        sa.ForeignKeyConstraint(
            ["object_pk"], ["stix_objects.pk"], ondelete="CASCADE", name="fk_collection_objects_object_pk_stix_objects"
        ),
        sa.UniqueConstraint("collection_id", "object_pk", name="uq_collection_objects_collection_id_object_pk"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_collection_objects_collection_id_date_added_seq", "collection_objects", ["collection_id", "date_added", "seq"]
    )
    op.create_index("ix_collection_objects_object_pk", "collection_objects", ["object_pk"])


_SQLITE_FTS = [
    "CREATE VIRTUAL TABLE object_search USING fts5(search_text, content='stix_objects', content_rowid='pk', "
    "tokenize='unicode61 remove_diacritics 0')",
    # holds a row only inside a write transaction that indexes its own rows in one batch (FTS5 flushes its
    # pending terms at every trigger statement, so per-row trigger indexing is 3x slower): see marsad.store.search
    "CREATE TABLE object_search_deferred (id INTEGER PRIMARY KEY)",
    "CREATE TRIGGER stix_objects_search_insert AFTER INSERT ON stix_objects "
    "WHEN NOT EXISTS (SELECT 1 FROM object_search_deferred) BEGIN "
    "INSERT INTO object_search(rowid, search_text) VALUES (new.pk, new.search_text); END",
    "CREATE TRIGGER stix_objects_search_delete AFTER DELETE ON stix_objects BEGIN "
    "INSERT INTO object_search(object_search, rowid, search_text) VALUES ('delete', old.pk, old.search_text); END",
    "CREATE TRIGGER stix_objects_search_update AFTER UPDATE OF search_text ON stix_objects BEGIN "
    "INSERT INTO object_search(object_search, rowid, search_text) VALUES ('delete', old.pk, old.search_text); "
    "INSERT INTO object_search(rowid, search_text) VALUES (new.pk, new.search_text); END",
]
_POSTGRES_FTS = [
    "ALTER TABLE stix_objects ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX ix_stix_objects_search_vector ON stix_objects USING gin (search_vector)",
]


def upgrade() -> None:
    _objects()
    _collections()
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_FTS if dialect == "sqlite" else _POSTGRES_FTS if dialect == "postgresql" else []:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("stix_objects_search_insert", "stix_objects_search_delete", "stix_objects_search_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS object_search")
        op.execute("DROP TABLE IF EXISTS object_search_deferred")
    for table in ("collection_objects", "collections", "store_clock", "object_releases", "stix_objects"):
        op.drop_table(table)
