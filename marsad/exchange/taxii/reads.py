"""The TAXII 2.1 read endpoints as functions of (user, collection, checked query): objects, one object, its
versions and the manifest — each pushed through the sharing policy and audited.

Why here and not in the routes: the policy (``visible_clause``) must reach every read path, versions must be
chosen among the versions the user may see, and every page handed out must be recorded; writing that once,
below HTTP, keeps the four endpoints from drifting apart and lets tests run without a server.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, Engine, and_, or_

from marsad.access import audit
from marsad.access.context import Viewer
from marsad.errors import InvalidFilter, NotFound
from marsad.exchange.taxii.clauses import CLAUSES
from marsad.exchange.taxii.filters import TaxiiQuery, format_timestamp
from marsad.exchange.taxii.resources import (
    PageInfo,
    date_added_headers,
    envelope,
    manifest_resource,
    versions_resource,
)
from marsad.store import Store
from marsad.store.objects import stix_objects
from marsad.store.selection import Scope

__all__ = ["TaxiiAnswer", "read_objects", "read_object", "read_versions", "read_manifest", "version_selection", "select_page",
           "wrap_cursor", "unwrap_cursor"]


@dataclass(frozen=True)
class TaxiiAnswer:
    """A resource to send and the headers that go with it."""

    body: dict
    headers: dict


def version_selection(viewer: Viewer, query: TaxiiQuery, scope: Scope):
    """The store's ``versions`` argument for ``query`` and the extra clause choosing first/last versions.

    ``first``/``last`` (alone or combined, e.g. ``first,last``, or with timestamps) become ``all`` narrowed by
    an OR of the single selections, each chosen among the versions ``scope`` lets the user see; the clauses
    come from :data:`CLAUSES` so a paging client does not rebuild them for every page.
    """
    keywords, stamps = query.version_keywords, query.version_timestamps
    if "all" in keywords:
        return "all", None
    if not keywords:
        return [format_timestamp(s) for s in stamps], None
    branches = [CLAUSES.version(viewer, scope, k) for k in keywords]
    if stamps:
        branches.append(stix_objects.c.modified.in_(list(stamps)))
    return "all", branches[0] if len(branches) == 1 else or_(*branches)


def select_page(store: Store, method: str, viewer: Viewer, collection_id: str, query: TaxiiQuery, *,
                ids=None, versions_default=None):
    """One page from ``store.query`` or ``store.manifest`` with the policy and version choice pushed into SQL."""
    visible: ColumnElement[bool] = CLAUSES.visible(viewer, collection_id)
    ids = list(ids) if ids is not None else (list(query.ids) or None)
    scope = Scope(collection_id=collection_id, types=list(query.types) or None, ids=ids,
                  spec_versions=list(query.spec_versions) or None, where=visible)
    versions, extra = version_selection(viewer, query, scope) if versions_default is None \
        else (versions_default, None)
    where = visible if extra is None else and_(visible, extra)
    page = getattr(store, method)(
        collection_id, types=scope.types, ids=ids, spec_versions=scope.spec_versions, versions=versions,
        added_after=query.added_after, limit=query.limit, cursor=unwrap_cursor(query), where=where,
    )
    return replace(page, next=wrap_cursor(page.next, query)) if page.next else page


def _version_tag(query: TaxiiQuery) -> str:
    """A short digest of the version choice, which the store's cursor does not cover when it is a clause."""
    text = ",".join(sorted(str(v) for v in query.versions))
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def wrap_cursor(token: str | None, query: TaxiiQuery) -> str | None:
    """The store's paging token tagged with the query's version choice."""
    return None if token is None else f"{token}.{_version_tag(query)}"


def unwrap_cursor(query: TaxiiQuery) -> str | None:
    """The store's token inside ``query.next``; :class:`InvalidFilter` if it was made for another version choice."""
    if query.next is None:
        return None
    token, _, tag = query.next.rpartition(".")
    if not token or tag != _version_tag(query):
        raise InvalidFilter("the paging token 'next' is malformed or belongs to another query")
    return token


def _info(page) -> PageInfo:
    return PageInfo(more=page.more, next=page.next, first_added=page.first_added, last_added=page.last_added)


def _audit_read(engine: Engine, viewer: Viewer, ids, endpoint: str, collection_id: str, remote_addr):
    audit.record_read(engine, viewer, ids, remote_addr=remote_addr, endpoint=endpoint, collection=collection_id)


def read_objects(engine: Engine, viewer: Viewer, collection_id: str, query: TaxiiQuery, *,
                 remote_addr: str | None = None) -> TaxiiAnswer:
    """Get Objects (5.3): an envelope of the visible objects matching ``query``, one page."""
    page = select_page(Store(engine), "query", viewer, collection_id, query)
    objects = [item.object for item in page.objects]
    _audit_read(engine, viewer, [o["id"] for o in objects], "objects", collection_id, remote_addr)
    info = _info(page)
    return TaxiiAnswer(envelope(objects, info), date_added_headers(info))


def read_object(engine: Engine, viewer: Viewer, collection_id: str, object_id: str, query: TaxiiQuery, *,
                remote_addr: str | None = None) -> TaxiiAnswer:
    """Get an Object (5.5): the chosen versions of ``object_id``; 404 if the user sees no version of it."""
    store = Store(engine)
    page = select_page(store, "query", viewer, collection_id, query, ids=[object_id])
    if not page.objects and not _exists_for(store, viewer, collection_id, object_id):
        raise NotFound(f"no object {object_id[:120]!r} in this collection")
    objects = [item.object for item in page.objects]
    _audit_read(engine, viewer, [object_id] if objects else [], "object", collection_id, remote_addr)
    info = _info(page)
    return TaxiiAnswer(envelope(objects, info), date_added_headers(info))


def _exists_for(store: Store, viewer: Viewer, collection_id: str, object_id: str) -> bool:
    """True when ``viewer`` sees at least one version of ``object_id`` in the collection."""
    page = store.manifest(collection_id, ids=[object_id], versions="all", limit=1,
                          where=CLAUSES.visible(viewer, collection_id))
    return bool(page.objects)


def read_versions(engine: Engine, viewer: Viewer, collection_id: str, object_id: str, query: TaxiiQuery, *,
                  remote_addr: str | None = None) -> TaxiiAnswer:
    """Get Object Versions (5.8): the visible versions of ``object_id``; 404 if none is visible."""
    page = select_page(Store(engine), "manifest", viewer, collection_id, query, ids=[object_id], versions_default="all")
    if not page.objects and query.next is None and query.added_after is None and not query.spec_versions:
        raise NotFound(f"no object {object_id[:120]!r} in this collection")
    _audit_read(engine, viewer, [object_id] if page.objects else [], "versions", collection_id, remote_addr)
    info = _info(page)
    return TaxiiAnswer(versions_resource([e.version for e in page.objects], info), date_added_headers(info))


def read_manifest(engine: Engine, viewer: Viewer, collection_id: str, query: TaxiiQuery, *,
                  remote_addr: str | None = None) -> TaxiiAnswer:
    """Get Object Manifests (5.6): id, date_added, version and media type of the visible objects."""
    page = select_page(Store(engine), "manifest", viewer, collection_id, query)
    _audit_read(engine, viewer, [e.id for e in page.objects], "manifest", collection_id, remote_addr)
    info = _info(page)
    records = [(e.id, e.date_added, e.version, _spec_of(e.media_type)) for e in page.objects]
    return TaxiiAnswer(manifest_resource(records, info), date_added_headers(info))


def _spec_of(media_type: str) -> str:
    return media_type.rsplit("version=", 1)[-1] if "version=" in media_type else "2.1"
