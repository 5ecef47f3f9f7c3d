"""An alert's words rendered once per incident, language and reason, then finished per subscription: each
subscription adds only its own line."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from marsad.monitor.alert_messages import TEMPLATES, alert_words, render_alert


ODD = st.sampled_from(["", "<p><a href=\"x\">", "a & b", "«Irbid»", "إربد", "O'Neil \"q\"", "x\ny", "Unknown",
                      " unknown "])
counts = st.one_of(st.none(), st.integers(0, 500))
fields_st = st.fixed_dictionaries({
    "id": st.sampled_from(["incident--1", "incident--<&>"]),
    "country": st.sampled_from(["JO", "IQ", "XX", None, "<b>"]),
    "city": st.one_of(st.none(), ODD),
    "occurred": st.sampled_from([None, "", "2026-11-20T08:00:00Z", "2026"]),
    "occurred_precision": st.sampled_from([None, "day", "month", "year", "hour"]),
    "attack_types": st.lists(st.sampled_from(["Bombing/Explosion", "Armed Assault", "Made up <x>"]), max_size=2),
    "perpetrator": st.one_of(st.none(), ODD, st.just("Islamic State of Iraq and the Levant (ISIL)")),
    "killed": counts, "wounded": counts,
})


@given(fields=fields_st, lang=st.sampled_from(["ar", "en", "fr", "xx"]), reason=st.sampled_from(["new", "toll"]),
       previous=st.one_of(st.none(), st.tuples(counts, counts)),
       base=st.sampled_from(["https://m.example", "http://h:1/"]),
       names=st.lists(st.one_of(st.none(), ODD, st.text(max_size=8)), min_size=1, max_size=4))
def test_a_subscription_adds_only_its_own_line_to_the_words_rendered_once(fields, lang, reason, previous, base,
                                                                           names):
    """The words rendered once per incident finish into each subscription's alert: its name on a line of its own
    before the link (text and HTML), nothing else changed; no name, no line (the content itself is checked by
    the examples in test_alerts)."""
    words = alert_words(fields, lang, base, reason=reason, previous=previous)
    bare = words.message(None)
    label = TEMPLATES[bare.language]["subscription"]
    assert render_alert(fields, lang, base, reason=reason, previous=previous) == bare
    for name in names:
        named = words.message(name)
        assert (named.subject, named.url, named.language, named.data) == (bare.subject, bare.url, bare.language,
                                                                          bare.data)
        if not name:
            assert named == bare
            continue
        head, link = bare.text.rsplit("\n\n", 1)
        assert named.text == f"{head}\n{label}: {name}\n\n{link}"
        before, after = bare.html.rsplit("<p><a href=", 1)
        assert named.html == f"{before}<p>{html.escape(f'{label}: {name}')}</p><p><a href={after}"


def test_each_message_has_its_own_data():
    words = alert_words({"id": "incident--1", "killed": 2}, "en", "https://m.example")
    first, second = words.message("a"), words.message("b")
    first.data["killed"] = 99
    assert second.data["killed"] == 2 and "b" in second.html and "a" not in html.unescape(second.text.split("\n")[-3])
