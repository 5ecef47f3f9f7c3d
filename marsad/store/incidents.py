"""The incident projection: one flat row per incident (its last stored version) so counting is an indexed GROUP BY.

Why a projection: trends, early warning, briefs and maps count incidents by period, country, group or attack
type over hundreds of thousands of objects. Reading and parsing each incident's JSON for that is far too slow,
so every write path keeps ``incident_facts`` (one row per incident id, pointing at the stored version with the
latest ``modified``) and ``incident_terms`` (its multi-valued attack/target/weapon types and themes) current:
:func:`project_incidents` is called by :func:`marsad.store.writes.put_objects` with the rows it inserted, in the
same transaction. The sharing policy is never re-implemented here: the version's TLP and ``created_by_ref``
are copied (a stored version never changes), and :func:`on_facts` re-points the access layer's
``visible_clause`` (an SQL clause over ``stix_objects``) onto these copies, so counting needs no join to the
wide ``stix_objects`` rows; the policy's subqueries on releases and memberships correlate on ``object_pk``.

Period keys are precomputed as dates and left NULL when the incident's date is less precise than the period
(``day`` and ``week`` need a day-precise date, ``month`` a month-precise one): an incident known only to its
year is counted by year but never placed on an arbitrary 1 January.

``source`` says where an incident came from: ``gtd`` / ``acled`` (an external reference with that source name,
whose ``external_id`` is kept as ``source_event_id``), ``extracted`` (label ``extracted``: the monitor) or
``report`` (anything else: a member state's report). Deleting the last version removes its row (foreign-key
cascade); :func:`rebuild_incident_facts` recomputes the whole projection from ``stix_objects``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, timedelta
import weakref
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Column,
    Connection,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    and_,
    delete,
    false,
    or_,
    func,
    inspect,
    literal,
    select,
    text,
)

from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, BooleanClauseList, ColumnClause
from sqlalchemy.sql.selectable import FromClause

from marsad.memo import BoundedMemo
from marsad.model.incident import incident_fields
from marsad.store.audiences import (audience_collections, audience_releases, audiences_of, has_audiences,
                                    settle_audiences, sharing_audiences)
from marsad.store.base import BigIntPK, UTCDateTime, metadata
from marsad.store.collections import collection_objects
from marsad.store.lookups import in_values, values_of
from marsad.store.objects import object_releases, stix_objects
from marsad.store.rows import driver_insert, sqlite_time
from marsad.store.timestamps import parse_timestamp

__all__ = [
    "incident_facts",
    "incident_terms",
    "TERM_VOCABULARIES",
    "SOURCES",
    "PERIOD_COLUMNS",
    "incident_source",
    "fact_values",
    "period_start",
    "project_incidents",
    "on_facts",
    "on_audiences",
    "settle_incident_audiences",
    "rebuild_incident_facts",
    "analyze_incident_facts",
]

#: incident field → vocabulary key stored in ``incident_terms.vocabulary``
TERM_VOCABULARIES = {"attack_types": "attack_type", "target_types": "target_type", "weapon_types": "weapon_type",
                     "themes": "theme"}
SOURCES = ("gtd", "acled", "extracted", "report")
#: period name → column of ``incident_facts`` holding the period's first day
PERIOD_COLUMNS = ("day", "week", "month", "year")
_CHUNK = 500
#: columns carried by the period indexes (sharing facts, the common breakdowns, the toll, and the key the policy's
#: per-row subqueries and the term joins correlate on: PostgreSQL can then count from the index alone)
_COVERED = ("audience", "tlp", "country", "perpetrator", "killed", "wounded", "created_by_ref", "object_pk")
#: most rows a write settles (see :mod:`marsad.store.audiences`): bounds the cost a write adds
_SETTLE_PER_WRITE = 20_000

incident_facts = Table(
    "incident_facts",
    metadata,
    Column("object_pk", BigIntPK, ForeignKey("stix_objects.pk", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("stix_id", String(300), nullable=False, unique=True),
    Column("modified", UTCDateTime(), nullable=False),
    Column("source", String(20), nullable=False),
    Column("source_event_id", String(100), nullable=True),
    Column("occurred", Date, nullable=True),
    Column("precision", String(5), nullable=True),
    Column("day", Date, nullable=True),
    Column("week", Date, nullable=True),
    Column("month", Date, nullable=True),
    Column("year", Date, nullable=True),
    Column("country", String(2), nullable=True),
    Column("admin1", String(200), nullable=True),
    Column("city", String(200), nullable=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("perpetrator", String(300), nullable=True),
    Column("killed", Integer, nullable=False, default=0),
    Column("wounded", Integer, nullable=False, default=0),
    # copies of the version's sharing facts (a stored version never changes), so the policy runs without a join
    Column("tlp", String(20), nullable=True),
    Column("created_by_ref", String(300), nullable=True),
    # the row's sharing audience (marsad.store.audiences); NULL until settled, and again when its collections change
    Column("audience", Integer, nullable=True),
    # covering indexes of the monthly and yearly counts: a dashboard query reads index entries only
    Index("ix_incident_facts_month_cover", "month", *_COVERED),
    Index("ix_incident_facts_year_cover", "year", *_COVERED),
    Index(None, "week"),
    Index(None, "day"),
    Index(None, "occurred"),  # "since a day" reads (the link graph); added by revision 0011
    Index(None, "country", "year"),
    Index(None, "perpetrator", "year"),
    Index(None, "source", "source_event_id"),
    Index("ix_incident_facts_unsettled", "object_pk", sqlite_where=text("audience IS NULL"),
          postgresql_where=text("audience IS NULL")),
)

incident_terms = Table(
    "incident_terms",
    metadata,
    Column("object_pk", BigIntPK, ForeignKey("incident_facts.object_pk", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("vocabulary", String(20), primary_key=True),
    Column("term", String(120), primary_key=True),
    Index(None, "vocabulary", "term", "object_pk"),
    # SQLite: one B-tree keyed by the primary key, no rowid (revision 0019: a version's terms are replaced at every
    # projected update, and a rowid table wrote each row to three trees)
    sqlite_with_rowid=False,
)


def incident_source(obj: Mapping[str, Any]) -> tuple[str, str | None]:
    """(source, source event id) of an incident object: see the module docstring."""
    for ref in obj.get("external_references") or ():
        name = str(ref.get("source_name", "")).strip().lower()
        if name in ("gtd", "acled"):
            return name, (str(ref["external_id"]) if ref.get("external_id") is not None else None)
    if "extracted" in (obj.get("labels") or ()):
        return "extracted", None
    return "report", None


def period_start(day: date, period: str) -> date:
    """The first day of the ``period`` (day, week = ISO week from Monday, month, year) containing ``day``."""
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "year":
        return day.replace(month=1, day=1)
    raise ValueError(f"unknown period {period!r}")


def _periods(occurred: str | None, precision: str | None) -> dict[str, date | None]:
    keys: dict[str, date | None] = dict.fromkeys(("occurred", *PERIOD_COLUMNS))
    if not occurred:
        return keys
    try:
        when = date.fromisoformat(str(occurred))
    except ValueError:  # an incident received with a malformed date is still counted, undated
        return keys
    keys["occurred"] = when
    level = {"day": 0, "month": 2, "year": 3}.get(precision or "day", 0)
    for rank, period in enumerate(PERIOD_COLUMNS):
        if rank >= level:
            keys[period] = period_start(when, period)
    return keys


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _text(value: Any, size: int) -> str | None:
    return str(value)[:size] if value not in (None, "") else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def fact_values(pk: int, obj: Mapping[str, Any], tlp: str | None = None) -> tuple[dict, list[dict]]:
    """The ``incident_facts`` row and ``incident_terms`` rows of one stored incident version."""
    fields = incident_fields(dict(obj))
    source, event_id = incident_source(obj)
    row = {
        "object_pk": pk, "stix_id": obj["id"], "modified": parse_timestamp(obj.get("modified") or obj["created"]),
        "source": source, "source_event_id": event_id, "precision": fields["occurred_precision"]
        or ("day" if fields["occurred"] else None),
        **_periods(fields["occurred"], fields["occurred_precision"]),
        "country": fields["country"] if isinstance(fields["country"], str) and len(fields["country"]) == 2 else None,
        "admin1": _text(fields["admin1"], 200),
        "city": _text(fields["city"], 200), "perpetrator": _text(fields["perpetrator"], 300),
        "latitude": _number(fields["latitude"]), "longitude": _number(fields["longitude"]),
        "killed": _count(fields["killed"]), "wounded": _count(fields["wounded"]),
        "tlp": tlp, "created_by_ref": _text(obj.get("created_by_ref"), 300),
    }
    terms = [{"object_pk": pk, "vocabulary": vocab, "term": term}
             for key, vocab in TERM_VOCABULARIES.items() for term in dict.fromkeys(map(str, fields[key]))]
    return row, terms


#: ``stix_objects`` columns a policy clause may read → their copies in ``incident_facts``
_COPIES = {"pk": "object_pk", "stix_id": "stix_id", "tlp": "tlp", "created_by_ref": "created_by_ref"}


def _exact(where: ColumnElement[bool], facts=incident_facts) -> ColumnElement[bool]:
    """``where`` re-pointed row by row onto ``facts`` (``incident_facts`` or an alias of it; the policy's subqueries
    then correlate on its ``object_pk``)."""
    def replace(element):
        if _is_reference_identity(element):
            return false()  # an incident is never an identity (and the index covering the counts lacks stix_id)
        if element is stix_objects:
            return facts
        if isinstance(element, Column) and element.table is stix_objects:
            if element.key == "type":
                return literal("incident", String(100))
            if element.key not in _COPIES:
                raise ValueError(f"stix_objects.{element.key} has no copy in incident_facts")
            return facts.c[_COPIES[element.key]]
        return None
    return visitors.replacement_traverse(where, {}, replace)


def _is_identity_test(clause) -> bool:
    return (isinstance(clause, BinaryExpression) and clause.operator is operators.eq
            and clause.left is stix_objects.c.type and isinstance(clause.right, BindParameter)
            and clause.right.value == "identity")


def _is_reference_identity(element) -> bool:
    """True for a conjunction that holds only for identity objects (``type = 'identity' AND …``)."""
    return isinstance(element, BooleanClauseList) and element.operator is operators.and_ and any(
        _is_identity_test(c) for c in element.clauses)


#: per-object tables a policy clause reads → (audience table, column map); other columns are refused
_AUDIENCE_TABLES = {
    object_releases: (audience_releases, {"object_pk": "audience_id", "entry": "entry"}),
    collection_objects: (audience_collections, {"object_pk": "audience_id", "collection_id": "collection_id"}),
}
_AUDIENCE_COLUMNS = {"pk": "id", "tlp": "tlp", "created_by_ref": "created_by_ref"}


def on_audiences(where: ColumnElement[bool]) -> ColumnElement[bool]:
    """``where`` (a clause over ``stix_objects`` and its releases/memberships, read for an incident) re-pointed
    onto ``sharing_audiences``: true for an audience exactly when it is true for the incidents in it.
    :class:`ValueError` when ``where`` reads anything an audience does not determine (e.g. an id or a date)."""
    aliases: dict[int, Any] = {}

    def counterpart(table):
        base = getattr(table, "element", table)
        if base not in _AUDIENCE_TABLES:
            return None
        target = _AUDIENCE_TABLES[base][0]
        if table is base:
            return target
        return aliases.setdefault(id(table), target.alias(table.name))

    def replace(element):
        if _is_reference_identity(element):
            return false()  # the reference-identity rule: an incident is never an identity
        if element is stix_objects:
            return sharing_audiences
        if isinstance(element, Column) and element.table is stix_objects:
            if element.key == "type":
                return literal("incident", String(100))
            if element.key not in _AUDIENCE_COLUMNS:
                raise ValueError(f"an audience does not determine stix_objects.{element.key}")
            return sharing_audiences.c[_AUDIENCE_COLUMNS[element.key]]
        table = getattr(element, "table", None)
        if isinstance(element, ColumnClause) and table is not None and counterpart(table) is not None:
            names = _AUDIENCE_TABLES[getattr(table, "element", table)][1]
            if element.key not in names:
                raise ValueError(f"an audience does not determine {table.name}.{element.key}")
            return counterpart(table).c[names[element.key]]
        return counterpart(element) if isinstance(element, FromClause) else None
    return visitors.replacement_traverse(where, {}, replace)


#: re-pointed clauses by (cache key, bound values) of the clause given: see :func:`on_facts`
_ON_FACTS: BoundedMemo[ColumnElement[bool]] = BoundedMemo(256)


def _hashable(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(_hashable(v) for v in value)
    return value


def _memo_key(where: ColumnElement[bool]) -> tuple | None:
    """What determines the re-pointed clause: the clause's structure (SQLAlchemy's cache key, the one its
    compiled-statement cache uses) and its bound values; None when it has no cache key."""
    found = where._generate_cache_key()
    if found is None:
        return None
    try:
        key = (found.key, tuple(_hashable(p.effective_value) for p in found.bindparams))
        hash(key)
    except TypeError:  # a bound value that cannot be a key: no memo
        return None
    return key


def on_facts(where: ColumnElement[bool]) -> ColumnElement[bool]:
    """``where`` re-pointed onto ``incident_facts`` (see :func:`_on_facts`), remembered for clauses of the same
    structure and bound values: re-pointing costs 8-16 ms of CPU per call and a dashboard page asks it for the
    same viewer's clause up to eight times (the answer is the same clause, so nothing else changes)."""
    key = _memo_key(where)
    if key is None:
        return _on_facts(where)
    return _ON_FACTS.get(key, lambda: _on_facts(where))


def _on_facts(where: ColumnElement[bool]) -> ColumnElement[bool]:
    """``where`` (a clause over ``stix_objects``, e.g. the access layer's ``visible_clause``) re-pointed onto
    ``incident_facts``: same rows selected, no join. :class:`ValueError` if it reads a column not copied.

    Settled rows are decided by their audience (``audience IN`` the audiences ``where`` selects, see
    :mod:`marsad.store.audiences`); unsettled ones (few: found through a partial index) by the clause itself,
    row by row, in a subquery of their own. Both subqueries are uncorrelated: the database runs each once, and a
    count reads the covering index only (PostgreSQL would otherwise cost the per-row clause for every row)."""
    exact = _exact(where)
    try:
        chosen = select(sharing_audiences.c.id).where(on_audiences(where))
    except ValueError:
        return exact
    pending = incident_facts.alias("unsettled_facts")
    unsettled = select(pending.c.object_pk).where(pending.c.audience.is_(None), _exact(where, pending))
    return or_(incident_facts.c.audience.in_(chosen),
               and_(incident_facts.c.audience.is_(None), incident_facts.c.object_pk.in_(unsettled)))


def settle_incident_audiences(conn: Connection, *, limit: int | None = None) -> int:
    """Give unsettled projection rows their sharing audience (see :mod:`marsad.store.audiences`)."""
    return settle_audiences(conn, incident_facts, limit=limit)


def project_incidents(conn: Connection, stored: Iterable[tuple[int, Mapping[str, Any]]], *, settle: bool = True,
                      sharing: Mapping[int, tuple[str | None, str | None]] | None = None,
                      unseen: Collection[str] = (),
                      homes: Mapping[int, tuple[Sequence[str], Sequence[str]]] | None = None) -> int:
    """Keep the projection current for newly stored versions ``(pk, object)``; other types are ignored.

    A version replaces the projected one of the same id only when its ``modified`` is later (or equal with a
    higher pk), so storing an old version after a new one changes nothing. Returns how many rows were written.
    A caller that knows them may pass ``sharing`` (pk → the (tlp, created_by_ref) it stored for that version),
    ``unseen`` (ids of which no version was stored before these: they have no projected row to look up) and
    ``homes`` (pk → the version's release entries and collection ids, final in this transaction: its row is
    written with its audience, :func:`marsad.store.audiences.audiences_of`; other rows are written unsettled).
    """
    latest: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for pk, obj in stored:
        if obj.get("type") == "incident":
            previous = latest.get(obj["id"])
            if previous is None or _newer((pk, obj), previous):
                latest[obj["id"]] = (pk, obj)
    if not _has_projection(conn):
        return 0
    if settle:  # earlier writes' rows, now in their collections
        settle_audiences(conn, incident_facts, limit=_SETTLE_PER_WRITE)
    if not latest:
        return 0
    ids = sorted(latest)
    current = _projected(conn, [stix_id for stix_id in ids if stix_id not in unseen])
    known = dict(sharing or {})
    known.update(_sharing(conn, [pk for pk, _ in latest.values() if pk not in known]))
    rows, terms = [], []
    for stix_id in ids:
        pk, obj = latest[stix_id]
        row, row_terms = fact_values(pk, obj, known[pk][0])
        row["created_by_ref"] = known[pk][1]
        held = current.get(stix_id)
        if held is not None and (held[1], held[0]) >= (row["modified"], pk):
            continue
        rows.append(row)
        terms.extend(row_terms)
    if homes and has_audiences(conn):
        _settled(conn, rows, homes)
    _replace(conn, [current[row["stix_id"]][0] for row in rows if row["stix_id"] in current], rows, terms)
    return len(rows)


def _settled(conn: Connection, rows: list[dict], homes: Mapping[int, tuple[Sequence[str], Sequence[str]]]) -> None:
    """Give each row whose pk is in ``homes`` its audience (the others stay unsettled: ``audience`` None)."""
    found = audiences_of(conn, {row["object_pk"]: (row["tlp"], row["created_by_ref"], *homes[row["object_pk"]])
                                for row in rows if row["object_pk"] in homes})
    for row in rows:
        row["audience"] = found.get(row["object_pk"])


#: ``incident_facts`` / ``incident_terms`` columns in the order :func:`_replace` writes them
_FACT_COLUMNS = tuple(c.key for c in incident_facts.c if c.key != "audience")
_TERM_COLUMNS = ("object_pk", "vocabulary", "term")
_DATE_COLUMNS = frozenset({"occurred", *PERIOD_COLUMNS})


def _replace(conn: Connection, stale: list[int], rows: list[dict], terms: list[dict]) -> None:
    """Delete the ``stale`` projected rows, insert ``rows`` and ``terms``: rows in database form, by the driver
    (SQLAlchemy's per-value bind processing of some 20 values per version cost more than the SQL)."""
    for start in range(0, len(stale), _CHUNK):
        chunk = {"pks": values_of(conn, stale[start:start + _CHUNK])}
        conn.execute(_statement(conn, "delete_terms"), chunk)
        conn.execute(_statement(conn, "delete_facts"), chunk)
    if not rows:
        return
    columns = (*_FACT_COLUMNS, "audience") if "audience" in rows[0] else _FACT_COLUMNS  # (see _settled)
    if conn.dialect.name == "sqlite":  # dates as SQLAlchemy's SQLite text (ISO), the UTC time as its fixed-width text
        dated = [name in _DATE_COLUMNS for name in columns]
        params = [tuple(sqlite_time(row[name]) if name == "modified" else
                        (None if row[name] is None else row[name].isoformat()) if is_date else row[name]
                        for name, is_date in zip(columns, dated)) for row in rows]
    else:
        params = [tuple(row[name] for name in columns) for row in rows]
    driver_insert(conn, "incident_facts", columns, params)
    if terms:
        driver_insert(conn, "incident_terms", _TERM_COLUMNS, [(t["object_pk"], t["vocabulary"], t["term"]) for t in terms])


#: engines whose schema has the projection (a database below revision 0005 has none: nothing to keep current)
_READY: weakref.WeakSet = weakref.WeakSet()


def _has_projection(conn: Connection) -> bool:
    if conn.engine in _READY:
        return True
    if not inspect(conn).has_table("incident_facts"):
        return False
    _READY.add(conn.engine)
    return True


def _newer(candidate: tuple[int, Mapping], previous: tuple[int, Mapping]) -> bool:
    def key(item):
        pk, obj = item
        return parse_timestamp(obj.get("modified") or obj["created"]), pk
    return key(candidate) > key(previous)


#: the statements :func:`project_incidents` runs on every write, built once per dialect (no construction and
#: cache-key work per call)
_STATEMENTS = {
    dialect: {
        "sharing": select(stix_objects.c.pk, stix_objects.c.tlp, stix_objects.c.created_by_ref).where(pk_in),
        "projected": select(incident_facts.c.stix_id, incident_facts.c.object_pk, incident_facts.c.modified)
        .where(id_in),
        "delete_terms": delete(incident_terms).where(term_in),
        "delete_facts": delete(incident_facts).where(fact_in),
    }
    for dialect, pk_in, id_in, term_in, fact_in in (
        (name, in_values(stix_objects.c.pk, "pks")[name], in_values(incident_facts.c.stix_id, "ids")[name],
         in_values(incident_terms.c.object_pk, "pks")[name], in_values(incident_facts.c.object_pk, "pks")[name])
        for name in ("postgresql", "sqlite"))
}


def _statement(conn: Connection, name: str):
    return _STATEMENTS["postgresql" if conn.dialect.name == "postgresql" else "sqlite"][name]


def _sharing(conn: Connection, pks: Sequence[int]) -> dict[int, tuple[str | None, str | None]]:
    """(tlp, created_by_ref) of stored versions, as the store computed them."""
    found = {}
    for start in range(0, len(pks), _CHUNK):
        rows = conn.execute(_statement(conn, "sharing"), {"pks": values_of(conn, pks[start:start + _CHUNK])}).all()
        found.update({pk: (tlp, creator) for pk, tlp, creator in rows})
    return found


def _projected(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[int, Any]]:
    """stix_id → (pk, modified) of the projected rows of ``ids``."""
    found = {}
    for start in range(0, len(ids), _CHUNK):
        rows = conn.execute(_statement(conn, "projected"), {"ids": values_of(conn, ids[start:start + _CHUNK])}).all()
        found.update({stix_id: (pk, modified) for stix_id, pk, modified in rows})
    return found


def rebuild_incident_facts(conn: Connection, *, batch: int = 2000) -> int:
    """Recompute the whole projection from the stored incident versions; returns how many incidents it holds."""
    conn.execute(delete(incident_terms))
    conn.execute(delete(incident_facts))
    last_pk = 0
    while True:
        query = (select(stix_objects.c.pk, stix_objects.c.object)
                 .where(stix_objects.c.type == "incident", stix_objects.c.pk > last_pk)
                 .order_by(stix_objects.c.pk).limit(batch))
        chunk = [(row.pk, row.object) for row in conn.execute(query)]
        if not chunk:
            break
        project_incidents(conn, chunk, settle=False)
        last_pk = chunk[-1][0]
    settle_audiences(conn, incident_facts, cached=False)  # a migration may run this under an older schema
    return conn.execute(select(func.count()).select_from(incident_facts)).scalar_one()


def analyze_incident_facts(conn: Connection) -> None:
    """Refresh the planner's statistics of the projection after a bulk load (SQLite has no autovacuum to do it;
    without them it may walk ``incident_terms`` whole instead of the period index); unsettled rows get their
    sharing audience first."""
    settle_audiences(conn, incident_facts)
    conn.exec_driver_sql("ANALYZE incident_facts")
    conn.exec_driver_sql("ANALYZE incident_terms")
