"""Country shapes: every member state present, ISO codes, names in three languages."""

from __future__ import annotations

from marsad.model.countries import country
from marsad.model.membership import load_membership
from marsad.model.shapes import country_shapes


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
