"""Charts: well-formed markup, values become the right geometry, direction, every label escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.web.charts import PALETTE, Series, bars, data_table, nice_ticks, sparkline, time_series

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "داعش <b>&amp;</b>",
           "Groupe «l'État» & </svg>", "\u202egnp.exe", "‏مرصد'\"<>"]


def _tree(markup) -> ET.Element:
    """The figure as XML (the markup is XHTML-compatible: every element closed, attributes quoted)."""
    return ET.fromstring(str(markup))


def _svg(markup) -> ET.Element:
    return _tree(markup).find(f"{SVG}svg")


def test_nice_ticks_cover_the_peak_in_round_steps():
    assert nice_ticks(0) == [0.0, 1.0]
    assert nice_ticks(7) == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert nice_ticks(100)[-1] == 100.0
    assert all(t.is_integer() for t in nice_ticks(3))


@given(st.floats(min_value=0.01, max_value=1e7))
def test_nice_ticks_always_reach_the_top(top):
    ticks = nice_ticks(top)
    assert ticks[0] == 0 and ticks[-1] >= top and len(ticks) <= 12


def test_line_points_follow_the_values():
    fig = time_series(["Jan", "Feb", "Mar"], [Series("A", [0, 5, 10]), Series("B", [10, 0, 5])], title="Counts")
    svg = _svg(fig)
    lines = svg.findall(f".//{SVG}polyline")
    assert len(lines) == 2
    a = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
    xs, ys = [x for x, _ in a], [y for _, y in a]
    assert xs == sorted(xs) and len(set(xs)) == 3  # time runs left to right
    assert ys[0] > ys[1] > ys[2]  # larger values are higher up (smaller y)
    b = [tuple(map(float, p.split(","))) for p in lines[1].get("points").split()]
    assert b[0][1] == pytest.approx(ys[2]) and b[1][1] == pytest.approx(ys[0])  # same value, same height
    assert lines[0].get("stroke") != lines[1].get("stroke")
    assert lines[0].get("stroke-dasharray") != lines[1].get("stroke-dasharray")


def test_time_runs_left_to_right_in_arabic_too():
    ltr = time_series(["1", "2"], [Series("A", [1, 2])], title="t")
    rtl = time_series(["1", "2"], [Series("A", [1, 2])], title="t", rtl=True)
    points = lambda fig: _svg(fig).find(f".//{SVG}polyline").get("points")  # noqa: E731
    assert points(ltr) == points(rtl)
    assert _svg(rtl).get("direction") == "rtl"


def test_stacked_columns_add_up_per_period():
    fig = time_series(["a", "b"], [Series("x", [1, 3]), Series("y", [2, 0])], title="s", stacked=True)
    groups = _svg(fig).findall(f".//{SVG}g[@class='series']")
    assert [g.get("fill") for g in groups] == list(PALETTE[:2])
    x_rects, y_rects = (g.findall(f"{SVG}rect") for g in groups)
    assert len(x_rects) == 2 and len(y_rects) == 1  # a zero draws nothing
    unit = float(x_rects[0].get("height"))  # x=1 in period a
    assert float(x_rects[1].get("height")) == pytest.approx(3 * unit, abs=0.3)
    assert float(y_rects[0].get("height")) == pytest.approx(2 * unit, abs=0.3)
    # y sits on top of x in period a: its bottom is x's top
    assert float(y_rects[0].get("y")) + float(y_rects[0].get("height")) == pytest.approx(float(x_rects[0].get("y")), abs=0.2)
    assert float(x_rects[0].get("x")) < float(x_rects[1].get("x"))  # time runs left to right


def test_series_length_must_match_periods():
    with pytest.raises(ValueError):
        time_series(["a", "b"], [Series("x", [1])], title="t")


def test_empty_chart_is_still_well_formed():
    svg = _svg(time_series([], [], title="nothing"))
    assert svg.find(f"{SVG}title").text == "nothing"
    _tree(bars([], title="none"))
    ET.fromstring(str(sparkline([], title="none")))


def test_accessible_names_and_table_fallback():
    fig = time_series(["Jan", "Feb"], [Series("Iraq", [3, 4])], title="Incidents", desc="by month",
                      table_summary="Table", period_heading="Month")
    tree = _tree(fig)
    svg = tree.find(f"{SVG}svg")
    assert svg.get("role") == "img"
    ids = svg.get("aria-labelledby").split()
    assert [e.get("id") for e in svg if e.tag in (f"{SVG}title", f"{SVG}desc")] == ids
    cells = [td.text for td in tree.iter("td")]
    assert cells == ["3", "4"]
    assert [th.text for th in tree.iter("th")][:2] == ["Month", "Iraq"]


def test_bar_lengths_are_proportional_and_mirror_in_rtl():
    items = [("Iraq", 40), ("Syria", 20), ("Mali", 0)]
    for rtl in (False, True):
        rects = _svg(bars(items, title="Top", rtl=rtl)).findall(f".//{SVG}rect")
        widths = [float(r.get("width")) for r in rects]
        assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 0
        xs = [float(r.get("x")) for r in rects]
        if rtl:  # bars end at the same right edge and grow leftwards
            ends = [x + w for x, w in zip(xs, widths)]
            assert ends[0] == pytest.approx(ends[1]) and xs[0] < xs[1]
        else:
            assert xs[0] == xs[1]


def test_bars_can_link_each_row():
    fig = bars([("A", 1), ("B", 2)], title="t", links=["/web/orgs/a", None])
    anchors = _svg(fig).findall(f"{SVG}a")
    assert [a.get("href") for a in anchors] == ["/web/orgs/a"]


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_are_escaped_everywhere(label):
    figures = [
        time_series([label, "b"], [Series(label, [1, 2]), Series("z", [0, 1])], title=label, desc=label,
                    table_summary=label, period_heading=label, fmt=lambda v: label),
        time_series(["a"], [Series(label, [1])], title=label, stacked=True),
        bars([(label, 3), ("x", 1)], title=label, label_heading=label, value_heading=label,
             links=['javascript:"<x>'], fmt=lambda v: label),
        sparkline([1, 2], title=label),
        data_table(label, [label], [(label, [label])], label),
    ]
    for fig in figures:
        text = str(fig)
        tree = ET.fromstring(text)  # still well-formed: the label could not close or open an element
        assert not any(e.tag.endswith(("script", "img", "b")) for e in tree.iter())
        assert "<script" not in text and "<img" not in text
        for element in tree.iter():
            assert not any(name.startswith("on") for name in element.attrib)


def test_palette_is_used_in_order_and_swatches_need_no_style_attribute():
    fig = str(time_series(["a"], [Series(str(i), [i]) for i in range(3)], title="t"))
    assert "style=" not in fig
    strokes = [p.get("stroke") for p in _svg(fig).findall(f".//{SVG}polyline")]
    assert strokes == list(PALETTE[:3])
    legend = _tree(fig).find("ul")
    assert [li.find("span").text for li in legend] == ["0", "1", "2"]


def test_sparkline_marks_the_last_value():
    svg = ET.fromstring(str(sparkline([1, 4, 2], title="Iraq")))
    assert svg.get("aria-label") == "Iraq: 1 4 2"
    dot = svg.find(f"{SVG}circle")
    last = svg.find(f"{SVG}polyline").get("points").split()[-1].split(",")
    assert (dot.get("cx"), dot.get("cy")) == tuple(last)
