"""Saved searches of the web search page: a user's named query (text and facets), nothing else.

Why a table and not a cookie: analysts re-run the same searches from any workstation, and an administrator who
disables a user removes their searches with them (``ON DELETE CASCADE``). A saved search stores the *query*,
never results: running it again goes through the sharing policy with the user's rights of that day.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Column, Connection, ForeignKey, Integer, String, Table, UniqueConstraint, delete, select, update

from marsad.errors import Conflict, InputError, NotFound
from marsad.store.accounts import users
from marsad.store.base import UTCDateTime, metadata

__all__ = ["saved_searches", "MAX_SAVED", "save_search", "list_searches", "delete_search"]

#: a user keeps at most this many saved searches
MAX_SAVED = 100

saved_searches = Table(
    "saved_searches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("query", String(2000), nullable=False, comment="the search page's URL query string (text and facets)"),
    Column("created", UTCDateTime, nullable=False),
    UniqueConstraint("user_id", "name"),
)


def _user_id(conn: Connection, username: str) -> int:
    found = conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
    if found is None:
        raise NotFound(f"no user named {username!r}")
    return found


def save_search(conn: Connection, username: str, name: str, query: str) -> int:
    """Save a search of ``username`` (same name: its query is replaced, same id); returns its id."""
    name, query = (name or "").strip(), (query or "").strip()
    if not name or len(name) > 200:
        raise InputError("give the search a name of 1 to 200 characters")
    if len(query) > 2000:
        raise InputError("the search is too long to save")
    user_id = _user_id(conn, username)
    same = conn.execute(select(saved_searches.c.id).where(saved_searches.c.user_id == user_id,
                                                          saved_searches.c.name == name)).scalar()
    if same is not None:
        conn.execute(update(saved_searches).where(saved_searches.c.id == same).values(query=query))
        return int(same)
    count = len(conn.execute(select(saved_searches.c.id).where(saved_searches.c.user_id == user_id)).all())
    if count >= MAX_SAVED:
        raise Conflict(f"you already keep {MAX_SAVED} saved searches: delete one first")
    result = conn.execute(saved_searches.insert().values(user_id=user_id, name=name, query=query,
                                                         created=datetime.now(timezone.utc)))
    return int(result.inserted_primary_key[0])


def list_searches(conn: Connection, username: str) -> list[dict]:
    """The user's saved searches, by name."""
    rows = conn.execute(select(saved_searches.c.id, saved_searches.c.name, saved_searches.c.query,
                               saved_searches.c.created)
                        .join(users, users.c.id == saved_searches.c.user_id)
                        .where(users.c.username == username).order_by(saved_searches.c.name)).all()
    return [dict(r._mapping) for r in rows]


def delete_search(conn: Connection, username: str, search_id: int) -> None:
    """Delete one of the user's saved searches; NotFound if it is not theirs."""
    done = conn.execute(delete(saved_searches).where(saved_searches.c.id == search_id,
                                                     saved_searches.c.user_id == _user_id(conn, username)))
    if not done.rowcount:
        raise NotFound(f"no saved search {search_id}")
