"""``column IN (values)`` lookups of the store's bulk writers, planned as one index search per value on both backends.

Why its own module: an expanding ``IN (?, ?, …)`` list lets SQLite's planner weigh a search per value against a
scan of the whole table, using statistics ``PRAGMA optimize`` refreshes only once a table has grown about tenfold.
With a batch's ~2,000 ids against statistics that still said ~2,000 rows, it scanned ``stix_objects`` whole
(35,000 rows at 10,000 pipeline items, most of :func:`marsad.store.writes.put_objects`' lookup time), and it scanned
``incident_facts`` to settle a few hundred rows' audiences. Values read from one JSON array parameter
(``IN (SELECT value FROM json_each(?))``) leave the planner nothing to weigh: it searches the index once per value,
whatever the statistics (as :func:`marsad.monitor.filing_view.in_ids` does for the filing reads). The statement is
one SQL text whatever the count, compiled once. PostgreSQL keeps :func:`marsad.store.rows.in_list`'s form (one
array parameter, a generic plan that probes per value).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import Connection, Text, bindparam, func, select

from marsad.store.rows import in_list, listed

__all__ = ["in_values", "in_sql", "values_of"]


def in_values(column, name: str) -> dict:
    """``column IN :name`` by dialect, for statements built once; pass :func:`values_of` as ``name``."""
    values = func.json_each(bindparam(name, type_=Text)).table_valued("value")
    return {"postgresql": in_list(column, name)["postgresql"], "sqlite": column.in_(select(values.c.value))}


def in_sql(dialect: str, column: str, *, integers: bool = False) -> str:
    """``column IN`` one parameter's values as SQL text for the driver (statements written as text): SQLite reads
    a JSON array with ``json_each``, PostgreSQL the text form of an array cast to ``bigint[]`` or ``text[]`` (an
    unbounded type: the values are compared as the column's). Its parameter is :func:`values_of`'s."""
    if dialect == "postgresql":
        return f"{column} IN (SELECT unnest(CAST(%s AS {'bigint' if integers else 'text'}[])))"
    return f"{column} IN (SELECT value FROM json_each(?))"


def values_of(conn: Connection, values: Iterable) -> str:
    """The parameter of an :func:`in_values` clause: the values as one JSON array on SQLite (strings kept as they
    are: a string SQLite cannot store fails here as it would as a bound value), PostgreSQL's array text elsewhere."""
    if conn.dialect.name == "postgresql":
        return listed(conn, values)
    return json.dumps(list(values), ensure_ascii=False, default=int)  # numpy integers as ints
