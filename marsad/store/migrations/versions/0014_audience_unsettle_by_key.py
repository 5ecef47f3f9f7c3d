"""The audience trigger (PostgreSQL) finds the changed rows by key, not by a join that read every incident.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24

``audience_unsettle()`` (see :mod:`marsad.store.audiences`) runs once per statement that adds or removes
collection memberships. Its join with the transition table was planned without statistics as a hash join over
the whole of ``incident_facts``: every store write read every incident. It now updates
``object_pk = ANY (ARRAY(SELECT … FROM changed_rows))``, an index probe per changed row; the same rows change.
SQLite's row-level triggers already probe by key: nothing to do there.
"""

from alembic import op

from marsad.store.audiences import UNSETTLE_FUNCTION, UNSETTLE_FUNCTION_0011

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.get_bind().exec_driver_sql(UNSETTLE_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.get_bind().exec_driver_sql(UNSETTLE_FUNCTION_0011)
