"""Merged incidents: provenance, candidate index, band keys and analyst edits.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23

Tables of :mod:`marsad.store.incident_reports`. ``(marking_key, occurred)`` and ``(marking_key, country,
occurred)`` are the candidate lookups; ``incident_band_keys`` finds an incident by its reports' text.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

JSONTYPE = sa.JSON().with_variant(JSONB(), "postgresql")
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ID = 300


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _files() -> None:
    op.create_table(
        "incident_files",
        sa.Column("incident_id", sa.String(ID), nullable=False),
        sa.Column("marking_key", sa.String(64), nullable=False, comment="hash of tlp, release list and originator"),
        sa.Column("tlp", sa.String(16), nullable=False),
        sa.Column("release_to", JSONTYPE, nullable=False),
        sa.Column("created_by_ref", sa.String(ID), nullable=True),
        sa.Column("marking_refs", JSONTYPE, nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("merged_into", sa.String(ID), nullable=True),
        sa.Column("occurred", sa.Date(), nullable=True),
        sa.Column("occurred_precision", sa.String(8), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("admin1", sa.String(200), nullable=True),
        sa.Column("city", sa.String(200), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("attack_types", JSONTYPE, nullable=False),
        sa.Column("perpetrator", sa.String(300), nullable=True),
        sa.Column("killed", sa.Integer(), nullable=True),
        sa.Column("wounded", sa.Integer(), nullable=True),
        sa.Column("created", _when(), nullable=False),
        sa.Column("modified", _when(), nullable=False, comment="the last version's modified"),
        sa.PrimaryKeyConstraint("incident_id", name="pk_incident_files"),
        sa.CheckConstraint("state IN ('open', 'merged')", name="ck_incident_files_state"),
    )
    op.create_index("ix_incident_files_marking_key_occurred", "incident_files", ["marking_key", "occurred"])
    op.create_index("ix_incident_files_marking_key_country_occurred", "incident_files",
                    ["marking_key", "country", "occurred"])


def upgrade() -> None:
    _files()
    op.create_table(
        "incident_file_reports",
        sa.Column("report_id", sa.String(ID), nullable=False),
        sa.Column("incident_id", sa.String(ID), nullable=False),
        sa.Column("item_key", sa.String(2000), nullable=False),
        sa.Column("source", sa.String(300), nullable=True),
        sa.Column("url", sa.String(2000), nullable=True),
        sa.Column("title", sa.String(1000), nullable=False),
        sa.Column("lang", sa.String(8), nullable=True),
        sa.Column("published", _when(), nullable=True),
        sa.Column("received", _when(), nullable=False),
        sa.Column("record", JSONTYPE, nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("report_id", name="pk_incident_file_reports"),
        sa.ForeignKeyConstraint(["incident_id"], ["incident_files.incident_id"], ondelete="CASCADE",
                                name="fk_incident_file_reports_incident_id_incident_files"),
    )
    op.create_index("ix_incident_file_reports_incident_id", "incident_file_reports", ["incident_id"])
    op.create_table(
        "incident_band_keys",
        sa.Column("band_key", sa.String(40), nullable=False),
        sa.Column("report_id", sa.String(ID), nullable=False),
        sa.PrimaryKeyConstraint("band_key", "report_id", name="pk_incident_band_keys"),
        sa.ForeignKeyConstraint(["report_id"], ["incident_file_reports.report_id"], ondelete="CASCADE",
                                name="fk_incident_band_keys_report_id_incident_file_reports"),
    )
    op.create_index("ix_incident_band_keys_report_id", "incident_band_keys", ["report_id"])
    op.create_table(
        "incident_edits",
        sa.Column("id", SEQ, autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.String(ID), nullable=False),
        sa.Column("at", _when(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("old", JSONTYPE, nullable=True),
        sa.Column("new", JSONTYPE, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_incident_edits"),
        sa.ForeignKeyConstraint(["incident_id"], ["incident_files.incident_id"], ondelete="CASCADE",
                                name="fk_incident_edits_incident_id_incident_files"),
    )
    op.create_index("ix_incident_edits_incident_id", "incident_edits", ["incident_id"])


def downgrade() -> None:
    op.drop_table("incident_edits")
    op.drop_table("incident_band_keys")
    op.drop_table("incident_file_reports")
    op.drop_table("incident_files")
