"""The one sharing policy: which objects a viewer may see, as a Python predicate and as an SQL clause.

Why twice: reads push the policy into SQL (``where=`` of the store's queries) so nothing is fetched and then
filtered after the fact, while single-object checks and the tests use the plain Python predicate. Both are
written from the same rules below and read only the :class:`~marsad.access.context.Viewer` snapshot plus the
object's own facts (type, id, ``created_by_ref``, TLP, releasability list, collections); the property tests
check that they select exactly the same objects on SQLite and PostgreSQL.

The rules, for an object in the collections ``M`` considered (all its collections, or only the one asked for):

1. Its originator (``created_by_ref`` == the viewer's organisation identity) always sees it, in any collection.
2. Reference objects (marking-definitions, extension-definitions, identities of registered organisations) are
   CLEAR, whatever they are marked.
3. CLEAR: every user who can read one of ``M`` (member with read, open collection, or read grant).
4. GREEN: the community, i.e. organisations that are reading members of one of ``M``.
5. AMBER: the organisations on the releasability list (their identity id, or their state code), or users
   named ``user:<name>``; with no list, the reading members of one of ``M``.
6. AMBER+STRICT: those on the releasability list only; with no list, the originator only.
7. RED: the named recipients only (organisation identity ids, ``user:<name>``; a state code does not name a
   recipient); with none named, the originator only.
8. Unmarked (no TLP): the reading members of one of ``M``, like GREEN (documented choice: a missing TLP never
   widens sharing beyond the collection's community).
9. An administrator's read grant on a collection of ``M`` lets the grantee see its objects up to the grant's
   level (green < amber = unmarked < amber+strict < red). The secretariat has no other special right, and a
   state code on a list does not name the secretariat (see ``Viewer.release_country``).

An object in no collection is thus visible to its originator and to those named on its list only.
A releasability list names recipients whether or not they are members of the collection: the exchange
layer decides separately who may list a collection (``Viewer.can_read_collection``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select

from marsad.access.context import Viewer
from marsad.store.base import metadata

__all__ = [
    "TLP_LEVELS",
    "REFERENCE_TYPES",
    "ObjectFacts",
    "object_facts",
    "can_see",
    "visible_clause",
]

TLP_LEVELS = ("clear", "green", "amber", "amber+strict", "red")
#: object types that are reference data, hence CLEAR (plus identities of registered organisations)
REFERENCE_TYPES = ("marking-definition", "extension-definition")
#: rank of each TLP for read grants; None is an unmarked object, ranked like AMBER
_RANK: dict[str | None, int] = {"green": 1, "amber": 2, None: 2, "amber+strict": 3, "red": 4}


@dataclass(frozen=True, slots=True)
class ObjectFacts:
    """What the policy reads of an object: the columns of ``stix_objects`` it decides on."""

    stix_id: str
    type: str
    created_by_ref: str | None = None
    tlp: str | None = None
    release_to: tuple[str, ...] = ()


def object_facts(obj: ObjectFacts | Mapping[str, Any] | Any) -> ObjectFacts:
    """The :class:`ObjectFacts` of a ``stix_objects`` row, a mapping with the same keys, or ObjectFacts.

    The mapping must carry ``tlp`` (and ``release_to`` if any) as the store resolved them from the markings; a raw
    STIX object (markings unresolved) is refused with ``TypeError`` rather than read as unmarked.
    """
    if isinstance(obj, ObjectFacts):
        return obj
    mapping = obj if isinstance(obj, Mapping) else getattr(obj, "_mapping", None)
    if mapping is None:
        raise TypeError(f"cannot read sharing facts from {type(obj).__name__}")
    if "tlp" not in mapping:  # fail closed: a raw STIX object's markings are not resolved here
        raise TypeError("sharing facts need the stored row's 'tlp' and 'release_to', not a raw STIX object")
    stix_id = mapping.get("stix_id") or mapping.get("id")
    kind = mapping.get("type") or str(stix_id).split("--", 1)[0]
    return ObjectFacts(
        stix_id=str(stix_id),
        type=str(kind),
        created_by_ref=mapping.get("created_by_ref"),
        tlp=mapping.get("tlp"),
        release_to=tuple(mapping.get("release_to") or ()),
    )


def _listed(viewer: Viewer, release_to: tuple[str, ...], *, by_state: bool) -> bool:
    entries = {viewer.user_entry, viewer.identity_id}
    if by_state:
        entries.add(viewer.release_country)
    entries.discard(None)
    return not entries.isdisjoint(release_to)


def _granted(viewer: Viewer, tlp: str | None, collections: frozenset[str]) -> bool:
    rank = _RANK.get(tlp)
    if rank is None:
        return False
    return any(rank <= _RANK[viewer.grants[c]] for c in collections if c in viewer.grants)


def _is_reference(viewer: Viewer, facts: ObjectFacts) -> bool:
    return facts.type in REFERENCE_TYPES or (facts.type == "identity" and facts.stix_id in viewer.member_identities)


def can_see(viewer: Viewer, obj: ObjectFacts | Mapping[str, Any] | Any, collections: Iterable[str]) -> bool:
    """True when ``viewer`` may see ``obj`` through one of ``collections`` (the collections considered)."""
    facts = object_facts(obj)
    cols = frozenset(str(c) for c in collections)
    if viewer.identity_id is not None and facts.created_by_ref == viewer.identity_id:
        return True
    tlp = facts.tlp
    if tlp == "clear" or _is_reference(viewer, facts):
        if cols & viewer.readable:
            return True
    if tlp == "clear":
        return False
    if _granted(viewer, tlp, cols):
        return True
    if tlp in ("green", None):
        return bool(cols & viewer.member_read)
    if tlp == "amber":
        if facts.release_to:
            return _listed(viewer, facts.release_to, by_state=True)
        return bool(cols & viewer.member_read)
    if tlp == "amber+strict":
        return _listed(viewer, facts.release_to, by_state=True)
    if tlp == "red":
        return _listed(viewer, facts.release_to, by_state=False)
    return False


# --- the same rules in SQL ---------------------------------------------------------------------------------------
# Three subqueries, whatever the viewer: one over the object's collections (rules 3, 4, 5/no list, 8, 9), one over
# its releasability list (rules 5, 6, 7), one for "has a list at all". Small clauses compile and adapt quickly.

def _tables():
    """``stix_objects`` and private aliases of the membership and release tables.

    The aliases keep the policy's subqueries intact when the store adapts a ``where`` clause onto aliases of
    ``stix_objects``/``collection_objects`` (e.g. to pick the last *visible* version): only references to
    ``stix_objects`` are re-pointed, so each subquery stays correlated to the row being decided.
    """
    tables = metadata.tables
    return (tables["stix_objects"], tables["object_releases"].alias("policy_releases"),
            tables["collection_objects"].alias("policy_members"))


def _chosen(ids: Iterable[str], collection_id: str | None) -> list[str]:
    chosen = set(ids) if collection_id is None else set(ids) & {str(collection_id)}
    return sorted(chosen)


def _tlp_is(objects, *levels: str | None) -> ColumnElement[bool]:
    named = [level for level in levels if level is not None]
    tests = [objects.c.tlp.in_(named)] if named else []
    if None in levels:
        tests.append(objects.c.tlp.is_(None))
    return or_(*tests)


def _collection_rules(viewer: Viewer, collection_id: str | None, objects, releases, members):
    """The rules that depend on the collections: one EXISTS over the object's (chosen) memberships."""
    reference = or_(objects.c.type.in_(REFERENCE_TYPES), and_(
        objects.c.type == "identity", objects.c.stix_id.in_(sorted(viewer.member_identities))))
    # nested inside the membership subquery: correlate explicitly to the object row being decided
    no_list = ~exists(select(releases.c.object_pk).where(releases.c.object_pk == objects.c.pk).correlate(objects))
    rules = []  # (collections where the rule applies, what the object must be there)
    rules.append((viewer.readable, or_(objects.c.tlp == "clear", reference)))
    rules.append((viewer.member_read, or_(_tlp_is(objects, "green", None), and_(objects.c.tlp == "amber", no_list))))
    for tlp, rank in _RANK.items():
        rules.append(([c for c, level in viewer.grants.items() if rank <= _RANK[level]], _tlp_is(objects, tlp)))
    branches = [and_(members.c.collection_id.in_(chosen), test)
                for ids, test in rules if (chosen := _chosen(ids, collection_id))]
    if not branches:
        return false()
    return exists(select(members.c.object_pk).where(members.c.object_pk == objects.c.pk, or_(*branches)))


def _list_rules(viewer: Viewer, objects, releases) -> ColumnElement[bool]:
    """The rules that read the releasability list: one EXISTS over the object's list entries."""
    named = sorted(e for e in (viewer.user_entry, viewer.identity_id) if e is not None)
    entry_fits = releases.c.entry.in_(named)
    if viewer.release_country is not None:
        entry_fits = or_(entry_fits, and_(releases.c.entry == viewer.release_country,
                                          objects.c.tlp.in_(("amber", "amber+strict"))))
    return and_(objects.c.tlp.in_(("amber", "amber+strict", "red")), exists(select(releases.c.object_pk).where(
        releases.c.object_pk == objects.c.pk, entry_fits)))


def visible_clause(viewer: Viewer, collection_id: str | None = None) -> ColumnElement[bool]:
    """An SQL boolean over ``stix_objects`` true exactly where :func:`can_see` is.

    With ``collection_id`` it equals ``can_see(viewer, obj, M(obj) ∩ {collection_id})``; without, it equals
    ``can_see(viewer, obj, M(obj))``, where ``M(obj)`` is the set of collections the object is in. Pass the
    collection being read, so an object is not shown in one collection because the viewer may see it in another.
    """
    objects, releases, members = _tables()
    originator = objects.c.created_by_ref == viewer.identity_id if viewer.identity_id is not None else false()
    return or_(originator, _list_rules(viewer, objects, releases),
               _collection_rules(viewer, collection_id, objects, releases, members))
