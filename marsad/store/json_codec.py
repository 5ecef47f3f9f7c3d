"""JSON on the store's write path: orjson where its result is provably the standard library's, else the library.

Why: the pipeline's writer encodes every object it stores (the canonical text, hashed into ``content_hash``) and
the JSON columns of the rows it writes, and decodes some of them back: ~8 encodings and one decoding per item,
~89 µs of its CPU with the standard library (measured below). orjson encodes 3-7 times faster, but it is not
the same function:

- floats with 0 < |x| < 1e-4: orjson writes ``0.00001`` and ``1e-7``, the library (``repr``) ``1e-05`` and
  ``1e-07``; every other finite float is written alike (tested on millions of bit patterns);
- NaN and ±Infinity: orjson writes ``null``, the library ``NaN``/``Infinity``;
- integers beyond 64 bits, non-str keys, lone surrogates, nesting past 254 levels: orjson refuses them;
- subclasses of str/int/float/dict/list, dataclasses, datetimes: orjson writes them unless told to pass them on
  (the ``OPT_PASSTHROUGH_*`` options below make it refuse them);
- ``uuid.UUID``, ``enum.Enum`` members and ``orjson.Fragment``: orjson writes them (no option refuses them), the
  library refuses them (or writes a str/int/float mixin's own value, not the member's ``value``);
- reading, orjson refuses NaN, Infinity, ``1e400`` and escaped lone surrogates (the library reads them), and
  turns an integer beyond 64 bits into a float (the library keeps the integer).

So each fast path checks for those cases and hands anything doubtful to the standard library, whose text, value
or error is then exactly what it was before: orjson's refusals; :func:`marshal.dumps`, a C walk that accepts
built-in types only (exact ``str``/``int``/``float``/``bool``/``None``/``list``/``tuple``/``dict``; no UUID, enum,
fragment or subclass; the objects exposing a buffer it also writes are ones orjson refuses, bytes and arrays);
``null`` in the text (a NaN, or a real ``None``: stored objects hold none, rows seldom); for the canonical text
also ``0.0000`` or an ``e-`` exponent ending a number; reading, a run of 19 digits (a possible integer beyond
64 bits). A false alarm costs only the slow path. The one case this does not catch is an enum member that is
bytes-like and whose ``value`` is JSON: a class built to be both.

Measured on what a pipeline run hands them (2,257 items added to a 10,000-item SQLite store, this VM loaded):
inside the run (CPU around each call, old and new runs alternating, 2 pairs), canonical text 11.8-16.3 µs per
object with the library, 7.0-7.6 here; a JSON column's text 4.7-5.8 -> 3.0-3.3 µs; reading one 7.7-8.4 ->
3.7-4.2 µs: per item (4.5 objects, 3.5 column texts, 1.1 readings) ~89 -> ~49 µs of the writer's CPU. Replayed
in a tight loop (warm caches, median of 9 rounds): 7.2 -> 5.0 (orjson itself ~1 of it, marshal ~1.3, the three
substring scans ~1.9), 3.2 -> 1.9 and 3.2 -> 2.4 µs (PostgreSQL's bytes: 3.9 -> 2.0).
"""

from __future__ import annotations

import json
import marshal
import re
from collections.abc import Callable
from typing import Any

import orjson
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import Dialect

__all__ = ["canonical_json", "column_text", "column_bytes", "column_value", "column_text_serialiser"]

#: orjson refuses subclasses of the built-in types, dataclasses and datetimes (the library refuses or writes them
#: its own way: the slow path then gives the library's text or error)
_STRICT = orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
_SORTED = _STRICT | orjson.OPT_SORT_KEYS
#: the canonical form: :func:`json.dumps` would build this encoder for these options on every call
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
#: an exponent ending a number, as orjson writes floats below 1e-4 (``5.9e-6``); a string holding the same only
#: costs the slow path
_SMALL_EXPONENT = re.compile(rb"e-[0-9]+(?:[,\]}]|\Z)")
#: digits mapped to ``0``, so a run of 19 digits is one substring search
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19


def _fast(value: Any, option: int) -> bytes | None:
    """orjson's text of ``value`` when it may be the library's (all built-in types, no NaN), else None."""
    try:
        data = orjson.dumps(value, option=option)
        marshal.dumps(value)
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError; marshal raises ValueError
        return None
    return None if b"null" in data else data


def canonical_json(value: Any) -> str:
    """Sorted keys, no insignificant spaces, UTF-8 kept: equal objects give equal text. Byte for byte the text
    (or the error) of ``json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)``: stored
    objects are hashed over it, and an object posted again must hash as it did."""
    data = _fast(value, _SORTED)
    if data is None or b"0.0000" in data or _SMALL_EXPONENT.search(data):
        return _CANONICAL.encode(value)
    return data.decode()


def column_text(value: Any) -> str:
    """A JSON column's text (SQLAlchemy's ``json_serializer`` on SQLite, whose driver needs ``str``): compact
    UTF-8, where :func:`json.dumps` wrote ``", "`` and ``\\uXXXX`` escapes, but read back as the same values,
    and the same error for a value the library refuses."""
    data = _fast(value, _STRICT)
    return json.dumps(value) if data is None else data.decode()


def column_bytes(value: Any) -> bytes:
    """:func:`column_text` as UTF-8 bytes (PostgreSQL: psycopg sends the bytes as they are)."""
    data = _fast(value, _STRICT)
    return json.dumps(value).encode() if data is None else data


def column_value(text: str | bytes) -> Any:
    """The value of a JSON column's text (SQLAlchemy's ``json_deserializer``: psycopg hands it bytes, SQLite
    str): what :func:`json.loads` gives, or its error."""
    kind = type(text)
    if kind is str:
        try:
            data = text.encode()
        except UnicodeEncodeError:  # a lone surrogate in the str itself
            return json.loads(text)
    elif kind is bytes:
        data = text
    else:
        return json.loads(text)
    if _LONG_NUMBER in data.translate(_DIGITS):
        return json.loads(text)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(text)


def column_text_serialiser(bind: Dialect | Engine | Connection) -> Callable[[Any], str]:
    """The JSON serialiser of ``bind``'s JSON columns (its dialect's ``json_serializer``, else :func:`json.dumps`,
    SQLAlchemy's default) as one giving ``str``: the text the engine would store, for writes that pass column
    text to the driver themselves (``executemany``, ``COPY``, array literals).

    Why: PostgreSQL engines serialise to UTF-8 bytes (:func:`column_bytes`: psycopg sends them as they are), but
    text given to COPY or inside an array literal must be ``str`` (bytes would be written as a ``bytea``
    literal, which a json column refuses). Known serialisers map to their text twin with no cost per call; an
    unknown one is wrapped so its bytes, if any, are decoded."""
    dialect = bind if isinstance(bind, Dialect) else bind.dialect
    serialise = getattr(dialect, "_json_serializer", None) or json.dumps
    if serialise is column_text or serialise is json.dumps:
        return serialise
    if serialise is column_bytes:
        return column_text

    def as_text(value: Any) -> str:
        data = serialise(value)
        return data.decode() if isinstance(data, (bytes, bytearray)) else data
    return as_text
