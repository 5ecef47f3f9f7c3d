"""Which rows a read sees: the filters shared by query, manifest, count, versions, search and delete.

Why one place: TAXII "last version" must mean the last version *the caller may see*. So the order is fixed
here for every read: (1) row filters — collection, type, id, spec_version and the caller's ``where`` clause
(the access layer's sharing policy) — decide which versions are visible; (2) version selection
(``last``/``first``/``all``/listed timestamps) picks among the visible versions only; (3) ``added_after`` and
the paging cursor then apply to the chosen versions (``query`` does that). A version hidden by ``where``
therefore never shadows an older visible one, and never leaks through ``first``/``last``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, and_, exists, false, func, select, true
from sqlalchemy.sql.util import ClauseAdapter

from marsad.errors import InvalidFilter
from marsad.store.collections import collection_objects
from marsad.store.objects import stix_objects
from marsad.store.timestamps import parse_timestamp

__all__ = ["Scope", "VersionSpec", "row_filters", "version_filter", "visible_from", "order_columns", "all_filters"]

#: "last" | "first" | "all" | a list of version timestamps
VersionSpec = str | Sequence[str]


@dataclass(frozen=True)
class Scope:
    """Row filters of a read. ``None`` means no filter; an empty list matches nothing."""

    collection_id: str | None = None
    types: Sequence[str] | None = None
    ids: Sequence[str] | None = None
    spec_versions: Sequence[str] | None = None
    where: ColumnElement[bool] | None = None


def _in(col, values: Sequence[str] | None) -> ColumnElement[bool] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    return col.in_(list(values)) if values else false()


def row_filters(scope: Scope, objects=stix_objects, members=collection_objects) -> list[ColumnElement[bool]]:
    """Filters for ``scope`` written over ``objects``/``members`` (the real tables or aliases of them)."""
    filters = [
        f
        for f in (
            _in(objects.c.type, scope.types),
            _in(objects.c.stix_id, scope.ids),
            _in(objects.c.spec_version, scope.spec_versions),
        )
        if f is not None
    ]
    if scope.collection_id is not None:
        in_collection = members.c.collection_id
        if scope.ids is not None:
            # found by id first: keep planners (SQLite without statistics) off the collection index
            in_collection = func.coalesce(in_collection, "")
        filters.append(in_collection == scope.collection_id)
    if scope.where is not None:
        where = scope.where
        if objects is not stix_objects:
            where = ClauseAdapter(objects).traverse(where)
        if members is not collection_objects:
            where = ClauseAdapter(members).traverse(where)
        filters.append(where)
    return filters


def visible_from(scope: Scope, objects=stix_objects, members=collection_objects) -> FromClause:
    """``objects`` joined to its collection membership when the scope names a collection."""
    if scope.collection_id is None:
        return objects
    return objects.join(members, members.c.object_pk == objects.c.pk)


def _version_list(versions: Sequence[Any]) -> list:
    try:
        return [parse_timestamp(v) for v in versions]
    except (ValueError, TypeError) as exc:
        raise InvalidFilter(f"bad version in match[version]: {exc}") from None


def version_filter(scope: Scope, versions: VersionSpec) -> ColumnElement[bool] | None:
    """The predicate on ``stix_objects`` keeping the chosen versions among the visible ones (None: all)."""
    if isinstance(versions, str):
        choice = versions.strip().lower()
        if choice == "all":
            return None
        if choice in ("last", "first"):
            newer = stix_objects.alias("newer")
            newer_members = collection_objects.alias("newer_members")
            later = newer.c.modified > stix_objects.c.modified if choice == "last" else newer.c.modified < stix_objects.c.modified
            shadow = (
                select(newer.c.pk)
                .select_from(visible_from(scope, newer, newer_members))
                .where(newer.c.stix_id == stix_objects.c.stix_id, later, *row_filters(scope, newer, newer_members))
            )
            return ~exists(shadow)
        versions = [part for part in choice.split(",") if part]
    return stix_objects.c.modified.in_(_version_list(versions)) if versions else false()


def order_columns(scope: Scope):
    """(date_added, sequence) columns paging orders by: the membership's in a collection, else the version's."""
    if scope.collection_id is not None:
        return collection_objects.c.date_added, collection_objects.c.seq
    return stix_objects.c.date_added, stix_objects.c.pk


def all_filters(scope: Scope, versions: VersionSpec) -> ColumnElement[bool]:
    """Row filters and version selection together, as one clause."""
    chosen = version_filter(scope, versions)
    return and_(true(), *row_filters(scope), *([chosen] if chosen is not None else []))
