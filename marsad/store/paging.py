"""Pages of read results and the opaque cursor that continues them (keyset on (date_added, sequence)).

Why keyset, not OFFSET: a page costs the same at row 10 and row 10 million, and objects arriving while a
client pages land after its cursor (``date_added`` only grows), so every object is returned exactly once.
The cursor is base64url JSON with a checksum over its position *and* the query's filters: a corrupted,
edited or re-used-with-other-filters cursor is refused with :class:`marsad.errors.InvalidFilter`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marsad.errors import InvalidFilter
from marsad.store.timestamps import format_timestamp, parse_timestamp

__all__ = ["StoredObject", "ManifestEntry", "Page", "ManifestPage", "encode_cursor", "decode_cursor", "version_of"]

_DEFAULT_KEY = b"marsad-store-cursor-v1"


def version_of(obj: dict[str, Any], date_added: datetime) -> str:
    """The TAXII version string: ``modified``, else ``created``, else the date added."""
    return obj.get("modified") or obj.get("created") or format_timestamp(date_added)


@dataclass(frozen=True)
class StoredObject:
    """One stored version as read: the STIX object (dict) and when it was added (to the collection)."""

    object: dict[str, Any]
    date_added: datetime

    @property
    def id(self) -> str:
        return self.object["id"]

    @property
    def version(self) -> str:
        return version_of(self.object, self.date_added)


@dataclass(frozen=True)
class ManifestEntry:
    """A TAXII manifest record: id, date added, version and media type, without the object."""

    id: str
    date_added: datetime
    version: str
    media_type: str = "application/stix+json;version=2.1"


class _AddedRange:
    """The first and last ``date_added`` of a page (the TAXII X-TAXII-Date-Added-First/Last headers)."""

    objects: list

    @property
    def first_added(self) -> datetime | None:
        return self.objects[0].date_added if self.objects else None

    @property
    def last_added(self) -> datetime | None:
        return self.objects[-1].date_added if self.objects else None


@dataclass(frozen=True)
class Page(_AddedRange):
    """A page of results: ``next`` is the cursor for the following page (None when ``more`` is False)."""

    objects: list[StoredObject] = field(default_factory=list)
    more: bool = False
    next: str | None = None


@dataclass(frozen=True)
class ManifestPage(_AddedRange):
    """A page of manifest entries, paged like :class:`Page`."""

    objects: list[ManifestEntry] = field(default_factory=list)
    more: bool = False
    next: str | None = None


def _mac(payload: str, fingerprint: str, key: bytes) -> str:
    return hmac.new(key, (payload + "|" + fingerprint).encode(), hashlib.sha256).hexdigest()[:16]


def encode_cursor(date_added: datetime, seq: int, fingerprint: str, key: bytes = _DEFAULT_KEY) -> str:
    """An opaque cursor for the position just after (date_added, seq) in the query ``fingerprint``."""
    payload = json.dumps([format_timestamp(date_added), int(seq)], separators=(",", ":"))
    token = json.dumps([payload, _mac(payload, fingerprint, key)], separators=(",", ":"))
    return base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, fingerprint: str, key: bytes = _DEFAULT_KEY) -> tuple[datetime, int]:
    """(date_added, seq) from a cursor made for the same filters; :class:`InvalidFilter` otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        payload, mac = json.loads(raw)
        if not hmac.compare_digest(mac, _mac(payload, fingerprint, key)):
            raise ValueError("checksum")
        stamp, seq = json.loads(payload)
        return parse_timestamp(stamp), int(seq)
    except (ValueError, TypeError, UnicodeDecodeError, AttributeError):
        raise InvalidFilter("the paging token 'next' is malformed or belongs to another query") from None
