"""STIX timestamps to and from timezone-aware datetimes with microsecond precision.

Why its own module: version keys (``modified``), ``added_after`` filters, cursors and version lists all
parse timestamps, and they must agree exactly. Digits beyond microseconds are cut (the exact original
string always stays inside the stored JSON).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

__all__ = ["parse_timestamp", "format_timestamp", "EPOCH"]

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:?\d{2})?$"
)


def parse_timestamp(value: str | datetime) -> datetime:
    """A UTC datetime for an RFC 3339 / STIX timestamp; ``ValueError`` naming the value if it is not one.

    A naive datetime or a string without offset is taken as UTC.
    """
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    match = _TIMESTAMP.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"{value!r} is not a timestamp (expected e.g. 2024-05-01T12:00:00.000Z)")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        parsed = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro)
    except ValueError:
        raise ValueError(f"{value!r} is not a valid date and time") from None
    if offset and offset.upper() != "Z":
        sign = 1 if offset[0] == "+" else -1
        digits = offset[1:].replace(":", "")
        minutes = sign * (int(digits[:2]) * 60 + int(digits[2:]))
        return parsed.replace(tzinfo=timezone(timedelta(minutes=minutes))).astimezone(timezone.utc)
    return parsed.replace(tzinfo=timezone.utc)


def format_timestamp(value: datetime) -> str:
    """The STIX form of a datetime: UTC, microseconds, ``Z`` suffix."""
    value = value.astimezone(timezone.utc) if value.tzinfo else value
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
