"""SQLite: ``incident_terms`` is kept as one ``WITHOUT ROWID`` B-tree keyed by its primary key.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-24

Why: every incident version the writer projects replaces its incident's terms (~4 rows: attack, target and weapon
types, themes), deleting the previous version's rows and inserting the new ones
(:func:`marsad.store.incidents.project_incidents`). As a rowid table with a separate primary-key index each term row
was written to three B-trees (the table, the key, the (vocabulary, term, object_pk) index); keyed by its primary
key it is written to two, and reading an incident's terms by ``object_pk`` is one range of the table itself.
Measured on a copy of a 30,000-item store, deleting and inserting again the terms of 400 random incidents in one
transaction (median of 7): 30.1 -> 17.5 µs per incident. The rows, their key, foreign key (cascading from
``incident_facts``) and index are the same; only SQLite's storage changes (PostgreSQL has no such option: no-op).

Upgrade and downgrade copy the rows into a new table (in key order), drop the old one and rename the new one over
it, as revision 0015 did for the key tables; the planner's statistics of the table, if it had any, are gathered
again (dropping the table dropped them, and SQLite has no autovacuum to redo it).
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_STAGING = "incident_terms_0019"
_INDEX = "ix_incident_terms_vocabulary_term_object_pk"


def _has_statistics(bind) -> bool:
    """Whether SQLite's planner has statistics of ``incident_terms`` (``ANALYZE`` was run on it)."""
    if not bind.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").scalar():
        return False
    return bool(bind.exec_driver_sql("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'incident_terms'").scalar())


def _rebuild(*, with_rowid: bool) -> None:
    """A new ``incident_terms`` (WITHOUT ROWID or not), the rows copied in key order, renamed over the old."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    analysed = _has_statistics(bind)
    op.create_table(
        _STAGING,
        sa.Column("object_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("vocabulary", sa.String(20), nullable=False),
        sa.Column("term", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("object_pk", "vocabulary", "term", name="pk_incident_terms"),
        sa.ForeignKeyConstraint(["object_pk"], ["incident_facts.object_pk"], ondelete="CASCADE",
                                name="fk_incident_terms_object_pk_incident_facts"),
        **({} if with_rowid else {"sqlite_with_rowid": False}),
    )
    op.execute(f"INSERT INTO {_STAGING} (object_pk, vocabulary, term) "
               "SELECT object_pk, vocabulary, term FROM incident_terms ORDER BY object_pk, vocabulary, term")
    op.drop_table("incident_terms")  # (its index with it; nothing references it)
    op.rename_table(_STAGING, "incident_terms")
    op.create_index(_INDEX, "incident_terms", ["vocabulary", "term", "object_pk"])
    if analysed:
        op.execute("ANALYZE incident_terms")


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
