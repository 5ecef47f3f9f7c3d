"""Trends: incidents, killed and wounded by period and by country, group, attack type, theme…, as one user sees them.

Why here and like this: the dashboard, briefs and the CLI all ask "how many, where, by whom, compared with the
period before and the same period last year". Every figure is an indexed GROUP BY over the incident projection
(:mod:`marsad.store.incidents`), restricted by a ``where`` clause over ``stix_objects`` (re-pointed onto the
projection's copies of the sharing facts by :func:`marsad.store.incidents.on_facts`):
pass :func:`visibility` (the access layer's ``visible_clause`` for a viewer, or TLP:CLEAR only without one), so
nobody ever counts what they may not see.

Counting rules: an incident is counted in a period only when its date is at least that precise (an incident
known to the month is in month and year trends, not in day or week ones). Multi-valued dimensions (attack,
target and weapon type, theme) count an incident once under each of its values, with its full toll: their
totals may exceed the number of incidents. A missing value (no country, unknown group) is the key ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Connection, Select, and_, func, select

from marsad.access import Viewer, visible_clause
from marsad.errors import InputError
from marsad.store import collection_objects, stix_objects
from marsad.store.incidents import (
    PERIOD_COLUMNS,
    TERM_VOCABULARIES,
    incident_facts,
    incident_terms,
    on_facts,
    period_start,
)

__all__ = [
    "DIMENSIONS",
    "PERIODS",
    "Tally",
    "Cell",
    "TrendLine",
    "TrendReport",
    "visibility",
    "shift_period",
    "period_range",
    "counts",
    "latest_period",
    "trend_report",
]

#: what trends can be broken down by → column of ``incident_facts`` or vocabulary of ``incident_terms``
_COLUMNS = {"country": "country", "admin1": "admin1", "city": "city", "group": "perpetrator", "source": "source"}
_TERMS = {vocab: vocab for vocab in TERM_VOCABULARIES.values()}
DIMENSIONS = (*_COLUMNS, *_TERMS)
PERIODS = PERIOD_COLUMNS


@dataclass(frozen=True)
class Tally:
    """Incidents and their toll."""

    incidents: int = 0
    killed: int = 0
    wounded: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.incidents + other.incidents, self.killed + other.killed, self.wounded + other.wounded)


@dataclass(frozen=True)
class Cell:
    """One key in one period (``period`` is the period's first day; None when counting over all periods)."""

    key: str | None
    period: date | None
    tally: Tally


@dataclass(frozen=True)
class TrendLine:
    """One key: this period, the previous one, the same period a year earlier."""

    key: str | None
    current: Tally
    previous: Tally
    last_year: Tally

    @staticmethod
    def _change(now: int, before: int) -> float | None:
        return None if before == 0 else round(100.0 * (now - before) / before, 1)

    @property
    def change_previous(self) -> float | None:
        """Change of the incident count against the previous period, in percent (None from 0)."""
        return self._change(self.current.incidents, self.previous.incidents)

    @property
    def change_last_year(self) -> float | None:
        """Change of the incident count against the same period last year, in percent (None from 0)."""
        return self._change(self.current.incidents, self.last_year.incidents)


@dataclass(frozen=True)
class TrendReport:
    """A breakdown ``by`` a dimension for one ``period`` (first days of the three periods compared)."""

    by: str
    period: str
    current: date | None
    previous: date | None
    last_year: date | None
    lines: list[TrendLine] = field(default_factory=list)
    total: TrendLine | None = None


def visibility(viewer: Viewer | None, collection_id: str | None = None) -> ColumnElement[bool]:
    """What may be counted, as a clause over ``stix_objects``: ``visible_clause(viewer, collection_id)``; without
    a viewer only TLP:CLEAR objects (the rule of ``marsad export`` without ``--as``). With ``collection_id`` only
    objects in that collection count (an originator sees its objects everywhere, but asked about one collection
    gets that collection's figures)."""
    allowed = visible_clause(viewer, collection_id) if viewer is not None else stix_objects.c.tlp == "clear"
    if collection_id is None:
        return allowed
    return and_(allowed, select(collection_objects.c.object_pk).where(
        collection_objects.c.object_pk == stix_objects.c.pk, collection_objects.c.collection_id == collection_id
    ).exists())


def shift_period(start: date, period: str, steps: int) -> date:
    """The first day of the period ``steps`` periods after (negative: before) the one starting on ``start``."""
    if period == "day":
        return start + timedelta(days=steps)
    if period == "week":
        return start + timedelta(weeks=steps)
    months = start.year * 12 + start.month - 1 + (steps if period == "month" else 12 * steps)
    return date(months // 12, months % 12 + 1, 1)


def period_range(first: date, last: date, period: str) -> list[date]:
    """First days of every period from the one containing ``first`` to the one containing ``last``."""
    out, current, end = [], period_start(first, period), period_start(last, period)
    while current <= end:
        out.append(current)
        current = shift_period(current, period, 1)
    return out


def _check(by: str | None, period: str | None) -> None:
    if by is not None and by not in DIMENSIONS:
        raise InputError(f"cannot break trends down by {by!r}; choose one of: {', '.join(DIMENSIONS)}")
    if period is not None and period not in PERIODS:
        raise InputError(f"unknown period {period!r}; choose one of: {', '.join(PERIODS)}")


def _key_column(by: str | None, filters: Mapping[str, str]):
    """(key column or None, extra FROM joins as (table alias, on clause) list, filter clauses)."""
    joins, clauses = [], []
    key = None
    for name in [*([by] if by else []), *filters]:
        if name not in DIMENSIONS:
            raise InputError(f"cannot filter on {name!r}; choose one of: {', '.join(DIMENSIONS)}")
        if name in _COLUMNS:
            column = incident_facts.c[_COLUMNS[name]]
        else:
            alias = incident_terms.alias(f"terms_{name}_{len(joins)}")
            joins.append((alias, and_(alias.c.object_pk == incident_facts.c.object_pk, alias.c.vocabulary == name)))
            column = alias.c.term
        if name == by and key is None:
            key = column
        if name in filters:
            clauses.append(column == filters[name])
    return key, joins, clauses


def _select(by: str | None, period: str | None, where: ColumnElement[bool] | None,
            filters: Mapping[str, str]) -> tuple[Select, object, object]:
    key, joins, clauses = _key_column(by, filters)
    source = incident_facts
    for alias, on in joins:
        source = source.join(alias, on)
    when = incident_facts.c[period] if period else None
    columns = [c for c in (key, when) if c is not None]
    stmt = select(*columns, func.count().label("n"), func.coalesce(func.sum(incident_facts.c.killed), 0).label("k"),
                  func.coalesce(func.sum(incident_facts.c.wounded), 0).label("w")).select_from(source)
    conditions = [*clauses, *([on_facts(where)] if where is not None else []),
                  *([when.is_not(None)] if when is not None else [])]
    if conditions:
        stmt = stmt.where(*conditions)
    if columns:
        stmt = stmt.group_by(*reversed(columns))  # period first: SQLite then groups along the period index
    return stmt, key, when


def counts(conn: Connection, by: str | None, period: str | None = None, *, where: ColumnElement[bool] | None,
           start: date | None = None, end: date | None = None, periods: Sequence[date] | None = None,
           filters: Mapping[str, str] | None = None) -> list[Cell]:
    """Incidents and tolls by ``by`` (None: all together) and ``period`` (None: over all time), for periods whose
    first day is in [start, end] or in ``periods``; ``filters`` restrict dimensions to one value each. ``where`` is
    a clause over ``stix_objects`` (use :func:`visibility`); None counts everything (internal use, tests)."""
    _check(by, period)
    stmt, key, when = _select(by, period, where, filters or {})
    if when is not None and start is not None:
        stmt = stmt.where(when >= period_start(start, period))
    if when is not None and end is not None:
        stmt = stmt.where(when <= end)
    if when is not None and periods is not None:
        stmt = stmt.where(when.in_(list(periods)))
    cells = []
    for row in conn.execute(stmt):
        if not row.n:
            continue  # an aggregate over no row at all
        values = row._mapping
        cells.append(Cell(values[key.name] if key is not None else None,
                          values[when.name] if when is not None else None,
                          Tally(int(row.n), int(row.k), int(row.w))))
    return cells


def latest_period(conn: Connection, period: str, *, where: ColumnElement[bool] | None) -> date | None:
    """First day of the latest ``period`` holding a visible incident (None when there is none)."""
    _check(None, period)
    column = incident_facts.c[period]
    stmt = select(func.max(column)).select_from(incident_facts)
    if where is not None:
        stmt = stmt.where(on_facts(where))
    return conn.execute(stmt).scalar()


def _same_period_last_year(start: date, period: str) -> date:
    if period == "week":
        return start - timedelta(weeks=52)
    if period == "day":
        return start.replace(year=start.year - 1, day=28) if (start.month, start.day) == (2, 29) else \
            start.replace(year=start.year - 1)
    return shift_period(start, period, -12 if period == "month" else -1)


def trend_report(conn: Connection, by: str, period: str = "month", *, where: ColumnElement[bool] | None,
                 at: date | None = None, filters: Mapping[str, str] | None = None,
                 limit: int | None = None) -> TrendReport:
    """The breakdown by ``by`` of the period containing ``at`` (default: the latest period with a visible
    incident), against the previous period and the same period last year; lines by current count, largest first."""
    _check(by, period)
    current = period_start(at, period) if at else latest_period(conn, period, where=where)
    if current is None:
        return TrendReport(by, period, None, None, None, [], TrendLine(None, Tally(), Tally(), Tally()))
    previous, last_year = shift_period(current, period, -1), _same_period_last_year(current, period)
    wanted = [current, previous, last_year]
    table: dict[str | None, dict[date, Tally]] = {}
    for cell in counts(conn, by, period, where=where, periods=wanted, filters=filters):
        table.setdefault(cell.key, {})[cell.period] = cell.tally
    lines = [TrendLine(key, got.get(current, Tally()), got.get(previous, Tally()), got.get(last_year, Tally()))
             for key, got in table.items()]
    lines.sort(key=lambda line: (-line.current.incidents, -line.previous.incidents, str(line.key)))
    totals: dict[date, Tally] = {}
    if by in _COLUMNS:  # one key per incident: the total is the sum of the lines, no second scan
        for got in table.values():
            for when, tally in got.items():
                totals[when] = totals.get(when, Tally()) + tally
    else:
        totals = {cell.period: cell.tally for cell in counts(conn, None, period, where=where, periods=wanted,
                                                             filters=filters)}
    total = TrendLine(None, totals.get(current, Tally()), totals.get(previous, Tally()), totals.get(last_year, Tally()))
    return TrendReport(by, period, current, previous, last_year, lines[:limit] if limit else lines, total)
