"""Folded full-text search: Arabic variants, French accents, English case find the same objects."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from types import MappingProxyType

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from marsad.store import search as search_module
from marsad.store.search import fold_words, search_text_of

ARABIC = "هجومٌ إرهابيّ على مدرسةٍ في مدينة الموصل نفّذته جماعة مسلّحة"
FRENCH = "Attentat à la bombe contre l'hôpital régional de Sévaré"
ENGLISH = "Armed Assault on the Northern Checkpoint near Kidal"


@pytest.fixture
def texts(store, collection, make):
    objects = {
        "ar": make("incident", n=1, name="هجوم الموصل", description=ARABIC),
        "fr": make("incident", n=2, name="Attentat de Sévaré", description=FRENCH),
        "en": make("report", n=3, name="Kidal report", description=ENGLISH, published="2024-01-01T00:00:00Z",
                   object_refs=["incident--00000000-0000-0000-0000-000000000002"]),
        "alias": make("threat-actor", n=4, name="Group X", aliases=["تنظيم القاعدة في جزيرة العرب"]),
    }
    store.put_objects(list(objects.values()), collection_id=collection)
    return {key: obj["id"] for key, obj in objects.items()}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("هجوم ارهابي", "ar"),  # no tanwin, no shadda, hamza-less alef
        ("مدرسه", "ar"),  # ta marbuta written as ha
        ("نفذته", "ar"),
        ("الموصل", "ar"),
        ("hopital regional", "fr"),  # accents dropped
        ("HÔPITAL", "fr"),
        ("sevare", "fr"),
        ("armed assault", "en"),
        ("kidal checkpoint", "en"),
        ("القاعده", "alias"),  # aliases indexed, ta marbuta folded
        ("جزيره العرب", "alias"),
    ],
)
def test_folded_queries_find_the_object(store, texts, query, expected):
    hits = store.search(query)
    assert hits and hits[0].object["id"] == texts[expected]


def test_all_words_must_match_and_types_filter(store, texts):
    assert store.search("kidal sevare") == []
    assert store.search("   ,;  ") == []
    assert {h.object["id"] for h in store.search("attentat", types=["report"])} == set()
    assert {h.object["id"] for h in store.search("attentat", types=["incident"])} == {texts["fr"]}


def test_search_sees_only_last_version(store, make):
    v1 = make(n=10, name="Old name Tessalit")
    v2 = dict(v1, modified="2024-05-01T00:00:00.000Z", name="New name Aguelhok")
    store.put_objects([v1, v2])
    assert store.search("tessalit") == []
    assert [h.object["name"] for h in store.search("aguelhok")] == ["New name Aguelhok"]


def test_search_in_collection_and_ranking(store, make):
    inside = store.create_collection("inside").id
    a = make(n=20, name="Gao Gao Gao", description="Gao")
    b = make(n=21, name="Gao", description="a long description about something else entirely with many words")
    c = make(n=22, name="Gao elsewhere")
    store.put_objects([a, b], collection_id=inside)
    store.put_objects([c])
    hits = store.search("gao", collection_id=inside)
    assert [h.object["id"] for h in hits] == [a["id"], b["id"]]
    assert hits[0].score >= hits[1].score


def test_deleted_objects_leave_the_index(store, make):
    obj = make(n=30, name="Menaka")
    store.put_objects([obj])
    store.delete_object(obj["id"])
    assert store.search("menaka") == []


def test_search_text_skips_ids_and_timestamps():
    text = search_text_of({"id": "x--1", "type": "report", "name": "Éclat", "created_by_ref": "identity--a",
                           "object_refs": ["incident--b"], "published": "2024-01-01T00:00:00Z",
                           "external_references": [{"source_name": "Al-Ahram"}]})
    assert text == "eclat al-ahram"


_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_MARKS = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u064b", "\u0640"]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(word=st.text(alphabet=_LETTERS, min_size=3, max_size=8), marks=st.lists(st.sampled_from(_MARKS), max_size=8),
       data=st.data())
def test_diacritics_never_change_what_is_found(store, make, word, marks, data):
    decorated = list(word)
    for mark in marks:
        decorated.insert(data.draw(st.integers(1, len(decorated))), mark)
    obj = make(name="".join(decorated))
    store.put_objects([obj])
    assert obj["id"] in {h.object["id"] for h in store.search(word, limit=500)}
    assert obj["id"] in {h.object["id"] for h in store.search("".join(decorated), limit=500)}


def test_arabic_prefixes_do_not_hide_objects(store):
    store.put_objects([{
        "type": "threat-actor", "spec_version": "2.1", "id": "threat-actor--0b5b1c3e-7d1e-4f77-9a0c-3c1d2a6b7e11",
        "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
        "name": "Example", "description": "هجوم نفذه مسلحون مرتبطون بالقاعدة في الساحل", "threat_actor_types": ["terrorist"],
    }])
    for query in ("القاعدة", "القاعده", "قاعدة", "وبالقاعدة", "الساحل"):
        assert [hit.id for hit in store.search(query)] == ["threat-actor--0b5b1c3e-7d1e-4f77-9a0c-3c1d2a6b7e11"], query


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kept=st.lists(st.booleans(), min_size=1, max_size=40), repeats=st.lists(st.integers(1, 4), min_size=40,
                                                                                 max_size=40),
       limit=st.integers(1, 6))
def test_rounds_give_what_one_ranked_query_gives(store, make, kept, repeats, limit):
    """Ranking first and filtering the best matches in rounds finds the same hits, order and scores as filtering
    every match in one ranked query, even when most matches are filtered out (a second round)."""
    from marsad.store import stix_objects
    from marsad.store.search import ranked_search, search_select
    word = f"w{uuid.uuid4().hex[:10]}"
    objects = [make(name=" ".join([word] * repeats[i]) + (" keep" if keep else " drop"))
               for i, keep in enumerate(kept)]
    store.put_objects(objects)
    keep = [o["id"] for o, k in zip(objects, kept) if k]
    filters = [stix_objects.c.stix_id.in_(keep or ["none"])]
    with store.engine.connect() as conn:
        once = [tuple(row) for row in conn.execute(search_select(conn.dialect.name, word, filters, limit))]
        rounds = ranked_search(conn, word, filters, limit)
    assert [(o["id"], s) for o, _, s in rounds] == [(row[0]["id"], row[2]) for row in once]
    assert len(rounds) == min(limit, len(keep))


@settings(max_examples=300)
@given(st.lists(st.sampled_from(list("aAbZ09 '\t\n\x1f.-:[]=_lLdDquQU") + ["jusqu", "l'", "d'", "qu'"])).map("".join))
def test_ascii_fast_path_folds_as_word_by_word(text):
    """ASCII text skips the word cache; the folded text must be what the cached word-by-word folding gives."""
    assert fold_words(text) == " ".join(filter(None, map(search_module._fold_word, text.split())))


def test_indicator_text_folded_without_filling_the_word_cache():
    search_module._fold_word.cache_clear()
    text = search_text_of({"type": "indicator", "name": "Bench Indicator 7",
                           "pattern": "[domain-name:value = 'Host7.Example.org'] AND [x:y = 'l'attaque']"})
    assert text == "bench indicator 7 [domain-name:value = 'host7.example.org'] and [x:y = 'l attaque']"
    assert search_module._fold_word.cache_info().currsize == 0


def _reference_collect(value, key, out):
    """The walk search_text_of made before its exact-type fast path (isinstance tests, every key checked)."""
    if key in search_module._SKIP_KEYS or key.endswith(("_ref", "_refs")):
        return
    if isinstance(value, str):
        if not search_module._NOT_TEXT.match(value):
            out.append(value)
    elif isinstance(value, list):
        for item in value:
            _reference_collect(item, key, out)
    elif isinstance(value, dict) or (not isinstance(value, (int, float)) and isinstance(value, Mapping)):
        for k, v in value.items():
            _reference_collect(v, str(k), out)


class _Text(str):
    pass


_KEYS = st.sampled_from(["name", "description", "id", "created", "source_ref", "object_refs", "labels", "x_ref_count",
                         "hashes", "url", "kill_chain_phases", "value", "extensions", "a", "modified"])
_STRINGS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["incident--0b7f5c3e-8e0a-4a9b-9b1e-2f6c1d1e9a10", "report--ABCDEF01-2345-6789-abcd-ef0123456789",
                     "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000Z\n", "٢٠٢٤-٠١-٠١T12:00", "2024-01-0112:00",
                     "x--y", "a--0b7f5c3e-8e0a-4a9b-9b1e-2f6c1d1e9a1", "0123456789T", "0123456789t"]),
    st.text(alphabet="0123456789-T:.Z-abcdef", max_size=40),
    st.builds(_Text, st.text(max_size=10)),
)
_VALUES = st.recursive(
    st.one_of(_STRINGS, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=5),
                            st.tuples(inner), st.builds(lambda d: MappingProxyType(d), st.dictionaries(_KEYS, inner, max_size=3))),
    max_leaves=25,
)


@given(_KEYS, _VALUES)
def test_collect_finds_the_strings_the_reference_walk_finds(key, value):
    found, expected = [], []
    search_module._collect(value, key, found)
    _reference_collect(value, key, expected)
    assert found == expected


@given(st.dictionaries(_KEYS, _VALUES, max_size=8))
def test_search_text_of_unchanged_by_the_fast_walk(obj):
    strings = []
    for key in search_module._FIRST_KEYS:
        if obj.get(key) is not None:
            _reference_collect(obj[key], key, strings)
    for key, value in obj.items():
        if key not in search_module._FIRST_KEYS and key not in search_module._SKIP_KEYS:
            _reference_collect(value, key, strings)
    expected = fold_words(" ".join(strings)[: search_module.MAX_SEARCH_TEXT * 2])[: search_module.MAX_SEARCH_TEXT]
    assert search_text_of(obj) == expected
