"""The TAXII 2.1 resources Marsad answers with, as plain dicts: discovery, API root, collections, envelopes,
manifests, versions and status.

Why pure functions: the shapes are fixed by the specification (sections 4 and 5) and are tested here without
HTTP or a database; the routes only choose which one to send. Field names follow TAXII 2.1 exactly so the
OASIS client and the ``stix2`` data sources read them unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping, Sequence

from marsad.exchange.taxii.filters import format_timestamp
from marsad.exchange.taxii.media import STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE

__all__ = [
    "API_ROOT_NAME",
    "PageInfo",
    "discovery_resource",
    "api_root_resource",
    "collection_resource",
    "collections_resource",
    "envelope",
    "manifest_resource",
    "versions_resource",
    "status_resource",
    "date_added_headers",
]

#: the one API root Marsad serves, under /taxii2/
API_ROOT_NAME = "marsad"


@dataclass(frozen=True)
class PageInfo:
    """What a listing page says about itself: is there more, the token for the next page, the date_added span."""

    more: bool = False
    next: str | None = None
    first_added: datetime | str | None = None
    last_added: datetime | str | None = None


def discovery_resource(base_url: str, *, title: str = "Marsad TAXII 2.1",
                       description: str | None = None, contact: str | None = None) -> dict:
    """The discovery resource (4.1.1): the one API root, given as an absolute URL under ``base_url``."""
    root = f"{base_url.rstrip('/')}/taxii2/{API_ROOT_NAME}/"
    body = {"title": title, "description": description or "Regional counter-terrorism information exchange.",
            "default": root, "api_roots": [root]}
    if contact:
        body["contact"] = contact
    return body


def api_root_resource(max_content_length: int, *, title: str = "Marsad") -> dict:
    """The API root resource (4.2.1): versions served and the largest body accepted."""
    return {
        "title": title,
        "description": "STIX 2.1 collections shared between member-state units and the secretariat.",
        "versions": [TAXII_MEDIA_TYPE],
        "max_content_length": max_content_length,
    }


def collection_resource(collection_id: str, title: str, *, description: str | None = None,
                        alias: str | None = None, can_read: bool, can_write: bool) -> dict:
    """A collection resource (5.2.1); ``can_read``/``can_write`` are the asking user's own rights."""
    body = {"id": collection_id, "title": title}
    if description:
        body["description"] = description
    if alias:
        body["alias"] = alias
    body.update(can_read=bool(can_read), can_write=bool(can_write), media_types=[STIX_MEDIA_TYPE])
    return body


def collections_resource(collections: Iterable[dict]) -> dict:
    """The collections resource (5.1.1); an empty list is sent as ``{}`` as the specification shows."""
    items = list(collections)
    return {"collections": items} if items else {}


def _paging(page: PageInfo) -> dict:
    body: dict = {"more": bool(page.more)}
    if page.more and page.next:
        body["next"] = page.next
    return body


def envelope(objects: Sequence[Mapping], page: PageInfo) -> dict:
    """An envelope (3.7): ``more``, ``next`` when there is more, and the objects (omitted when none)."""
    body = _paging(page)
    if objects:
        body["objects"] = list(objects)
    return body


def manifest_resource(records: Iterable[tuple[str, datetime | str, datetime | str, str]], page: PageInfo) -> dict:
    """A manifest resource (5.6.1) from (id, date_added, version, spec_version) tuples."""
    items = [
        {"id": obj_id, "date_added": format_timestamp(added), "version": format_timestamp(version),
         "media_type": f"application/stix+json;version={spec or '2.1'}"}
        for obj_id, added, version, spec in records
    ]
    body = _paging(page)
    if items:
        body["objects"] = items
    return body


def versions_resource(versions: Iterable[datetime | str], page: PageInfo) -> dict:
    """A versions resource (5.8.1): the object's versions (its ``modified`` timestamps), oldest first."""
    items = [format_timestamp(v) for v in versions]
    body = _paging(page)
    if items:
        body["versions"] = items
    return body


def status_resource(status_id: str, request_timestamp: datetime | str, successes: Sequence[Mapping],
                    failures: Sequence[Mapping], pendings: Sequence[Mapping] = ()) -> dict:
    """A status resource (4.3.1): counts always agree with the per-object lists."""
    return {
        "id": status_id,
        "status": "pending" if pendings else "complete",
        "request_timestamp": format_timestamp(request_timestamp),
        "total_count": len(successes) + len(failures) + len(pendings),
        "success_count": len(successes),
        "successes": list(successes),
        "failure_count": len(failures),
        "failures": list(failures),
        "pending_count": len(pendings),
        "pendings": list(pendings),
    }


def date_added_headers(page: PageInfo) -> dict[str, str]:
    """``X-TAXII-Date-Added-First``/``-Last`` for a page (absent when the page is empty)."""
    headers = {}
    if page.first_added is not None:
        headers["X-TAXII-Date-Added-First"] = format_timestamp(page.first_added)
    if page.last_added is not None:
        headers["X-TAXII-Date-Added-Last"] = format_timestamp(page.last_added)
    return headers
