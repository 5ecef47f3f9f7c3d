"""Adding and checking crypto-wallet indicators through the store, under the sharing policy, audited.

Why this module: an analyst who meets an address must be able to ask "is this one known?" and learn only what
the sharing rules let them see — while the state that flagged it learns that it came up, and nobody else does
(the STIX objects and their markings are built by :mod:`marsad.exchange.indicators`).

- **Adding** validates the address, writes the indicator (a new version when the organisation re-adds it),
  its SCO, the ``indicates`` relationship to a threat actor found by name among those the user may see (or a
  new one), into a collection the user's organisation may write. Whenever there is a release list the
  originator is put on it: the SCO has no ``created_by_ref``, so this keeps it visible to its originator.
- **Checking** finds the visible, unrevoked indicators quoting the address (the full-text index holds each
  address as one folded word; rows whose indexed text was cut at ``MAX_SEARCH_TEXT`` are scanned instead, so
  none is missed), and records one sighting per match in the collection the match was found in (or in none,
  when the checker sees it only as a named recipient). An organisation checking its own indicator records no
  sighting.
- **Audit.** Adding records a ``write`` (the ids stored); checking records a ``read`` listing the matched
  indicator and sighting ids — never the address itself (the audit trail keeps ids, not content).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, func

from marsad.access.audit import record_read, record_write
from marsad.access.context import Viewer
from marsad.access.policy import visible_clause
from marsad.errors import AccessDenied, InputError, NotFound
from marsad.exchange.indicators import addresses_in_pattern, indicator_id, sighting_id, sighting_object, wallet_objects
from marsad.exchange.wallets import WalletAddress, parse_wallet
from marsad.model.markings import Tlp
from marsad.store.objects import stix_objects
from marsad.store.queries import MAX_LIMIT
from marsad.store.search import MAX_SEARCH_TEXT
from marsad.store.store import Store
from marsad.store.timestamps import parse_timestamp
from marsad.text import fold

__all__ = ["AddedWallet", "WalletMatch", "CheckResult", "add_wallet", "check_wallet"]

@dataclass(frozen=True)
class AddedWallet:
    """What :func:`add_wallet` stored: the validated wallet, the indicator id and every object id written."""

    wallet: WalletAddress
    indicator_id: str
    object_ids: list[str]
    collection_id: str


@dataclass(frozen=True)
class WalletMatch:
    """One visible indicator of a checked address, with its originator and the sighting recorded (if any)."""

    indicator: dict
    collection_id: str | None
    originator: str | None
    sighting: dict | None = None


@dataclass(frozen=True)
class CheckResult:
    """The validated address and the indicators of it the checker may see (empty: not known to them)."""

    wallet: WalletAddress
    matches: list[WalletMatch] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return bool(self.matches)


def _writable_collection(store: Store, viewer: Viewer, collection: str | None) -> str:
    if collection is None:
        writable = sorted(viewer.member_write)
        if len(writable) != 1:
            raise InputError("say which collection to add the wallet to (--collection): "
                             f"your organisation may write to {len(writable)} collections")
        return writable[0]
    found = store.get_collection(collection).id
    if not viewer.can_write_collection(found):
        raise AccessDenied(f"{viewer.username} may not add objects to collection {collection!r}")
    return found


def _find_actor(store: Store, viewer: Viewer, name: str) -> dict | None:
    wanted = fold(name)
    for hit in store.search(name, types=["threat-actor"], where=visible_clause(viewer), limit=20):
        names = [hit.object.get("name", "")] + list(hit.object.get("aliases") or [])
        if any(fold(n) == wanted for n in names):
            return hit.object
    return None


def _with_originator(tlp: Tlp | str, release_to: Iterable[str] | None, originator: str | None) -> list[str] | None:
    """The release list with the originator on it whenever there is a list (or a level that needs one): the
    wallet SCO has no ``created_by_ref``, so this is what keeps it visible to the organisation that added it."""
    entries = [str(e).strip() for e in (release_to or []) if str(e).strip()]
    if originator and (entries or Tlp.parse(tlp) >= Tlp.AMBER_STRICT):
        entries.append(originator)
    return entries or None


def add_wallet(store: Store, viewer: Viewer, address: str, *, collection: str | None = None,
               actor: str | None = None, tlp: Tlp | str = Tlp.AMBER, release_to: Iterable[str] | None = None,
               remote_addr: str | None = None) -> AddedWallet:
    """Validate ``address`` and share it as an indicator from the viewer's organisation (audited write)."""
    wallet = parse_wallet(address)
    collection_id = _writable_collection(store, viewer, collection)
    originator = viewer.identity_id
    own_id = indicator_id(originator, wallet.address)
    try:
        previous = store.get_object(own_id, where=visible_clause(viewer)).object
    except NotFound:
        previous = None
    actor_obj = (_find_actor(store, viewer, actor) or actor) if actor and actor.strip() else None
    release_to = _with_originator(tlp, release_to, originator)
    objects = wallet_objects(wallet, originator=originator, tlp=tlp, release_to=release_to, actor=actor_obj,
                             previous=previous)
    store.put_objects(objects, collection_id=collection_id)
    ids = [o["id"] for o in objects if o["type"] != "marking-definition"]
    record_write(store.engine, viewer, ids, remote_addr=remote_addr, what="wallet.add", collection=collection_id)
    return AddedWallet(wallet, own_id, ids, collection_id)


def _quotes_address(pattern: str, wallet: WalletAddress) -> bool:
    literals = addresses_in_pattern(pattern)
    if wallet.chain == "ethereum":
        return wallet.address.lower() in {literal.lower() for literal in literals}
    return wallet.address in literals


def _pages(store: Store, collection: str | None, **filters):
    cursor = None
    while True:
        page = store.query(collection, limit=200, cursor=cursor, **filters)
        yield from page.objects
        if not page.more:
            return
        cursor = page.next


def _candidate_indicators(store: Store, viewer: Viewer, wallet: WalletAddress) -> list[dict]:
    """Visible indicators whose text holds the address: the full-text index (the address is one folded word),
    plus a pattern scan of the few rows whose indexed text was cut at ``MAX_SEARCH_TEXT`` (so none is missed)."""
    visible = visible_clause(viewer)
    found = {hit.object["id"]: hit.object for hit in store.search(
        wallet.address, types=["indicator"], where=visible, limit=MAX_LIMIT)}
    pattern = stix_objects.c.object["pattern"].as_string()
    like = pattern.ilike(f"%{wallet.address}%") if wallet.chain == "ethereum" else pattern.like(f"%{wallet.address}%")
    truncated = func.length(stix_objects.c.search_text) >= MAX_SEARCH_TEXT
    latest: dict[str, dict] = {}  # versions="all" (cheaper to build than "last"): keep each id's newest here
    for item in _pages(store, None, types=["indicator"], versions="all", where=and_(visible, truncated, like)):
        if item.id not in latest or parse_timestamp(item.object["modified"]) > parse_timestamp(
                latest[item.id]["modified"]):
            latest[item.id] = item.object
    for stix_id, obj in latest.items():
        found.setdefault(stix_id, obj)
    return [obj for obj in found.values()
            if not obj.get("revoked") and _quotes_address(obj.get("pattern", ""), wallet)]


def _visible_indicators(store: Store, viewer: Viewer, wallet: WalletAddress) -> list[tuple[dict, str | None]]:
    """(indicator, a collection the viewer sees it in) for each visible, unrevoked indicator of ``wallet``."""
    hits = _candidate_indicators(store, viewer, wallet)
    collections = store.list_collections() if hits else []
    found = []
    for indicator in sorted(hits, key=lambda obj: obj["id"]):
        seen_in = next((coll.id for coll in collections if store.query(
            coll.id, ids=[indicator["id"]], limit=1, where=visible_clause(viewer, coll.id)).objects), None)
        found.append((indicator, seen_in))  # None: seen outside any collection (e.g. named on its list)
    return found


def _record_sighting(store: Store, viewer: Viewer, indicator: dict, collection_id: str | None) -> dict:
    try:
        previous = store.get_object(sighting_id(viewer.identity_id, indicator["id"]),
                                    where=visible_clause(viewer)).object
    except NotFound:
        previous = None
    objects = sighting_object(indicator, viewer.identity_id, previous=previous)
    store.put_objects(objects, collection_id=collection_id)
    return objects[-1]


def check_wallet(store: Store, viewer: Viewer, address: str, *, record_sighting: bool = True,
                 remote_addr: str | None = None) -> CheckResult:
    """Is ``address`` flagged in anything ``viewer`` may see? Records a sighting per match (audited read)."""
    wallet = parse_wallet(address)
    matches = []
    for indicator, collection_id in _visible_indicators(store, viewer, wallet):
        sighting = None
        own = indicator.get("created_by_ref") == viewer.identity_id
        if record_sighting and viewer.identity_id and not own:
            sighting = _record_sighting(store, viewer, indicator, collection_id)
        matches.append(WalletMatch(indicator, collection_id, indicator.get("created_by_ref"), sighting))
    ids = [m.indicator["id"] for m in matches] + [m.sighting["id"] for m in matches if m.sighting]
    record_read(store.engine, viewer, ids, remote_addr=remote_addr, what="wallet.check", chain=wallet.chain,
                matches=len(matches))
    return CheckResult(wallet, matches)
