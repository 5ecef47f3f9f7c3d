"""The SQL clauses a TAXII read pushes into the store, built once per user and collection and then reused.

Why a cache: the sharing policy (:func:`marsad.access.policy.visible_clause`) and the "last/first version the
user may see" selection (:func:`marsad.store.selection.version_filter`, which re-writes the policy clause onto
an aliased copy of the tables) cost tens of milliseconds of Python to build, every time — more than the query
itself once the indexes do their job. A paging client asks the same thing hundreds of times, so the clauses are
kept in a small LRU keyed by *every* fact of the viewer the policy reads (so a changed membership, grant or
organisation gives a new key, never a stale clause) plus the collection and the row filters. SQLAlchemy
expressions are immutable, so sharing them between threads is safe.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from sqlalchemy import ColumnElement

from marsad.access.context import Viewer
from marsad.access.policy import visible_clause
from marsad.memo import BoundedMemo
from marsad.store.selection import Scope, version_filter

__all__ = ["ClauseCache", "viewer_key", "CLAUSES"]


def viewer_key(viewer: Viewer) -> tuple:
    """Every fact of ``viewer`` the sharing policy may read, as a hashable tuple."""
    return (viewer.username, viewer.org_id, viewer.identity_id, viewer.country, viewer.is_secretariat,
            viewer.roles, viewer.member_read, viewer.member_write, viewer.open_read,
            tuple(sorted(viewer.grants.items())), viewer.member_identities)


def _tuple(values: Sequence[str] | None) -> tuple | None:
    return None if values is None else tuple(values)


class ClauseCache:
    """A bounded, thread-safe LRU of SQL clauses (a :class:`marsad.memo.BoundedMemo`)."""

    def __init__(self, size: int = 256):
        self.size = size
        self._memo: BoundedMemo[ColumnElement] = BoundedMemo(size)

    def _get(self, key: Hashable, build: Callable[[], ColumnElement]) -> ColumnElement:
        return self._memo.get(key, build)

    def visible(self, viewer: Viewer, collection_id: str) -> ColumnElement[bool]:
        """The sharing policy for ``viewer`` in ``collection_id``."""
        return self._get(("visible", viewer_key(viewer), collection_id),
                         lambda: visible_clause(viewer, collection_id))

    def version(self, viewer: Viewer, scope: Scope, keyword: str) -> ColumnElement[bool] | None:
        """``first``/``last`` among the versions ``scope`` (whose ``where`` is :meth:`visible`) lets through."""
        key = ("version", viewer_key(viewer), scope.collection_id, _tuple(scope.types), _tuple(scope.ids),
               _tuple(scope.spec_versions), keyword)
        return self._get(key, lambda: version_filter(scope, keyword))

    def clear(self) -> None:
        self._memo.clear()


#: the process-wide cache the TAXII reads use
CLAUSES = ClauseCache()
