"""Folded full-text search over STIX objects: FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL.

Why folding before indexing: Arabic with or without diacritics, hamza/alef/ta-marbuta variants and French
accents must find the same objects. Both sides are folded with :func:`marsad.text.fold` and the databases
index the folded text with no language rules of their own (FTS5 ``unicode61``; PostgreSQL ``simple``), so
SQLite and PostgreSQL behave the same. Each Arabic word is indexed with its prefix-free key as well
(:func:`marsad.text.search_key`) and queries use the key, so "القاعدة" finds "بالقاعدة" and "وللقاعدة". Search looks at the last version (among those the caller may see)
of each object, ranks by BM25 (SQLite) or ``ts_rank`` (PostgreSQL), and ANDs the query words.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Select, column, func, literal_column, select, table, text

from marsad.store.objects import stix_objects
from marsad.text import fold, search_key, tokens

__all__ = ["search_text_of", "search_select", "ranked_search", "fold_words", "MAX_SEARCH_TEXT", "insert_indexed"]

#: folded text kept per version (characters); longer descriptions are cut
MAX_SEARCH_TEXT = 32_000

_SKIP_KEYS = {
    "id", "type", "spec_version", "created", "modified", "lang", "hashes", "pattern_type", "pattern_version",
    "extension_type", "valid_from", "valid_until", "first_seen", "last_seen", "published", "start_time",
    "stop_time", "first_observed", "last_observed", "granular_markings", "definition_type", "url", "schema",
}
_NOT_TEXT = re.compile(r"^(?:[a-z0-9-]+--[0-9a-fA-F-]{36}|\d{4}-\d{2}-\d{2}T[\d:.]+Z?)$")
_FIRST_KEYS = ("name", "title", "aliases", "labels", "description")

_FTS = table("object_search", column("rowid"))


def _collect(value: Any, key: str, out: list[str]) -> None:
    """Append the text strings under ``value`` (reached by ``key``) to ``out``, depth first."""
    if key in _SKIP_KEYS or key.endswith(_REF_SUFFIXES):
        return
    _texts(value, key, out)


_REF_SUFFIXES = ("_ref", "_refs")


def _texts(value: Any, key: str, out: list[str]) -> None:
    """:func:`_collect` for a ``key`` already accepted, by exact type first (JSON holds plain str, list, dict,
    numbers): each object's ~40 values cost one type test each instead of several ``isinstance`` and a key test
    per list item. A string can match :data:`_NOT_TEXT` only if it holds ``--`` (an id) or a ``T`` at index 10
    (a timestamp), so the regex runs for those only. Other types go the general way (:func:`_collect_any`)."""
    kind = type(value)
    if kind is str:
        if not (("--" in value or value[10:11] == "T") and _NOT_TEXT.match(value)):
            out.append(value)
    elif kind is dict:
        for k, v in value.items():
            k = k if type(k) is str else str(k)
            if k not in _SKIP_KEYS and not k.endswith(_REF_SUFFIXES):
                _texts(v, k, out)
    elif kind is list:
        for item in value:
            _texts(item, key, out)
    elif kind is not int and kind is not float and kind is not bool and value is not None:
        _collect_any(value, key, out)


def _collect_any(value: Any, key: str, out: list[str]) -> None:
    """The general walk, for values other than JSON's own types (str and list subclasses, other mappings)."""
    if isinstance(value, str):
        if not _NOT_TEXT.match(value):
            out.append(value)
    elif isinstance(value, list):
        for item in value:
            _collect(item, key, out)
    elif isinstance(value, dict) or (not isinstance(value, (int, float)) and isinstance(value, Mapping)):
        for k, v in value.items():  # (the Mapping test is slow for numbers, and JSON holds plain dicts)
            _collect(v, str(k), out)


@lru_cache(maxsize=32_768)
def _fold_word(word: str) -> str:
    """The folded word, followed by its search key when that differs (Arabic words without their prefixes).

    The cache is bounded low on purpose: a hub's vocabulary of recurring words fits, while the words seen once
    (hosts, hashes, numbers) pass through it. At 262,144 entries it held 67 MB once full (TAXII benchmark
    indicators), memory a long-running server kept for words it rarely sees again."""
    folded = fold(word)
    keys = {search_key(part) for part in folded.split()} - set(folded.split())
    return " ".join([folded, *sorted(keys)]) if keys else folded


def fold_words(text: str) -> str:
    """:func:`marsad.text.fold` applied word by word with a cache, plus each Arabic word's prefix-free key.

    ASCII text skips the cache: an ASCII word folds to itself in lower case (French elisions split where it
    holds an apostrophe) and is its own search key. Those are most of the words seen once (hosts, hashes, URLs,
    numbers: every TAXII benchmark indicator), which cost a cache miss each and only evicted recurring words.
    """
    if text.isascii():
        folded = text.lower()
        if "'" not in folded:
            return " ".join(folded.split())
        return " ".join([fold(word) if "'" in word else word for word in folded.split()])
    return " ".join(filter(None, map(_fold_word, text.split())))


def search_text_of(obj: Mapping[str, Any]) -> str:
    """The folded text indexed for ``obj``: names, aliases, labels, descriptions first, then other strings."""
    strings: list[str] = []
    for key in _FIRST_KEYS:
        value = obj.get(key)
        if value is not None:
            _collect(value, key, strings)
    for key, value in obj.items():
        if key not in _FIRST_KEYS and key not in _SKIP_KEYS:
            _collect(value, key, strings)
    return fold_words(" ".join(strings)[: MAX_SEARCH_TEXT * 2])[:MAX_SEARCH_TEXT]


#: SQLite engines whose schema has ``object_search_deferred`` (a database made before it keeps trigger indexing)
_DEFERRABLE: weakref.WeakSet = weakref.WeakSet()


def _can_defer(conn: Connection) -> bool:
    engine: Engine = conn.engine
    if engine not in _DEFERRABLE:
        found = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'object_search_deferred'"
        ).scalar()
        if not found:
            return False
        _DEFERRABLE.add(engine)
    return True


def insert_indexed(conn: Connection, insert: Callable[[], None], rows: list[tuple[int, str]]) -> None:
    """Run ``insert`` (new ``stix_objects`` rows) and have ``rows`` ((pk, search_text) of those rows) indexed.

    PostgreSQL computes the tsvector itself. On SQLite the insert trigger indexes one row per statement, and
    FTS5 then flushes its pending terms at each one; instead, within this transaction only, the trigger is
    turned off (a row in ``object_search_deferred``) and the rows are indexed with one executemany.
    """
    if conn.dialect.name != "sqlite" or not _can_defer(conn):
        insert()
        return
    conn.exec_driver_sql("INSERT INTO object_search_deferred (id) VALUES (1)")
    try:
        insert()
        conn.exec_driver_sql("INSERT INTO object_search (rowid, search_text) VALUES (?, ?)", rows)
    finally:
        conn.exec_driver_sql("DELETE FROM object_search_deferred")


def _fts5_query(words: list[str]) -> str:
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def search_select(dialect: str, query: str, filters: list[ColumnElement], limit: int) -> Select | None:
    """A SELECT of (object, date_added, score) for ``query`` over rows passing ``filters``; None if no words."""
    words = [search_key(word) for word in tokens(query)]
    if not words:
        return None
    if dialect == "sqlite":
        rank = literal_column("object_search.rank")
        return (
            select(stix_objects.c.object, stix_objects.c.date_added, (-rank).label("score"))
            .select_from(_FTS.join(stix_objects, stix_objects.c.pk == _FTS.c.rowid))
            .where(text("object_search MATCH :fts_query").bindparams(fts_query=_fts5_query(words)), *filters)
            .order_by(rank, stix_objects.c.pk)
            .limit(limit)
        )
    vector = literal_column("stix_objects.search_vector")
    tsquery = func.plainto_tsquery(literal_column("'simple'"), " ".join(words))
    score = func.ts_rank(vector, tsquery)
    return (
        select(stix_objects.c.object, stix_objects.c.date_added, score.label("score"))
        .where(vector.op("@@")(tsquery), *filters)
        .order_by(score.desc(), stix_objects.c.pk)
        .limit(limit)
    )


#: matches ranked in the first round, as a multiple of the hits wanted (most are usually visible)
_FIRST_ROUND = 4
_CHECK_CHUNK = 500


def _ranked_matches(conn: Connection, words: list[str], size: int | None, offset: int) -> list[tuple[int, float]]:
    """(pk, score) of matching rows, best first (ties by pk): the text index alone, no row filter."""
    if conn.dialect.name == "sqlite":
        rank = literal_column("object_search.rank")
        stmt = (select(_FTS.c.rowid, rank).select_from(_FTS)
                .where(text("object_search MATCH :fts_query").bindparams(fts_query=_fts5_query(words)))
                .order_by(rank, _FTS.c.rowid))
        flip = -1.0
    else:
        vector = literal_column("stix_objects.search_vector")
        tsquery = func.plainto_tsquery(literal_column("'simple'"), " ".join(words))
        score = func.ts_rank(vector, tsquery)
        stmt = (select(stix_objects.c.pk, score).where(vector.op("@@")(tsquery))
                .order_by(score.desc(), stix_objects.c.pk))
        flip = 1.0
    return [(int(pk), flip * float(value)) for pk, value in conn.execute(stmt.limit(size).offset(offset or None))]


def ranked_search(conn: Connection, query: str, filters: list[ColumnElement], limit: int) -> list[tuple]:
    """(object, date_added, score) of the ``limit`` best rows matching ``query`` and passing ``filters``: the same
    rows, order and scores as :func:`search_select`.

    Why in rounds: a common word matches a third of a large store, and deciding the filters (sharing policy,
    last visible version) for every match cost far more than ranking them. The matches are ranked by the text
    index alone, then the filters are decided for the best ones, in rank order, until ``limit`` pass: first for
    ``limit`` × 4 of them, then, if too few passed, for the rest."""
    words = [search_key(word) for word in tokens(query)]
    if not words:
        return []
    hits: list[tuple] = []
    size: int | None = limit * _FIRST_ROUND
    offset = 0
    while True:
        ranked = _ranked_matches(conn, words, size, offset)
        for start in range(0, len(ranked), _CHECK_CHUNK):
            chunk = ranked[start:start + _CHECK_CHUNK]
            passing = {row.pk: row for row in conn.execute(
                select(stix_objects.c.pk, stix_objects.c.object, stix_objects.c.date_added)
                .where(stix_objects.c.pk.in_([pk for pk, _ in chunk]), *filters))}
            hits += [(passing[pk].object, passing[pk].date_added, score) for pk, score in chunk if pk in passing]
            if len(hits) >= limit:
                return hits[:limit]
        if size is None or len(ranked) < size:
            return hits
        offset, size = offset + size, None
