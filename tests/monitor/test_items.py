"""SourceItem: empty items dropped, text cleaned and bounded, hashes equal for the same story, dedupe keeps firsts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, strategies as st

from marsad.monitor.items import content_hash_of, make_item, unique_items


def item(key, title="t", text="body", **kw):
    return make_item(source_id=1, key=key, url=None, title=title, text=text, published=None, language=None, **kw)


def test_empty_items_are_dropped():
    assert item("k", title="  ", text="\n\t") is None
    assert item("k", title=None, text=None) is None


def test_control_characters_removed_and_sizes_bounded():
    made = item("k", title="a\x00b\x1bc", text="x\u200by" + "z" * 100, max_chars=10)
    assert made.title == "abc" and len(made.text) == 10 and "\x00" not in made.text


def test_dates_and_language_are_normalised():
    naive = make_item(source_id=None, key="k", url=None, title="t", text="x", published=datetime(2026, 1, 2, 3),
                      language=" AR_eg ")
    assert naive.published == datetime(2026, 1, 2, 3, tzinfo=timezone.utc) and naive.language == "ar-eg"
    aware = make_item(source_id=None, key="k", url=None, title="t", text="x", language=None,
                      published=datetime(2026, 1, 2, 3, tzinfo=timezone(timedelta(hours=3))))
    assert aware.published.hour == 0 and aware.published.tzinfo == timezone.utc


@given(st.text(max_size=40), st.text(max_size=80))
def test_hash_ignores_whitespace_layout(title, text):
    spaced = "  ".join(text.split(" "))
    assert content_hash_of(title, text.replace("\n", " ")) == content_hash_of(title, spaced.replace("\n", "\t"))


def test_unique_items_by_key_and_by_content():
    a, a_again, b_same_text, c = item("a"), item("a", text="changed"), item("b"), item("c", text="other")
    assert unique_items([a, a_again, b_same_text, c] * 500) == [a, c]


def test_as_report_is_an_extract_input_line():
    made = make_item(source_id=1, key="k", url="u", title="T", text="X", published=datetime(2026, 3, 4, 23, 59),
                     language="fr")
    assert made.as_report() == {"id": "k", "text": "X", "title": "T", "published": "2026-03-04", "lang": "fr"}
    assert item("k").as_report() == {"id": "k", "text": "body", "title": "t"}
