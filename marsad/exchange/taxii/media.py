"""TAXII 2.1 media types: which ``Accept`` a request may send and which ``Content-Type`` a POST may carry.

Why a module of its own: every TAXII endpoint negotiates the same way (406 for an Accept the server cannot
satisfy, 415 for a body in another media type), and the rules are easy to get subtly wrong (parameters,
``*/*``, q-values, TAXII 2.0's ``vnd.oasis`` types) — so they live here once, as pure functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from marsad.errors import NotAcceptable, UnsupportedMediaType

__all__ = [
    "TAXII_MEDIA_TYPE",
    "STIX_MEDIA_TYPE",
    "TAXII_VERSION",
    "MediaRange",
    "parse_accept",
    "negotiate",
    "check_content_type",
]

TAXII_VERSION = "2.1"
TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"

_TAXII_BASE = "application/taxii+json"
_STIX_BASE = "application/stix+json"
_OFFERS = {_TAXII_BASE: TAXII_MEDIA_TYPE, _STIX_BASE: STIX_MEDIA_TYPE}


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header: ``type/subtype`` (lower case), its parameters and its q-value."""

    base: str
    params: dict
    quality: float

    def matches(self, base: str) -> bool:
        """True when this range covers the concrete media type ``base`` (wildcards included)."""
        if self.base in ("*/*", base):
            return True
        major = base.split("/", 1)[0]
        return self.base == f"{major}/*"


def _split_params(text: str) -> tuple[str, dict]:
    parts = [p.strip() for p in text.split(";")]
    params = {}
    for part in parts[1:]:
        if "=" in part:
            key, _, value = part.partition("=")
            params[key.strip().lower()] = value.strip().strip('"')
    return parts[0].lower(), params


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header, best first; an absent or empty header means ``*/*``."""
    if not header or not header.strip():
        return [MediaRange("*/*", {}, 1.0)]
    ranges = []
    for item in header.split(","):
        if not item.strip():
            continue
        base, params = _split_params(item)
        try:
            quality = float(params.pop("q", "1"))
        except ValueError:
            quality = 0.0
        ranges.append(MediaRange(base, params, quality))
    return sorted(ranges, key=lambda r: -r.quality)


def _version_ok(params: dict) -> bool:
    return params.get("version", TAXII_VERSION) == TAXII_VERSION


def negotiate(header: str | None, *, stix_allowed: bool = False) -> str:
    """The media type to answer with for ``header``; :class:`NotAcceptable` (406) if none fits.

    TAXII endpoints answer ``application/taxii+json;version=2.1``; endpoints that carry STIX objects also
    accept ``application/stix+json;version=2.1``. A ``version`` parameter other than 2.1 is not acceptable.
    """
    offers = [_TAXII_BASE, _STIX_BASE] if stix_allowed else [_TAXII_BASE]
    for media_range in parse_accept(header):
        if media_range.quality <= 0:
            continue
        for offer in offers:
            if media_range.matches(offer) and (media_range.base != offer or _version_ok(media_range.params)):
                return _OFFERS[offer]
    wanted = " or ".join(_OFFERS[o] for o in offers)
    raise NotAcceptable(f"this endpoint answers only {wanted}; the Accept header asked for {header!r}")


def check_content_type(header: str | None) -> str:
    """The media type of a POST body, checked: TAXII 2.1 envelope (or STIX 2.1 bundle); else 415."""
    if not header:
        raise UnsupportedMediaType(f"a Content-Type header is required: send {TAXII_MEDIA_TYPE}")
    base, params = _split_params(header)
    if base in _OFFERS and _version_ok(params):
        return _OFFERS[base]
    raise UnsupportedMediaType(
        f"the body must be {TAXII_MEDIA_TYPE} (an envelope) or {STIX_MEDIA_TYPE} (a bundle), not {header!r}"
    )
