"""What the dashboard's maps draw: the bundled country shapes and the incident markers a viewer may see.

Why here: the map is a read path like any other, so its markers come from the incident projection
(:data:`marsad.store.incidents.incident_facts`, which carries each incident's latitude and longitude) under
:func:`marsad.analysis.trends.visibility` — the access layer's ``visible_clause`` re-pointed onto the
projection — and never from anything else. A marker carries no more than the projection holds (date, place,
group, toll) and the incident's page URL; names and texts stay behind the incident page's own check.

Size: a browser draws a few hundred markers at once comfortably, not a hundred thousand. When more visible
incidents fall in the requested box than ``limit`` (default ``DEFAULT_MARKERS``, at most ``MAX_MARKERS``), the
answer is *clusters* instead: a grid whose cell shrinks as the
map zooms in (``CELL_DEGREES / 2**zoom``), one feature per non-empty cell with its count and toll, placed at
the mean position of its incidents. Either way the features' ``count`` sum to the visible incidents in the box
(``total``), so the map never shows more, or less, than the viewer's counts elsewhere.

The country shapes are public reference data (Natural Earth via :mod:`marsad.model.shapes`) plus a ``member``
flag from the membership file; they are serialised once per membership and served with a strong ETag.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from sqlalchemy import Connection, Integer, cast, func, select

from marsad.access.context import Viewer
from marsad.errors import InputError
from marsad.model.countries import country_name, is_country_code
from marsad.model.shapes import country_shapes
from marsad.store.incidents import incident_facts, on_facts
from marsad.web.viewer_clauses import viewer_visibility

__all__ = ["MAX_MARKERS", "DEFAULT_MARKERS", "CELL_DEGREES", "Box", "parse_box", "shapes_payload", "incident_url", "incident_markers"]

#: the most individual markers one answer carries (newest first); beyond, the answer is clusters
MAX_MARKERS = 2000
#: cluster cell size at zoom 0, in degrees; halved at every zoom level
CELL_DEGREES = 40.0
_MAX_ZOOM = 18
#: at this zoom or lower a view spans a region: clusters are read first (their counts are the total)
_WIDE_ZOOM = 5
#: individual markers shown by default before clustering (a browser draws these at once, the answer stays small)
DEFAULT_MARKERS = 500
_SAFE_ID = re.compile(r"[a-z0-9-]+--[0-9a-f-]{36}")


@dataclass(frozen=True)
class Box:
    """A west, south, east, north box in degrees (west > east: it crosses the antimeridian)."""

    west: float
    south: float
    east: float
    north: float


def parse_box(text: str | None) -> Box | None:
    """``"west,south,east,north"`` (Leaflet's ``toBBoxString``) as a :class:`Box`, clamped to the globe."""
    if not text:
        return None
    try:
        west, south, east, north = (float(p) for p in text.split(","))
    except ValueError:
        raise InputError("bbox must be four numbers: west,south,east,north") from None
    if any(v != v for v in (west, south, east, north)) or south > north:  # NaN, or upside down
        raise InputError("bbox must be four numbers: west,south,east,north with south <= north")
    if east - west >= 360:
        west, east = -180.0, 180.0
    else:
        west, east = ((west + 180) % 360) - 180, ((east + 180) % 360) - 180
    return Box(west, max(south, -90.0), east, min(north, 90.0))


@functools.lru_cache(maxsize=8)
def shapes_payload(member_codes: frozenset[str] = frozenset()) -> tuple[bytes, str]:
    """The country shapes as GeoJSON bytes (each feature flagged ``member``) and their strong ETag."""
    data = country_shapes()
    for feature in data["features"]:
        feature["properties"]["member"] = feature["properties"]["code"] in member_codes
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def incident_url(stix_id: str) -> str:
    """The incident page of ``stix_id`` (served by the incident pages)."""
    return "/incidents/" + (stix_id if _SAFE_ID.fullmatch(stix_id) else quote(stix_id, safe=""))


@functools.lru_cache(maxsize=1024)
def _country_name(code: str | None, lang: str) -> str | None:
    return country_name(code, lang) if code and is_country_code(code) else None


def _conditions(viewer: Viewer | None, box: Box | None, since: date | None, until: date | None,
                country: str | None) -> list:
    facts = incident_facts.c
    where = [on_facts(viewer_visibility(viewer)), facts.latitude.is_not(None), facts.longitude.is_not(None)]
    if box is not None:
        where.append(facts.latitude.between(box.south, box.north))
        if box.west <= box.east:
            where.append(facts.longitude.between(box.west, box.east))
        else:
            where.append((facts.longitude >= box.west) | (facts.longitude <= box.east))
    if since is not None:
        where.append(facts.occurred >= since)
    if until is not None:
        where.append(facts.occurred <= until)
    if country:
        if not is_country_code(country.upper()):
            raise InputError(f"unknown country code {country!r}")
        where.append(facts.country == country.upper())
    return where


def _cell(conn: Connection, column, offset: float, size: float):
    """The grid index of ``column`` (offset makes it non-negative, so truncation is flooring everywhere)."""
    scaled = (column + offset) / size
    return cast(scaled, Integer) if conn.dialect.name == "sqlite" else func.floor(scaled)


def _marker(row, url_for: Callable[[str], str], lang: str) -> dict:
    stix_id, lat, lon, occurred, precision, code, admin1, city, group, killed, wounded = row
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"kind": "incident", "count": 1, "id": stix_id, "url": url_for(stix_id),
                           "date": occurred.isoformat() if occurred else None, "precision": precision,
                           "country": code, "country_name": _country_name(code, lang), "admin1": admin1,
                           "city": city, "group": group, "killed": killed, "wounded": wounded}}


def _clusters(conn: Connection, where: list, zoom: int, limit: int) -> Iterable[dict]:
    facts = incident_facts.c
    size = CELL_DEGREES / 2 ** zoom
    row_cell, col_cell = _cell(conn, facts.latitude, 90.0, size), _cell(conn, facts.longitude, 180.0, size)
    stmt = (select(func.count().label("n"), func.avg(facts.latitude).label("lat"),
                   func.avg(facts.longitude).label("lon"), func.sum(facts.killed).label("k"),
                   func.sum(facts.wounded).label("w"), func.max(facts.occurred).label("latest"))
            .where(*where).group_by(row_cell, col_cell).order_by(func.count().desc()).limit(limit))
    for row in conn.execute(stmt):
        yield {"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(row.lon), float(row.lat)]},
               "properties": {"kind": "cluster", "count": int(row.n), "killed": int(row.k or 0),
                              "wounded": int(row.w or 0),
                              "latest": row.latest.isoformat() if row.latest else None}}


def incident_markers(conn: Connection, viewer: Viewer | None, *, box: Box | None = None, zoom: int = 2,
                     since: date | None = None, until: date | None = None, country: str | None = None,
                     limit: int = DEFAULT_MARKERS, url_for: Callable[[str], str] = incident_url,
                     lang: str = "ar") -> dict:
    """A GeoJSON FeatureCollection of the incidents ``viewer`` may see in ``box`` (individual markers, newest
    first, or at most MAX_MARKERS clusters when more than ``limit``), with ``total`` (visible incidents in the box that have a
    position) and ``mode`` ("incidents" or "clusters")."""
    if not 1 <= limit <= MAX_MARKERS:
        raise InputError(f"limit must be between 1 and {MAX_MARKERS}")
    zoom = min(max(int(zoom), 0), _MAX_ZOOM)
    where = _conditions(viewer, box, since, until, country)
    facts = incident_facts.c
    features, total = [], None
    if zoom <= _WIDE_ZOOM:  # a region or more: almost always clusters, whose counts give the total in one scan
        features = list(_clusters(conn, where, zoom, MAX_MARKERS))
        if len(features) < MAX_MARKERS:
            total = sum(f["properties"]["count"] for f in features)
    if total is None:
        total = conn.execute(select(func.count()).select_from(incident_facts).where(*where)).scalar_one()
    if total > limit:
        features = features or list(_clusters(conn, where, zoom, MAX_MARKERS))
        mode = "clusters"
    else:
        stmt = (select(facts.stix_id, facts.latitude, facts.longitude, facts.occurred, facts.precision,
                       facts.country, facts.admin1, facts.city, facts.perpetrator, facts.killed, facts.wounded)
                .where(*where).order_by(facts.occurred.desc().nulls_last(), facts.modified.desc(),
                                        facts.object_pk.desc()))
        features = [_marker(row, url_for, lang) for row in conn.execute(stmt)]
        mode = "incidents"
    shown = sum(f["properties"]["count"] for f in features)
    return {"type": "FeatureCollection", "mode": mode, "total": total, "shown": shown,
            "truncated": shown < total, "zoom": zoom, "features": features}

