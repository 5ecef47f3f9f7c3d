"""Build ``marsad/data/shapes/countries_110m.geojson`` from Natural Earth's 1:110m admin-0 countries.

Why: the dashboard's maps need country outlines offline; Natural Earth is public domain and small at
1:110m. This keeps only what Marsad uses — the ISO alpha-2 code, alpha-3, names in ar/en/fr — and rounds
coordinates to 0.01° (~1 km, below the 1:110m resolution), so the file stays small.

Codes: Natural Earth writes -99 where ISO has no code for the unit. Those are mapped through ``adm0_a3_is``
(the ISO alpha-3 of the country the unit belongs to under ISO): Somaliland → SO, Northern Cyprus → CY;
Kosovo, which has no ISO 3166-1 code, gets the widely used user-assigned code XK (names from Natural
Earth). Bahrain and the Comoros, too small for 1:110m, are added as points. Run: ``/work/venv/bin/python scripts/build_shapes.py [path/to/ne_110m_admin_0_countries.geojson]``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from marsad.model.countries import DATA_DIR, country, is_country_code

SOURCE = Path(__file__).resolve().parents[2] / "shared" / "data" / "reference" / "ne_110m_admin_0_countries.geojson"
OUT = DATA_DIR / "shapes" / "countries_110m.geojson"
#: states too small for 1:110m, added as points (approximate centroids, Marsad's own) so every member shows
POINTS = {"BH": (50.55, 26.04), "KM": (43.87, -11.88)}
NO_ISO = {"KOS": ("XK", "XKX", "كوسوفو", "Kosovo", "Kosovo")}


def _round(coords):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], 2), round(coords[1], 2)]
    return [_round(c) for c in coords]


def _properties(p: dict) -> dict:
    code = p.get("iso_a2") or p.get("ISO_A2")
    adm0 = p.get("adm0_a3") or p.get("ADM0_A3")
    if adm0 in NO_ISO:
        code, alpha3, ar, en, fr = NO_ISO[adm0]
        return {"code": code, "alpha3": alpha3, "name_ar": ar, "name_en": en, "name_fr": fr, "iso": False}
    if not is_country_code(code or ""):
        code = country(p.get("adm0_a3_is") or p.get("ADM0_A3_IS")).code
    c = country(code)
    return {"code": c.code, "alpha3": c.alpha3, "name_ar": c.ar, "name_en": c.en, "name_fr": c.fr, "iso": True}


def build(source: Path) -> dict:
    raw = json.loads(source.read_text(encoding="utf-8"))
    features = []
    for feature in raw["features"]:
        geometry = feature["geometry"]
        features.append({"type": "Feature", "properties": _properties(feature["properties"]),
                         "geometry": {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}})
    present = {f["properties"]["code"] for f in features}
    for code, (lon, lat) in POINTS.items():
        if code not in present:
            c = country(code)
            props = {"code": code, "alpha3": c.alpha3, "name_ar": c.ar, "name_en": c.en, "name_fr": c.fr, "iso": True}
            features.append({"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [lon, lat]}})
    features.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": features}


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(build(source), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")
