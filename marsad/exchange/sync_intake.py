"""What a federation pull lets in from a peer's page: valid STIX 2.1 whose markings can be honoured here.

Why its own module: a peer is trusted to share, not to be correct. A page may hold objects that are not STIX
2.1, objects marked with a marking-definition the peer did not send (it may be in another page: it is then
fetched from the remote collection), or a marking-definition Marsad refuses (e.g. a forged releasability
marking). The page is checked as a whole with :func:`marsad.model.bundle.parse_stix` — the fast path — and,
when refused, object by object, so one bad object never blocks the rest of the federation. An object marked
with a refused or unknown marking is refused too: storing it without the marking would widen who sees it.
"""

from __future__ import annotations

from marsad.errors import MarsadError
from marsad.exchange.sync_peer import Peer
from marsad.model.bundle import check_object, parse_stix
from marsad.model.markings import tlp_of_definition, tlp_of_id
from marsad.store.store import Store

__all__ = ["marking_refs", "complete_markings", "accept_page"]


def marking_refs(objects: list) -> set[str]:
    """Non-TLP marking ids the objects refer to (objects that are not even dicts are skipped here)."""
    refs = set()
    for obj in objects:
        listed = obj.get("object_marking_refs") if isinstance(obj, dict) else None
        if isinstance(listed, list):
            refs.update(r for r in listed if isinstance(r, str) and tlp_of_id(r) is None)
    return refs


def _stored_ids(store: Store, ids: set[str]) -> set[str]:
    if not ids:
        return set()
    page = store.query(types=["marking-definition"], ids=sorted(ids), versions="all", limit=1000)
    return {item.id for item in page.objects}


def complete_markings(store: Store, peer: Peer, collection: str, objects: list[dict]) -> list[dict]:
    """``objects`` plus marking-definitions they refer to that are neither in the page nor stored here."""
    in_page = {o.get("id") for o in objects if isinstance(o, dict)}
    missing = marking_refs(objects) - in_page - _stored_ids(store, marking_refs(objects))
    fetched = [obj for ref in sorted(missing) for obj in peer.get_object(collection, ref)]
    return fetched + objects


def _failure(obj, message: str) -> dict:
    is_dict = isinstance(obj, dict)
    return {"id": obj.get("id") if is_dict else None, "version": obj.get("modified") if is_dict else None,
            "message": message}


def _one_by_one(definitions: list[dict], others: list[dict], known: set[str]) -> tuple[list[dict], list[dict]]:
    """The slow path when a page as a whole is refused: each marking-definition alone, then each other object
    with the accepted definitions (so TLP definitions known by content still map, and an object marked with
    a refused definition is refused too — never stored as if it had no release list)."""
    accepted, failures = [], []
    for definition in definitions:
        try:
            accepted += parse_stix([definition])
        except MarsadError as exc:
            failures.append(_failure(definition, exc.message))
    good = [d for d in definitions if any(a["id"] == d["id"] for a in accepted) or tlp_of_definition(d)]
    allowed = known | {d["id"] for d in good}
    for obj in others:
        try:
            accepted += [o for o in parse_stix(good + [obj], known_markings=lambda ref: ref in allowed)
                         if o["id"] == obj["id"]]
        except MarsadError as exc:
            failures.append(_failure(obj, exc.message))
    return accepted, failures


def accept_page(store: Store, objects: list) -> tuple[list[dict], list[dict]]:
    """(objects fit to store, failures): invalid objects, and objects whose markings cannot be resolved or
    were refused, are reported one by one; the rest of the page is stored."""
    failures, valid = [], []
    for obj in objects:
        reason = check_object(obj)
        if reason:
            failures.append(_failure(obj, f"not valid STIX 2.1: {reason}"))
        else:
            valid.append(obj)
    known = _stored_ids(store, marking_refs(valid))
    try:
        in_page = {o["id"] for o in valid if o["type"] == "marking-definition"}
        return (parse_stix(valid, known_markings=lambda ref: ref in known | in_page) if valid else []), failures
    except MarsadError:
        definitions = [o for o in valid if o["type"] == "marking-definition"]
        others = [o for o in valid if o["type"] != "marking-definition"]
        accepted, refused = _one_by_one(definitions, others, known)
        return accepted, failures + refused
