"""Country shapes: every member state present, ISO codes, names in three languages."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from marsad.model.countries import country
from marsad.model.membership import load_membership
from marsad.model.shapes import country_shapes

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def test_every_member_state_has_a_shape():
    codes = {f["properties"]["code"] for f in country_shapes()["features"]}
    assert set(load_membership().codes) <= codes


def test_properties_and_selection():
    shapes = country_shapes()
    assert shapes["type"] == "FeatureCollection" and len(shapes["features"]) > 170
    for feature in shapes["features"]:
        props = feature["properties"]
        assert props["code"] != "-99"
        assert props["name_ar"] and props["name_en"] and props["name_fr"]
        if props["iso"]:
            assert country(props["code"]).alpha3 == props["alpha3"]
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon", "Point")
    somalia = country_shapes(["so"])["features"]
    assert len(somalia) == 2  # Somalia and Somaliland both under SO
    somalia[0]["properties"]["code"] = "changed"
    assert country_shapes(["SO"])["features"][0]["properties"]["code"] == "SO"  # callers get copies


def test_shipped_shapes_are_what_the_build_script_makes(shared_data):
    spec = importlib.util.spec_from_file_location("build_shapes", SCRIPTS / "build_shapes.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    source = shared_data / "reference" / "ne_110m_admin_0_countries.geojson"
    assert script.build(source) == country_shapes()
