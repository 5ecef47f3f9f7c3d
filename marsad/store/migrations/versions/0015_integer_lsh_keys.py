"""LSH keys as signed 64-bit integers, each key table its primary key alone, band keys without a foreign key.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24

``pipeline_near_keys`` (~17 rows per item) and ``incident_band_keys`` (~16 per filed report) are random-key
B-trees: once they outgrow the page cache each row inserted is a leaf page read, dirtied, written to the WAL at
commit and copied again at checkpoint. As text (``"07:bdb03d04595143e0"``) in rowid tables with a separate
primary-key index (SQLite) every row was stored twice; now a key is the integer
:func:`marsad.monitor.similarity.lsh_key` gives (the band's 8-byte digest XOR its band's constant), SQLite keeps
each table as one ``WITHOUT ROWID`` B-tree, and the band keys' foreign key (a lookup of the report per row
inserted) is replaced by a trigger deleting a deleted report's keys (see :mod:`marsad.store.incident_reports`).
``pipeline_near_keys_recent`` is where SQLite puts new near-duplicate keys before a batch moves them, one key
range at a time, into ``pipeline_near_keys`` (see :mod:`marsad.store.pipeline_items`).

Upgrade converts every key: ``"NN:hex"`` → the digest XOR band NN's constant, ``"url:hex…"`` → its first 8 bytes
XOR the URL constant (what the new code computes for the same text and URL), ``"i:N"`` (written by this
downgrade) → N, anything else → the first 8 bytes of its MD5 (kept, found by nobody). Downgrade restores the
0014 tables with each key as ``"i:N"``: a 64-bit key no longer holds its band number, so the 0014 code's keys of
the same texts are not these (near-duplicates of earlier items and text-only candidates go unfound until the next
upgrade, which gives back the same integers).
"""

import hashlib
import re

import sqlalchemy as sa
from alembic import op

from marsad.store.incident_reports import BAND_KEYS_CASCADE

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ID = 300
#: (table, width of its 0014 text key, other primary-key column)
KEY_TABLES = (("pipeline_near_keys", 64, "item_id"), ("incident_band_keys", 40, "report_id"))
FOREIGN_KEY = "fk_incident_band_keys_report_id_incident_file_reports"


def _mix(tag: str) -> int:
    """:func:`marsad.monitor.similarity.key_mix`, frozen here: these conversions must not follow later code."""
    return int.from_bytes(hashlib.blake2b(tag.encode(), digest_size=8, person=b"marsad-lsh").digest(), "big",
                          signed=True)


BAND_MIX = tuple(_mix(f"band {band}") for band in range(16))
URL_MIX = _mix("url")
_BAND = re.compile(r"(0[0-9]|1[0-5]):([0-9a-f]{1,16})\Z")
_URL = re.compile(r"url:([0-9a-f]{16})")
_INT = re.compile(r"i:(-?[0-9]{1,19})\Z")


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def integer_key(key: str) -> int:
    """The integer of a 0014 text key (SQLite runs it as an SQL function; :data:`PG_INTEGER_KEY` is the same)."""
    if (found := _BAND.match(key)) is not None:
        return _signed(int(found[2], 16)) ^ BAND_MIX[int(found[1])]
    if (found := _URL.match(key)) is not None:
        return _signed(int(found[1], 16)) ^ URL_MIX
    if (found := _INT.match(key)) is not None:
        return int(found[1])
    return _signed(int(hashlib.md5(key.encode()).hexdigest()[:16], 16))


_PG_BAND_MIX = "ARRAY[" + ", ".join(map(str, BAND_MIX)) + "]::bigint[]"
#: :func:`integer_key` in PostgreSQL's SQL, of the column ``band_key``
PG_INTEGER_KEY = f"""CASE
    WHEN band_key ~ '^(0[0-9]|1[0-5]):[0-9a-f]{{1,16}}$'
        THEN ('x' || lpad(substr(band_key, 4), 16, '0'))::bit(64)::bigint # ({_PG_BAND_MIX})[substr(band_key, 1, 2)::int + 1]
    WHEN band_key ~ '^url:[0-9a-f]{{16}}' THEN ('x' || substr(band_key, 5, 16))::bit(64)::bigint # ({URL_MIX})::bigint
    WHEN band_key ~ '^i:-?[0-9]{{1,19}}$' THEN substr(band_key, 3)::bigint
    ELSE ('x' || substr(md5(band_key), 1, 16))::bit(64)::bigint END"""


def _other_column(name: str) -> sa.Column:
    return sa.Column("item_id", BIGINT, autoincrement=False, nullable=False) if name == "item_id" else \
        sa.Column("report_id", sa.String(ID), nullable=False)


def _rebuild_sqlite(table: str, width: int, other: str, *, integer: bool) -> None:
    """SQLite cannot change a column's type: a new table, the rows copied in key order, renamed over the old."""
    staging = f"{table}_0015"
    extra = {"sqlite_with_rowid": False} if integer else {}
    constraints = [sa.PrimaryKeyConstraint("band_key", other, name=f"pk_{table}")]
    if not integer and table == "incident_band_keys":
        constraints.append(sa.ForeignKeyConstraint(["report_id"], ["incident_file_reports.report_id"],
                                                   ondelete="CASCADE", name=FOREIGN_KEY))
    key_type = sa.BigInteger() if integer else sa.String(width)
    op.create_table(staging, sa.Column("band_key", key_type, autoincrement=False, nullable=False),
                    _other_column(other), *constraints, **extra)
    converted = "marsad_integer_key(band_key)" if integer else "'i:' || band_key"
    op.execute(f"INSERT INTO {staging} (band_key, {other}) SELECT {converted}, {other} FROM {table} ORDER BY 1, 2")
    op.drop_table(table)
    op.rename_table(staging, table)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.connection.driver_connection.create_function("marsad_integer_key", 1, integer_key, deterministic=True)
        for table, width, other in KEY_TABLES:
            _rebuild_sqlite(table, width, other, integer=True)
    else:
        op.drop_constraint(FOREIGN_KEY, "incident_band_keys", type_="foreignkey")
        for table, _, _ in KEY_TABLES:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN band_key TYPE BIGINT USING ({PG_INTEGER_KEY})")
    for statement in BAND_KEYS_CASCADE[bind.dialect.name]:
        op.execute(statement)
    op.create_table("pipeline_near_keys_recent",
                    sa.Column("band_key", sa.BigInteger(), autoincrement=False, nullable=False),
                    _other_column("item_id"),
                    sa.PrimaryKeyConstraint("band_key", "item_id", name="pk_pipeline_near_keys_recent"),
                    sqlite_with_rowid=False,
                    comment="SQLite: near-duplicate keys not yet moved to pipeline_near_keys")


def downgrade() -> None:
    bind = op.get_bind()
    op.execute(("INSERT OR IGNORE INTO" if bind.dialect.name == "sqlite" else "INSERT INTO")
               + " pipeline_near_keys (band_key, item_id) SELECT band_key, item_id FROM pipeline_near_keys_recent"
               + ("" if bind.dialect.name == "sqlite" else " ON CONFLICT DO NOTHING"))
    op.drop_table("pipeline_near_keys_recent")
    op.execute("DROP TRIGGER IF EXISTS incident_band_keys_cascade"
               + (" ON incident_file_reports" if bind.dialect.name == "postgresql" else ""))
    if bind.dialect.name == "sqlite":
        for table, width, other in KEY_TABLES:
            _rebuild_sqlite(table, width, other, integer=False)
        return
    op.execute("DROP FUNCTION IF EXISTS incident_band_keys_cascade()")
    for table, width, _ in KEY_TABLES:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN band_key TYPE VARCHAR({width}) USING ('i:' || band_key::text)")
    op.create_foreign_key(FOREIGN_KEY, "incident_band_keys", "incident_file_reports", ["report_id"], ["report_id"],
                          ondelete="CASCADE")
