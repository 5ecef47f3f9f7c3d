"""Country outlines for maps: Natural Earth 1:110m, keyed by ISO 3166-1 alpha-2, named in ar/en/fr.

Why bundled: Marsad runs air-gapped, so its maps cannot fetch tiles or boundaries; 1:110m is enough for a
regional choropleth and small (~190 KB). Built by ``scripts/build_shapes.py``; source and licence (public
domain) in ``marsad/data/shapes/NOTICE.md``. Each feature's properties: ``code``, ``alpha3``, ``name_ar``,
``name_en``, ``name_fr``, ``iso`` (False for Kosovo's user-assigned XK). A code may have several features
(Somalia with Somaliland, Cyprus with Northern Cyprus); Bahrain and the Comoros are points.
"""

from __future__ import annotations

import copy
import functools
import json

from marsad.model.countries import DATA_DIR

__all__ = ["country_shapes", "SHAPES_FILE"]

SHAPES_FILE = DATA_DIR / "shapes" / "countries_110m.geojson"


@functools.cache
def _shapes() -> dict:
    return json.loads(SHAPES_FILE.read_text(encoding="utf-8"))


def country_shapes(codes: list[str] | set[str] | None = None) -> dict:
    """A GeoJSON FeatureCollection of country shapes (a fresh copy), optionally only those in ``codes``."""
    data = _shapes()
    if codes is None:
        return copy.deepcopy(data)
    wanted = {c.upper() for c in codes}
    return {"type": "FeatureCollection",
            "features": [copy.deepcopy(f) for f in data["features"] if f["properties"]["code"] in wanted]}
