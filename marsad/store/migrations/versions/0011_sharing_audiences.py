"""Sharing audiences of the incident projection (fast counting under the sharing policy).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23

See :mod:`marsad.store.audiences`: ``sharing_audiences`` (+ releases, collections), ``incident_facts.audience``
(added to the period covering indexes), an index on ``occurred`` (the link graph's "since"), the triggers on ``collection_objects`` that unsettle a row whose
memberships change, and every existing row settled.
"""

import sqlalchemy as sa
from alembic import op

from marsad.store.audiences import DROP_TRIGGER_DDL, TRIGGER_DDL
from marsad.store.incidents import settle_incident_audiences

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OLD_COVER = ["tlp", "country", "perpetrator", "killed", "wounded", "created_by_ref"]
NEW_COVER = ["audience", *OLD_COVER, "object_pk"]


def _cover(columns) -> None:
    for period in ("month", "year"):
        op.drop_index(f"ix_incident_facts_{period}_cover", table_name="incident_facts")
        op.create_index(f"ix_incident_facts_{period}_cover", "incident_facts", [period, *columns])


def upgrade() -> None:
    op.create_table(
        "sharing_audiences",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("tlp", sa.String(20), nullable=True),
        sa.Column("created_by_ref", sa.String(300), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sharing_audiences"),
        sa.UniqueConstraint("key", name="uq_sharing_audiences_key"),
    )
    for name, column, size in (("audience_releases", "entry", 300), ("audience_collections", "collection_id", 36)):
        op.create_table(
            name,
            sa.Column("audience_id", sa.Integer(), nullable=False),
            sa.Column(column, sa.String(size), nullable=False),
            sa.PrimaryKeyConstraint("audience_id", column, name=f"pk_{name}"),
            sa.ForeignKeyConstraint(["audience_id"], ["sharing_audiences.id"], ondelete="CASCADE",
                                    name=f"fk_{name}_audience_id_sharing_audiences"),
        )
    op.add_column("incident_facts", sa.Column("audience", sa.Integer(), nullable=True))
    _cover(NEW_COVER)
    op.create_index("ix_incident_facts_occurred", "incident_facts", ["occurred"])
    op.create_index("ix_incident_facts_unsettled", "incident_facts", ["object_pk"],
                    sqlite_where=sa.text("audience IS NULL"), postgresql_where=sa.text("audience IS NULL"))
    bind = op.get_bind()
    for statement in TRIGGER_DDL[bind.dialect.name]:
        bind.exec_driver_sql(statement)
    settle_incident_audiences(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for statement in DROP_TRIGGER_DDL[bind.dialect.name]:
        bind.exec_driver_sql(statement)
    op.drop_index("ix_incident_facts_unsettled", table_name="incident_facts")
    op.drop_index("ix_incident_facts_occurred", table_name="incident_facts")
    _cover(OLD_COVER)
    with op.batch_alter_table("incident_facts") as batch:
        batch.drop_column("audience")
    op.drop_table("audience_collections")
    op.drop_table("audience_releases")
    op.drop_table("sharing_audiences")
