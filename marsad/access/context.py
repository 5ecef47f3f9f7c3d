"""Who is asking: the :class:`Viewer` every access decision is made for.

Why a snapshot: the sharing policy is decided twice, in Python (:func:`marsad.access.policy.can_see`) and in
SQL (:func:`marsad.access.policy.visible_clause`); both read only the viewer's facts captured here plus the
object's own facts, so they cannot disagree about the viewer. A viewer is built once per request (or CLI
command) by :func:`load_viewer` from the account tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sqlalchemy import Connection, select

from marsad.errors import AccessDenied, NotFound
from marsad.store.accounts import (
    collection_members,
    collection_policy,
    organisations,
    read_grants,
    users,
)

__all__ = ["Viewer", "load_viewer", "viewer_from_rows"]


def _frozen_map(value: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True)
class Viewer:
    """A signed-in user and everything the policy needs to know about them.

    ``member_read``/``member_write``: collections the user's organisation is a member of with that right;
    ``open_read``: collections every user may read (CLEAR objects); ``grants``: collection id → highest TLP
    an administrator's read grant lets the organisation see there; ``member_identities``: identity ids of
    every registered organisation (their identity objects are reference data, hence CLEAR).
    """

    username: str
    org_id: str | None = None
    org_name: str | None = None
    identity_id: str | None = None
    country: str | None = None
    roles: frozenset[str] = frozenset()
    is_secretariat: bool = False
    language: str = "ar"
    member_read: frozenset[str] = frozenset()
    member_write: frozenset[str] = frozenset()
    open_read: frozenset[str] = frozenset()
    grants: Mapping[str, str] = field(default_factory=dict)
    member_identities: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "grants", _frozen_map(self.grants))

    @property
    def readable(self) -> frozenset[str]:
        """Collections whose CLEAR objects this user may read (member, open, or granted)."""
        return self.member_read | self.open_read | frozenset(self.grants)

    @property
    def release_country(self) -> str | None:
        """The state code that names this user's organisation on a releasability list.

        None for the secretariat: a list naming a state (e.g. ``"EG"``, the secretariat's seat) releases to that
        state's organisations, not to the secretariat, which reads only what it is named on or granted.
        """
        return None if self.is_secretariat else self.country

    @property
    def user_entry(self) -> str:
        """This user's entry on a releasability list: ``user:<username>``."""
        return f"user:{self.username}"

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of ``roles``."""
        return bool(self.roles.intersection(roles))

    def require_role(self, *roles: str, to: str = "do this") -> None:
        """:class:`AccessDenied` unless the user holds one of ``roles`` (e.g. ``"admin", "auditor"`` for the trail)."""
        if not self.has_role(*roles):
            raise AccessDenied(f"{self.username!r} may not {to}: it needs the role {' or '.join(roles)}")

    def can_read_collection(self, collection_id: str) -> bool:
        """True when the user may list the collection (member with read, open collection, or a read grant)."""
        return collection_id in self.readable

    def can_write_collection(self, collection_id: str) -> bool:
        """True when the user's organisation may add objects to the collection."""
        return collection_id in self.member_write


def viewer_from_rows(user_row, org_row, memberships, open_ids, grant_rows, identity_ids) -> Viewer:
    """A :class:`Viewer` from already-read rows (used by :func:`load_viewer`; handy in tests)."""
    return Viewer(
        username=user_row.username,
        org_id=org_row.id,
        org_name=org_row.name,
        identity_id=org_row.identity_id,
        country=org_row.country,
        roles=frozenset({user_row.role}),
        is_secretariat=bool(org_row.is_secretariat),
        language=user_row.language,
        member_read=frozenset(str(m.collection_id) for m in memberships if m.can_read),
        member_write=frozenset(str(m.collection_id) for m in memberships if m.can_write),
        open_read=frozenset(str(c) for c in open_ids),
        grants={str(g.collection_id): g.max_tlp for g in grant_rows},
        member_identities=frozenset(identity_ids),
    )


def load_viewer(conn: Connection, username: str, *, require_active: bool = True) -> Viewer:
    """The viewer for ``username`` read from the account tables; :class:`NotFound` if unknown or inactive."""
    user_row = conn.execute(select(users).where(users.c.username == username)).first()
    if user_row is None or (require_active and not user_row.active):
        raise NotFound(f"no active user named {username!r}")
    org_row = conn.execute(select(organisations).where(organisations.c.id == user_row.org_id)).one()
    memberships = conn.execute(
        select(collection_members).where(collection_members.c.org_id == org_row.id)).all()
    open_ids = conn.execute(
        select(collection_policy.c.collection_id).where(collection_policy.c.open_read.is_(True))).scalars().all()
    grant_rows = conn.execute(select(read_grants).where(read_grants.c.org_id == org_row.id)).all()
    identity_ids = conn.execute(select(organisations.c.identity_id)).scalars().all()
    return viewer_from_rows(user_row, org_row, memberships, open_ids, grant_rows, identity_ids)
