"""Marsad's persistence: STIX object versions, collections, TAXII-style reads, full-text search, migrations.

Use :func:`open_store` (or :class:`Store` on an engine from :func:`make_engine` after
:func:`marsad.store.migrate.upgrade`). Tables live on the shared :data:`metadata`; the names below are the
schema contract other layers build SQL ``where`` clauses on (the ``collections`` table itself is
:data:`marsad.store.collections.collections`: the package attribute ``collections`` is that module).
"""

from marsad.store.base import JSONType, UTCDateTime, metadata
from marsad.store.collections import Collection, collection_objects
from marsad.store.engine import is_sqlite, make_engine
from marsad.store.objects import TLP_LEVELS, object_releases, stix_objects
from marsad.store.paging import ManifestEntry, ManifestPage, Page, StoredObject
from marsad.store.rows import canonical_json, content_hash
from marsad.store.store import SearchHit, Store, open_store
from marsad.store.writes import ObjectOutcome, PutResult

__all__ = [
    "Store",
    "open_store",
    "make_engine",
    "is_sqlite",
    "metadata",
    "JSONType",
    "UTCDateTime",
    "stix_objects",
    "object_releases",
    "collection_objects",
    "TLP_LEVELS",
    "Collection",
    "Page",
    "ManifestPage",
    "ManifestEntry",
    "StoredObject",
    "SearchHit",
    "PutResult",
    "ObjectOutcome",
    "canonical_json",
    "content_hash",
]
