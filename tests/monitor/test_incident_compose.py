"""Composing an incident from its reports: votes, agreement, toll history, confidence, edits (order-independent)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.monitor.incident_compose import CONFIRMED_CONFIDENCE, FiledRow, _stix_time, compose
from tests.monitor.filing_world import record

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def row(n: int, hours: float = 0, **fields) -> FiledRow:
    return FiledRow(f"report--{n:036d}", T0 + timedelta(hours=hours, minutes=1), T0 + timedelta(hours=hours),
                    f"title {n}", record(**fields))


def test_majority_wins_and_agreement_is_the_share_that_agrees():
    comp = compose([row(1, city="Kirkuk"), row(2, 1, city="Kirkuk"), row(3, 2, city="Hawija", latitude=35.3,
                                                                       longitude=43.8)])
    assert comp.fields["city"] == "Kirkuk" and comp.agreement["city"] == pytest.approx(2 / 3)
    assert (comp.fields["latitude"], comp.fields["longitude"]) == (35.468, 44.392)
    assert comp.fields["name"] == "title 1" and comp.fields["investigation_status"] == "open"
    untitled = FiledRow("report--x", T0, None, " ", record())
    assert compose([untitled]).fields["name"] == "Bombing/Explosion — Kirkuk — 2026-11-20"


def test_named_group_beats_unknown_and_lists_keep_half_majority():
    comp = compose([row(1, perpetrator="Unknown", attack_types=["Armed Assault"]),
                    row(2, 1, perpetrator="Al-Shabaab", attack_types=["Armed Assault", "Bombing/Explosion"]),
                    row(3, 2, attack_types=["Bombing/Explosion"])])
    assert comp.fields["perpetrator"] == "Al-Shabaab"
    assert comp.fields["attack_types"] == ["Armed Assault", "Bombing/Explosion"]


def test_toll_is_the_newest_reported_figure_with_history_and_source():
    comp = compose([row(2, 5, killed=7, wounded=None), row(1, 0, killed=3, wounded=9), row(3, 8, killed=None,
                                                                                          wounded=None)])
    assert [h["killed"] for h in comp.toll_history] == [3, 7]
    assert comp.fields["killed"] == 7 and comp.fields["wounded"] is None and comp.toll_source == row(2).report_id
    assert comp.toll == 7


def test_confidence_grows_with_agreeing_reports_and_confirmation():
    one, three = compose([row(1)]), compose([row(1), row(2, 1), row(3, 2)])
    assert 0 < one.confidence < three.confidence <= 100
    assert compose([row(1)], {"determination": "confirmed"}).confidence >= CONFIRMED_CONFIDENCE


def test_edits_replace_machine_values_and_are_listed():
    comp = compose([row(1, killed=3), row(2, 1, killed=4)], {"killed": 11, "perpetrator": "Boko Haram"})
    assert comp.fields["killed"] == 11 and comp.fields["perpetrator"] == "Boko Haram"
    assert comp.edited_fields == ["killed", "perpetrator"] and comp.toll_source is None
    with pytest.raises(ValueError):
        compose([])


cities = st.sampled_from(["Kirkuk", "Hawija", None])
tolls = st.none() | st.integers(0, 50)
groups = st.sampled_from(["Unknown", "Al-Shabaab", "Boko Haram", None])
types = st.lists(st.sampled_from(["Armed Assault", "Bombing/Explosion", "Assassination"]), unique=True, max_size=2)
reports = st.lists(st.tuples(cities, tolls, groups, types, st.integers(0, 48)), min_size=1, max_size=6)


@settings(max_examples=80, deadline=None)
@given(reports, st.randoms(use_true_random=False))
def test_composition_does_not_depend_on_arrival_order(specs, rnd):
    rows = [row(n, hours, city=city, killed=killed, perpetrator=group, attack_types=kinds)
            for n, (city, killed, group, kinds, hours) in enumerate(specs)]
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    a, b = compose(rows), compose(shuffled)
    assert a.fields == b.fields and a.agreement == b.agreement and a.toll_history == b.toll_history
    assert a.confidence == b.confidence and a.report_refs == b.report_refs
    assert all(0.0 <= v <= 1.0 for v in a.agreement.values())


@settings(max_examples=60, deadline=None)
@given(reports, st.sampled_from([("killed", 0), ("killed", 17), ("city", "Mosul"), ("perpetrator", "Al-Qaida"),
                                  ("attack_types", ["Assassination"]), ("occurred", "2026-11-19"), ("city", None)]))
def test_edits_always_win(specs, edit):
    name, value = edit
    rows = [row(n, hours, city=city, killed=killed, perpetrator=group, attack_types=kinds)
            for n, (city, killed, group, kinds, hours) in enumerate(specs)]
    comp = compose(rows, {name: value})
    assert comp.fields[name] == value and name in comp.edited_fields


# -- the counting helpers against the Counter-based ones they replaced (same votes, same shares, same order) ----
def _reference_vote(values):
    counts = Counter(v for v in values if v not in (None, ""))
    if not counts:
        return None
    top = max(counts.values())
    return min(str(v) for v, c in counts.items() if c == top)


def _reference_list_vote(lists):
    given = [set(values) for values in lists if values]
    if not given:
        return []
    counts = Counter(v for values in given for v in values)
    kept = [v for v, c in counts.items() if 2 * c >= len(given)] or [min(counts, key=lambda v: (-counts[v], v))]
    return sorted(kept, key=lambda v: (-counts[v], v))


def _reference_agreement(rows, fields):
    out = {}
    for name, key in (("occurred", "date"), *((n, n) for n in ("country", "admin1", "city", "perpetrator")),
                      ("killed", "killed"), ("wounded", "wounded")):
        values = [r.record.get(key) for r in rows]
        if name == "perpetrator":
            values = [v for v in values if v != "Unknown"]
        given = [str(v)[:10] if name == "occurred" else v for v in values if v not in (None, "")]
        if given:
            out[name] = sum(1 for v in given if v == fields.get(name)) / len(given)
    for name in ("attack_types", "target_types", "weapon_types", "themes"):
        shown = set(fields.get(name) or ())
        given = [set(r.record.get(name) or ()) for r in rows if r.record.get(name)]
        if given:
            out[name] = sum(1 for g in given if g & shown) / len(given)
    return out


scalars = st.none() | st.sampled_from(["", "Unknown", "Kirkuk", "kirkuk", "IQ", "2026-11-20", "2026-11-20T08:00"]) | \
    st.integers(-2, 3) | st.sampled_from([0.0, 1.0, 2.5, True, False])
type_lists = st.none() | st.just([]) | st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=4)


@given(st.lists(scalars, max_size=9))
def test_vote_counts_as_a_counter_would(values):
    from marsad.monitor.incident_compose import _vote
    assert _vote(values) == _reference_vote(values)


@given(st.lists(type_lists, max_size=9))
def test_list_vote_counts_as_a_counter_would(lists):
    from marsad.monitor.incident_compose import _list_vote
    assert _list_vote(lists) == _reference_list_vote(lists)


@given(st.lists(st.fixed_dictionaries({k: scalars for k in ("date", "country", "admin1", "city", "perpetrator",
                                                               "killed", "wounded")}
                                      | {k: type_lists for k in ("attack_types", "target_types", "weapon_types",
                                                                  "themes")}), min_size=1, max_size=8),
       st.fixed_dictionaries({k: scalars for k in ("occurred", "country", "admin1", "city", "perpetrator", "killed",
                                                   "wounded")} | {k: type_lists for k in ("attack_types",
                                                                                           "target_types")}))
def test_agreement_is_the_shares_of_the_reference_in_its_order(records, fields):
    from marsad.monitor.incident_compose import _agreement
    rows = [FiledRow(f"report--{n}", T0, None, "", r) for n, r in enumerate(records)]
    got, expected = _agreement(rows, fields), _reference_agreement(rows, fields)
    assert list(got.items()) == list(expected.items())


_ZONES = st.sampled_from([None, timezone.utc, timezone(timedelta(hours=3)), timezone(timedelta(hours=-9, minutes=-30))])


@settings(max_examples=300)
@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 30)), _ZONES)
def test_stix_time_is_the_strftime_text(value, zone):
    value = value.replace(tzinfo=zone)
    assert _stix_time(value) == value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
