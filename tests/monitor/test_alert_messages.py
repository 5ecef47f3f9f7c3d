"""An alert's words rendered once per incident, language and reason, then finished per subscription, are the words
rendering each alert whole gave (the oracle below is ``render_alert`` as it was before the split)."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from marsad.monitor.alert_messages import (TEMPLATES, AlertMessage, _attack, _count, _date, _page, _place,
                                           alert_words, render_alert)


def oracle(fields: dict, lang: str, base_url: str, *, reason: str = "new", previous: tuple | None = None,
           subscription: str | None = None) -> AlertMessage:
    words = TEMPLATES.get(lang) or TEMPLATES["en"]
    lang = lang if lang in TEMPLATES else "en"
    values = {"attack": _attack(fields, lang, words), "place": _place(fields, lang, words),
              "date": _date(fields, words), "perpetrator": fields.get("perpetrator") or words["unknown"],
              "killed": _count(fields.get("killed"), words), "wounded": _count(fields.get("wounded"), words)}
    if str(values["perpetrator"]).strip().lower() == "unknown":
        values["perpetrator"] = words["unknown"]
    url = f"{base_url.rstrip('/')}/incidents/{fields['id']}"
    subject = words["toll" if reason == "toll" else "new"].format(**values)
    lines = [words["body"].format(**values)]
    if reason == "toll" and previous is not None:
        lines.append(words["previous"].format(killed=_count(previous[0], words), wounded=_count(previous[1], words)))
    if subscription:
        lines.append(f"{words['subscription']}: {subscription}")
    text = "\n".join([subject, "", *lines, "", f"{words['link']}: {url}"])
    body = _page(subject, lines, url, lang, words["link"])
    data = {"incident_id": fields["id"], "reason": reason, "attack_types": list(fields.get("attack_types") or ()),
            "country": fields.get("country"), "city": fields.get("city"), "occurred": fields.get("occurred"),
            "perpetrator": fields.get("perpetrator"), "killed": fields.get("killed"), "wounded": fields.get("wounded")}
    return AlertMessage(subject=subject, text=text, html=body, url=url, language=lang, data=data)


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
def test_words_rendered_once_finish_into_the_whole_rendering_of_each_subscription(fields, lang, reason, previous,
                                                                                  base, names):
    words = alert_words(fields, lang, base, reason=reason, previous=previous)
    for name in names:
        expected = oracle(fields, lang, base, reason=reason, previous=previous, subscription=name)
        assert words.message(name) == expected
        assert render_alert(fields, lang, base, reason=reason, previous=previous, subscription=name) == expected


def test_each_message_has_its_own_data():
    words = alert_words({"id": "incident--1", "killed": 2}, "en", "https://m.example")
    first, second = words.message("a"), words.message("b")
    first.data["killed"] = 99
    assert second.data["killed"] == 2 and "b" in second.html and "a" not in html.unescape(second.text.split("\n")[-3])
