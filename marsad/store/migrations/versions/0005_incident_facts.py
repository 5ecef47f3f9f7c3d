"""Incident projection for analysis: ``incident_facts`` (one row per incident) and ``incident_terms``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

See :mod:`marsad.store.incidents`. Incidents stored before this revision are projected here.
"""

import sqlalchemy as sa
from alembic import op

from marsad.store.incidents import rebuild_incident_facts

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COVERED = ["tlp", "country", "perpetrator", "killed", "wounded", "created_by_ref"]


def upgrade() -> None:
    op.create_table(
        "incident_facts",
        sa.Column("object_pk", BIGINT, autoincrement=False, nullable=False),
        sa.Column("stix_id", sa.String(300), nullable=False),
        sa.Column("modified", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("source_event_id", sa.String(100), nullable=True),
        sa.Column("occurred", sa.Date(), nullable=True),
        sa.Column("precision", sa.String(5), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("week", sa.Date(), nullable=True),
        sa.Column("month", sa.Date(), nullable=True),
        sa.Column("year", sa.Date(), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("admin1", sa.String(200), nullable=True),
        sa.Column("city", sa.String(200), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("perpetrator", sa.String(300), nullable=True),
        sa.Column("killed", sa.Integer(), nullable=False),
        sa.Column("wounded", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.String(20), nullable=True),
        sa.Column("created_by_ref", sa.String(300), nullable=True),
        sa.PrimaryKeyConstraint("object_pk", name="pk_incident_facts"),
        sa.UniqueConstraint("stix_id", name="uq_incident_facts_stix_id"),
        sa.ForeignKeyConstraint(["object_pk"], ["stix_objects.pk"], ondelete="CASCADE",
                                name="fk_incident_facts_object_pk_stix_objects"),
    )
    for columns in (["week"], ["day"], ["country", "year"], ["perpetrator", "year"], ["source", "source_event_id"]):
        op.create_index(f"ix_incident_facts_{'_'.join(columns)}", "incident_facts", columns)
    for period in ("month", "year"):
        op.create_index(f"ix_incident_facts_{period}_cover", "incident_facts", [period, *COVERED])
    op.create_table(
        "incident_terms",
        sa.Column("object_pk", BIGINT, autoincrement=False, nullable=False),
        sa.Column("vocabulary", sa.String(20), nullable=False),
        sa.Column("term", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("object_pk", "vocabulary", "term", name="pk_incident_terms"),
        sa.ForeignKeyConstraint(["object_pk"], ["incident_facts.object_pk"], ondelete="CASCADE",
                                name="fk_incident_terms_object_pk_incident_facts"),
    )
    op.create_index("ix_incident_terms_vocabulary_term_object_pk", "incident_terms", ["vocabulary", "term", "object_pk"])
    rebuild_incident_facts(op.get_bind())


def downgrade() -> None:
    op.drop_table("incident_terms")
    op.drop_table("incident_facts")
