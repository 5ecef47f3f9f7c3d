"""TAXII 2.1 URL filters and paging parameters, parsed and checked before any query runs.

Why a module of its own: every listing endpoint (objects, manifest, object, versions, delete) takes a subset of
``added_after``, ``limit``, ``next`` and ``match[id|type|version|spec_version]``; a malformed value must be a
400 with a reason naming the parameter (never a database error), and the TAXII defaults (``match[version]``
is ``last`` unless the endpoint lists versions) must be applied the same way everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Mapping

from marsad.errors import InvalidFilter

__all__ = [
    "TaxiiQuery",
    "VERSION_KEYWORDS",
    "OBJECTS_FILTERS",
    "OBJECT_FILTERS",
    "VERSIONS_FILTERS",
    "DELETE_FILTERS",
    "parse_query",
    "parse_timestamp",
    "format_timestamp",
]

VERSION_KEYWORDS = ("first", "last", "all")
#: the filters each endpoint supports (TAXII 2.1 sections 5.3–5.8)
OBJECTS_FILTERS = frozenset({"added_after", "limit", "next", "id", "type", "version", "spec_version"})
OBJECT_FILTERS = frozenset({"added_after", "limit", "next", "version", "spec_version"})
VERSIONS_FILTERS = frozenset({"added_after", "limit", "next", "spec_version"})
DELETE_FILTERS = frozenset({"version", "spec_version"})

_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$"
)
_TYPE = re.compile(r"^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                 r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SPEC_VERSION = re.compile(r"^\d\.\d$")
_MAX_VALUES = 1000


@dataclass(frozen=True)
class TaxiiQuery:
    """A checked TAXII query: filters as Python values, ``limit`` already clamped to the server's maximum."""

    added_after: datetime | None = None
    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    #: "first" / "last" / "all" keywords and/or exact versions (as datetimes)
    versions: tuple = ("last",)
    spec_versions: tuple[str, ...] = ()
    limit: int = 100
    next: str | None = None
    ignored: tuple[str, ...] = field(default=())

    @property
    def version_keywords(self) -> tuple[str, ...]:
        return tuple(v for v in self.versions if isinstance(v, str))

    @property
    def version_timestamps(self) -> tuple[datetime, ...]:
        return tuple(v for v in self.versions if isinstance(v, datetime))


def parse_timestamp(value: str, *, name: str = "timestamp") -> datetime:
    """A STIX/TAXII timestamp (``2024-01-31T12:00:00.123Z``) as an aware UTC datetime; else InvalidFilter."""
    match = _TIMESTAMP.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise InvalidFilter(f"{name}: {value!r} is not a timestamp like 2024-01-31T12:00:00.000Z")
    year, month, day, hour, minute, second, fraction = match.groups()
    micro = int((fraction or "0").ljust(6, "0")[:6])
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro,
                        tzinfo=timezone.utc)
    except ValueError:
        raise InvalidFilter(f"{name}: {value!r} is not a real date and time") from None


def format_timestamp(value: datetime | str | None) -> str | None:
    """A datetime as a TAXII timestamp with microseconds (``…T12:00:00.123456Z``); strings pass through."""
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _values(params: Mapping[str, Iterable[str]], key: str) -> list[str]:
    """All comma-separated values given for ``key`` (the parameter may be repeated)."""
    raw = params.get(key) or []
    if isinstance(raw, str):
        raw = [raw]
    values = [v.strip() for chunk in raw for v in chunk.split(",")]
    if any(not v for v in values):
        raise InvalidFilter(f"{key}: empty value")
    if len(values) > _MAX_VALUES:
        raise InvalidFilter(f"{key}: at most {_MAX_VALUES} values")
    return values


def _checked(values: list[str], pattern: re.Pattern, key: str, what: str) -> tuple[str, ...]:
    for value in values:
        if not pattern.match(value):
            raise InvalidFilter(f"{key}: {value[:80]!r} is not {what}")
    return tuple(dict.fromkeys(values))


def _parse_versions(values: list[str]) -> tuple:
    parsed = []
    for value in values:
        parsed.append(value if value in VERSION_KEYWORDS else parse_timestamp(value, name="match[version]"))
    return tuple(dict.fromkeys(parsed))


def _filter_name(key: str) -> str:
    """``match[type]`` → ``type``; other parameter names unchanged."""
    return key[6:-1] if key.startswith("match[") and key.endswith("]") else key


def _parse_limit(params: Mapping, default_limit: int, max_limit: int) -> int:
    values = _values(params, "limit") if params.get("limit") else []
    if not values:
        return min(default_limit, max_limit)
    if len(values) > 1 or not values[0].isdigit() or int(values[0]) < 1:
        raise InvalidFilter(f"limit: {','.join(values)[:40]!r} is not a positive whole number")
    return min(int(values[0]), max_limit)


def parse_query(params: Mapping[str, Iterable[str]], allowed: frozenset[str], *, default_limit: int = 100,
                max_limit: int = 1000, default_versions: tuple = ("last",)) -> TaxiiQuery:
    """Check the query ``params`` (name → list of raw values) against the filters ``allowed`` here.

    Unknown or unsupported parameters are ignored, as TAXII 2.1 asks; malformed values of supported ones
    raise :class:`InvalidFilter` naming the parameter.
    """
    known = {"added_after", "limit", "next"} | {f"match[{f}]" for f in ("id", "type", "version", "spec_version")}
    ignored = tuple(sorted(k for k in params if k not in known or _filter_name(k) not in allowed))
    usable = {k: v for k, v in params.items() if k not in ignored}
    added_after = None
    if usable.get("added_after"):
        values = _values(usable, "added_after")
        if len(values) > 1:
            raise InvalidFilter("added_after: give one timestamp")
        added_after = parse_timestamp(values[0], name="added_after")
    nxt = None
    if usable.get("next"):
        nxt = ",".join(_values(usable, "next"))
    versions = _parse_versions(_values(usable, "match[version]")) if usable.get("match[version]") else ()
    return TaxiiQuery(
        added_after=added_after,
        ids=_checked(_values(usable, "match[id]"), _ID, "match[id]", "a STIX id") if usable.get("match[id]") else (),
        types=_checked(_values(usable, "match[type]"), _TYPE, "match[type]", "a STIX type")
        if usable.get("match[type]") else (),
        versions=versions or tuple(default_versions),
        spec_versions=_checked(_values(usable, "match[spec_version]"), _SPEC_VERSION, "match[spec_version]",
                               "a spec version like 2.1") if usable.get("match[spec_version]") else (),
        limit=_parse_limit(usable, default_limit, max_limit),
        next=nxt,
        ignored=ignored,
    )
