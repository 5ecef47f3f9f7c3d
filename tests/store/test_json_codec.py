"""The store's JSON codec gives the standard library's canonical text, values and errors, whatever the input."""

import dataclasses
import enum
import json
import math
import uuid
from collections import OrderedDict
from datetime import date, datetime, timezone
from decimal import Decimal

import orjson
import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import JSON, Column, Integer, MetaData, Table, create_engine, insert

from marsad.store.base import JSONType
from marsad.store.engine import make_engine
from marsad.store.json_codec import canonical_json, column_bytes, column_text, column_text_serialiser, column_value

LIBRARY = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def outcome(function, value):
    """What a call gives: its result, or its error's type and message (the same error is part of the contract)."""
    try:
        return "ok", function(value)
    except Exception as exc:  # noqa: BLE001 - any error must be the library's
        return "error", type(exc), str(exc)


def as_read(function, value):
    """The value a column's text reads back as (``repr``: 1, 1.0 and True differ, NaN equals NaN), or the error."""
    result = outcome(function, value)
    return ("ok", repr(json.loads(result[1]))) if result[0] == "ok" else result


#: every code point, surrogates and control characters included (and, so they come up, more often)
CHARACTERS = (st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
              | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=())
              | st.characters(max_codepoint=0x7F, exclude_categories=()))
TEXT = st.text(CHARACTERS, max_size=12) | st.sampled_from(["", "e-5", "0.0000", "null", '"', "\\", "\u2028", "\x7f"])
FLOATS = st.floats() | st.floats(min_value=-1e-3, max_value=1e-3) | st.floats(min_value=1e15, max_value=1e17)
INTEGERS = st.integers() | st.integers(min_value=-2**65, max_value=2**65) | st.sampled_from(
    [2**63 - 1, 2**63, 2**64 - 1, 2**64, -2**63, -2**63 - 1])
SCALARS = st.none() | st.booleans() | INTEGERS | FLOATS | TEXT
KEYS = TEXT | st.integers(-5, 5) | st.floats(-2, 2) | st.booleans() | st.none()


def containers(children):
    return (st.lists(children, max_size=5) | st.tuples(children, children)
            | st.dictionaries(TEXT, children, max_size=5) | st.dictionaries(KEYS, children, max_size=3))


JSON_VALUES = st.recursive(SCALARS, containers, max_leaves=25)


@settings(max_examples=3000, deadline=None)
@given(JSON_VALUES)
def test_canonical_text_is_the_librarys(value):
    assert outcome(canonical_json, value) == outcome(LIBRARY.encode, value)


@settings(max_examples=3000, deadline=None)
@given(st.lists(FLOATS, min_size=1, max_size=4))
def test_canonical_floats_over_their_whole_range(values):
    assert canonical_json({"x": values}) == LIBRARY.encode({"x": values})


@settings(max_examples=2000, deadline=None)
@given(JSON_VALUES)
def test_column_text_reads_back_as_the_librarys(value):
    assert as_read(column_text, value) == as_read(json.dumps, value)
    text = outcome(column_text, value)
    assert outcome(column_bytes, value) == (("ok", text[1].encode()) if text[0] == "ok" else text)


class Colour(enum.Enum):
    RED = "red"


class Count(enum.IntEnum):
    ONE = 1


class Word(str, enum.Enum):
    HELLO = "hello"


class Odd(str, enum.Enum):
    """A str mixin whose value is not its text: the library writes the text, orjson the value."""

    def __new__(cls, text, value):
        member = str.__new__(cls, text)
        member._value_ = value
        return member

    A = ("text", "value")


class Text(str):
    pass


class Number(int):
    pass


class Real(float):
    pass


class Mapping(dict):
    pass


@dataclasses.dataclass
class Point:
    x: int = 1


deep = []
for _ in range(300):
    deep = [deep]
circular: list = []
circular.append(circular)

ODD_VALUES = [
    1e-5, 1e-7, 9.99e-5, -3.5e-300, 5e-324, 1e16, 1e22, 1.7976931348623157e308, math.nan, math.inf, -math.inf, -0.0,
    2**64, -2**63 - 1, 10**30, {1: "a"}, {1.5: "a"}, {True: 1, None: 2}, {"a": 1, 2: 3}, "\ud800", {"\udfff": 1},
    "\x00\x1f\x7f\u2028\u2029\ufeff", {"é": 1, "e": 2, "\U0001f600": 3, "\uffff": 4}, (1, "a"), [(), {}],
    Colour.RED, Count.ONE, Word.HELLO, Odd.A, [Colour.RED], {"a": Odd.A}, Text("x"), Number(3), Real(1e-7),
    Mapping(a=1), OrderedDict(b=1, a=2), Point(), uuid.UUID(int=7), {"id": uuid.UUID(int=7)},
    orjson.Fragment(b"[1]"), datetime(2024, 1, 1, tzinfo=timezone.utc), date(2024, 1, 1), Decimal("1.5"), b"x",
    bytearray(b"x"), {1, 2}, frozenset(), 1j, ..., None, True, deep, circular, {"x": object()},
]


@pytest.mark.parametrize("value", ODD_VALUES, ids=lambda v: type(v).__name__)
def test_orjsons_known_differences_take_the_librarys_path(value):
    assert outcome(canonical_json, value) == outcome(LIBRARY.encode, value)
    assert as_read(column_text, value) == as_read(json.dumps, value)


def test_a_stored_object_is_canonical_and_fast_path_text_is_compact_utf8():
    obj = {"type": "incident", "id": "incident--1", "name": "هجوم — Kaboul", "latitude": 34.52813,
           "extensions": {"b": {"killed": 52, "agreement": {"city": 1.0}}, "a": []}}
    assert canonical_json(obj) == LIBRARY.encode(obj)
    assert column_text({"t": "هجوم", "n": [1, 2]}) == '{"t":"هجوم","n":[1,2]}'  # json.dumps: ", " and \u escapes


def library_texts(value):
    """The texts a JSON column may hold for ``value``: written by the library (either escaping), by orjson, or as
    PostgreSQL writes numbers back (an integral float's digits)."""
    texts = [json.dumps(value), json.dumps(value, ensure_ascii=False, indent=1)]
    try:
        texts.append(orjson.dumps(value).decode())
    except TypeError:
        pass
    return texts


@settings(max_examples=2000, deadline=None)
@given(JSON_VALUES)
def test_column_value_reads_as_the_library(value):
    for text in library_texts(value):
        assert outcome(column_value, text) == outcome(json.loads, text)
        try:
            data = text.encode()
        except UnicodeEncodeError:
            continue
        assert outcome(column_value, data) == outcome(json.loads, data)


#: JSON's own characters, numbers' and escapes' characters, and a few others
JSONISH = st.text(st.sampled_from(list('{}[]:,"\\ -+.eE0123456789truefalsnNIfiyu\x00\x1f\t\né\ud800')), max_size=30)


@settings(max_examples=3000, deadline=None)
@given(JSONISH | st.text(CHARACTERS, max_size=20))
def test_column_value_on_any_text_gives_the_librarys_value_or_error(text):
    assert outcome(column_value, text) == outcome(json.loads, text)


@pytest.mark.parametrize("text", [
    "NaN", "-Infinity", "[Infinity]", "1e400", '"\\ud800"', '"\\udc00\\ud800"', "18446744073709551616",
    "100000000000000000000", "-9223372036854775809", "[1,]", "01", "\ufeff[]", b"\xef\xbb\xbf[1]", b'"\xff"',
    b'\x00[\x001\x00]', "0.1000000000000000055511151231257827021181583404541015625", '{"a":1,"a":2}', "[" * 2000,
    bytearray(b"[1]"), memoryview(b"[1]"), 5, None,
])
def test_column_value_edge_cases(text):
    assert outcome(column_value, text) == outcome(json.loads, text)


def _stored_texts(engine, values) -> list[tuple[str, str]]:
    """Each value written by SQLAlchemy's own insert into a json column and a :class:`JSONType` one (jsonb on
    PostgreSQL), read back as the text the database holds."""
    table = Table("j", MetaData(), Column("id", Integer, primary_key=True), Column("plain", JSON),
                  Column("doc", JSONType))
    table.create(engine)
    try:
        with engine.begin() as conn:
            conn.execute(insert(table), [{"id": i, "plain": v, "doc": v} for i, v in enumerate(values)])
            return [tuple(row) for row in conn.exec_driver_sql(
                "SELECT CAST(plain AS TEXT), CAST(doc AS TEXT) FROM j ORDER BY id")]
    finally:
        table.drop(engine)


#: objects as the filer writes them (Arabic, nesting, floats, integers beyond 64 bits, a float below 1e-4), and
#: scalars other than numbers (SQLite's JSON column has numeric affinity: it would store ``1.0`` as the number 1);
#: a lone surrogate on SQLite only (PostgreSQL refuses it)
STORED = [{"t": "هجوم — Kaboul", "n": [1, 2.5, True], "d": {"z": 1, "a": [{}]}}, [None, "x", 1.0, 7], [], {},
          {"big": 2**64, "neg": -2**63 - 1, "small": 1e-7, "lat": 34.52813, "quote": "\"\\\n\t"}, "plain", True,
          None]


def test_column_text_serialiser_gives_the_text_each_backend_stores(new_engine):
    """The text equals what SQLAlchemy stores in a json column (PostgreSQL keeps the text as sent), and decodes to
    the value a :class:`JSONType` column holds (jsonb orders keys and writes numbers its own way)."""
    engine = new_engine(None)
    values = STORED + (["\ud800x"] if engine.dialect.name == "sqlite" else [])
    serialise = column_text_serialiser(engine)
    for value, (plain, doc) in zip(values, _stored_texts(engine, values), strict=True):
        assert type(serialise(value)) is str
        assert serialise(value) == plain
        assert json.loads(serialise(value)) == json.loads(doc)


#: JSON values both databases store as they are (no NaN, lone surrogate or NUL, keys only text; numbers inside a
#: container, as above)
_SAFE_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=10)
_SAFE = st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False,
                     allow_infinity=False) | _SAFE_TEXT,
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_SAFE_TEXT, inner, max_size=3),
                     max_leaves=10)


def test_column_text_serialiser_text_is_the_stored_text_whatever_the_value(new_engine):
    """Any object or list (hypothesis) a json column holds: the text is what SQLAlchemy stores, byte for byte."""
    engine = new_engine(None)
    serialise = column_text_serialiser(engine)

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.lists(_SAFE, max_size=3) | st.dictionaries(_SAFE_TEXT, _SAFE, max_size=3), min_size=1,
                    max_size=8))
    def check(values):
        for value, (plain, _) in zip(values, _stored_texts(engine, values), strict=True):
            assert serialise(value) == plain

    check()


def test_column_text_serialiser_by_engine_kind():
    """Marsad's engines: the codec's text (PostgreSQL's bytes serialiser mapped to it); SQLAlchemy's default:
    :func:`json.dumps`; an engine's own serialiser giving bytes: its bytes decoded. A dialect, engine or
    connection may be given."""
    sqlite, postgres = make_engine("sqlite://"), make_engine("postgresql+psycopg://u@127.0.0.1:1/none")
    assert postgres.dialect._json_serializer is column_bytes  # what the mapping is for (no connection made)
    assert column_text_serialiser(sqlite) is column_text_serialiser(postgres.dialect) is column_text
    with sqlite.connect() as conn:
        assert column_text_serialiser(conn) is column_text
    assert column_text_serialiser(create_engine("sqlite://")) is json.dumps
    own = create_engine("sqlite://", json_serializer=lambda v: json.dumps(v, ensure_ascii=False).encode())
    assert column_text_serialiser(own)({"t": "هجوم"}) == '{"t": "هجوم"}'
    for engine in (sqlite, postgres):
        engine.dispose()
