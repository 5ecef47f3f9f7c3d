"""The overview's reads: newest incidents and counts only over what the viewer may see."""

from marsad.access.context import load_viewer
from marsad.web.overview_data import latest_incidents, monthly_counts, top_counts


def _viewer(seeded, name):
    with seeded.engine.connect() as conn:
        return load_viewer(conn, name)


def test_feed_and_counts_follow_the_policy(seeded):
    jordan, saudi = _viewer(seeded, "jo_analyst"), _viewer(seeded, "sa_analyst")
    restricted = seeded.incidents["amber_sa"]["id"]
    assert restricted not in [i.id for i in latest_incidents(seeded.engine, jordan)]
    assert restricted in [i.id for i in latest_incidents(seeded.engine, saudi)]
    feed = latest_incidents(seeded.engine, saudi, limit=2)
    assert [i.id for i in feed] == [seeded.incidents["kirkuk"]["id"], seeded.incidents["hostile"]["id"]]
    assert "SA" not in [k for k, _, _ in top_counts(seeded.engine, jordan, "country", "en", years=5).rows]
    assert ("SA", "Saudi Arabia", 1) in top_counts(seeded.engine, saudi, "country", "en", years=5).rows
    periods, values = monthly_counts(seeded.engine, jordan)
    _, saudi_values = monthly_counts(seeded.engine, saudi)
    assert len(periods) == 24 and sum(saudi_values) >= sum(values)
    groups = top_counts(seeded.engine, jordan, "group", "ar", years=5).rows
    assert any(label == "غير معروف" for _, label, _ in groups)


def test_top_counts_cover_the_last_years_only(seeded):
    saudi = _viewer(seeded, "sa_analyst")
    assert [k for k, _, _ in top_counts(seeded.engine, saudi, "country", "en").rows] == ["IQ"]  # 2026 only
