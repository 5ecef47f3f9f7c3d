"""Financing indicators as STIX: a crypto-wallet address, the indicator that flags it, and sightings of it.

Why this module: member states share the wallets that fund terrorist organisations, and an analyst who meets
an address must be able to ask "is this one known?" and learn only what the sharing rules let them see —
while the state that flagged it learns that it came up, and nobody else does.

**Representation (choice).** The wallet is the ``cryptocurrency-wallet`` SCO of the extension-definition
``extension-definition--be78509e-6958-51b1-8b26-d17ee0eba2d7`` (``extension_type: new-sco``, property
``address``). That id is *not* published by OASIS in cti-stix-common-objects (no cryptocurrency extension is
there): it comes from the widely used open ``muchdogesec/stix2extensions`` set (schema
``schemas/scos/cryptocurrency-wallet.json``; an earlier version of it named the property ``value``). Marsad
uses it as is, so peers running those extensions read Marsad's wallets unchanged. The indicator's pattern is
``[cryptocurrency-wallet:address = '<canonical address>']`` (``pattern_type: stix``, ``indicator_types:
["attribution"]``); matching also accepts the older ``value`` property and any pattern that quotes the address.

**Ids.** An SCO id would normally be UUIDv5 of the address alone, but markings live on the object and SCOs
have no versions: one shared id would either leak the fact that *some* state flagged the address (unmarked)
or make the second state's submission a conflict (different markings, same id and version). So the wallet SCO
id is derived from (originator, address, markings) in the Marsad namespace — re-marking makes a new SCO the
new version of the indicator points to — and the indicator id from (originator, address), so adding the same
address again makes a new *version* of the same indicator (new markings, actor) instead of a duplicate.

**Sightings (choice).** A match is recorded as a ``sighting`` (``sighting_of_ref`` the indicator,
``where_sighted_refs`` the checker's organisation, ``count``, ``first_seen``/``last_seen``) created by the
checker's organisation, one per (checker organisation, indicator): a repeated check makes a new version with
``count`` + 1. It is marked TLP:AMBER+STRICT released to exactly the checker's and the originator's
organisation identities: under the sharing policy only those two organisations see it (AMBER+STRICT with a
list admits only the listed organisations; an identity on the list names that organisation, never its whole
state), and AMBER+STRICT — not RED — because the fact is for the organisation, not one named person.
An indicator without ``created_by_ref`` leaves the sighting to the checker alone; an organisation checking
its own indicator records no sighting. Sightings go into the
collection the matched indicator was found in, so the originator receives them through the same channel.

**Audit.** Adding records a ``write`` (the ids stored); checking records a ``read`` listing the matched
indicator and sighting ids — never the address itself (the audit trail keeps ids, not content).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, func

from marsad.access.audit import record_read, record_write
from marsad.access.context import Viewer
from marsad.access.policy import visible_clause
from marsad.errors import AccessDenied, InputError, NotFound
from marsad.exchange.wallets import WalletAddress, parse_wallet
from marsad.model.ids import stable_id
from marsad.model.markings import Tlp, releasability_marking, tlp_marking
from marsad.store.objects import stix_objects
from marsad.store.queries import MAX_LIMIT
from marsad.store.search import MAX_SEARCH_TEXT
from marsad.store.store import Store
from marsad.store.timestamps import parse_timestamp
from marsad.text import fold

__all__ = [
    "WALLET_EXTENSION_ID",
    "WALLET_TYPE",
    "OASIS_SCO_NAMESPACE",
    "wallet_pattern",
    "addresses_in_pattern",
    "wallet_observable",
    "wallet_objects",
    "sighting_object",
    "AddedWallet",
    "WalletMatch",
    "CheckResult",
    "add_wallet",
    "check_wallet",
]

WALLET_EXTENSION_ID = "extension-definition--be78509e-6958-51b1-8b26-d17ee0eba2d7"
WALLET_TYPE = "cryptocurrency-wallet"
#: the STIX 2.1 namespace of deterministic SCO ids (used for the identity-free part of the wallet id)
OASIS_SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
_SIGHTING_TLP = Tlp.AMBER_STRICT


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _after(previous: str | None, now: datetime) -> datetime:
    """``now``, or just after ``previous`` when the clock has not moved past it (versions must grow)."""
    if previous is None:
        return now
    last = parse_timestamp(previous)
    return now if now > last else last + timedelta(microseconds=1)


def wallet_pattern(address: str) -> str:
    """The STIX pattern matching the (canonical) ``address``."""
    return f"[{WALLET_TYPE}:address = '{address}']"


def addresses_in_pattern(pattern: str) -> set[str]:
    """The quoted string literals of a pattern (where a wallet address would be)."""
    return {m.group(1).replace("\\'", "'").replace("\\\\", "\\") for m in _QUOTED.finditer(pattern or "")}


def wallet_observable(wallet: WalletAddress, originator: str | None, marking_refs: list[str]) -> dict:
    """The ``cryptocurrency-wallet`` SCO of ``wallet`` as submitted by ``originator`` (see module doc: ids)."""
    obj = {
        "type": WALLET_TYPE,
        "spec_version": "2.1",
        "id": stable_id(WALLET_TYPE, f"{originator or '-'}:{wallet.address}:{','.join(sorted(marking_refs))}"),
        "address": wallet.address,
        "extensions": {WALLET_EXTENSION_ID: {"extension_type": "new-sco"}},
    }
    if marking_refs:
        obj["object_marking_refs"] = list(marking_refs)
    return obj


def _markings(tlp: Tlp | str, release_to: Iterable[str] | None) -> tuple[list[str], list[dict]]:
    """Marking refs and the marking-definitions to store with them (the releasability one, if any)."""
    refs, definitions = [tlp_marking(tlp)["id"]], []
    entries = [e for e in (release_to or []) if str(e).strip()]
    if entries:
        definition = releasability_marking(entries)
        refs.append(definition["id"])
        definitions.append(definition)
    return refs, definitions


def _indicator(wallet: WalletAddress, originator: str | None, refs: list[str], now: datetime,
               previous: dict | None, actor_name: str | None) -> dict:
    modified = _after(previous.get("modified") if previous else None, now)
    name = f"Wallet {wallet.address} ({wallet.chain})"
    obj = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": stable_id("indicator", f"wallet:{originator or '-'}:{wallet.address}"),
        "created": previous["created"] if previous else _stamp(modified),
        "modified": _stamp(modified),
        "name": name,
        "description": f"{wallet.chain} {wallet.kind} address used to finance"
                       + (f" {actor_name}" if actor_name else " terrorism") + ".",
        "indicator_types": ["attribution"],
        "pattern": wallet_pattern(wallet.address),
        "pattern_type": "stix",
        "valid_from": previous["valid_from"] if previous else _stamp(modified),
        "labels": ["financing", f"chain:{wallet.chain}"],
        "object_marking_refs": refs,
    }
    if originator:
        obj["created_by_ref"] = originator
    return obj


def _relationship(source: dict, kind: str, target: str, originator: str | None, refs: list[str]) -> dict:
    obj = {
        "type": "relationship",
        "spec_version": "2.1",
        "id": stable_id("relationship", f"{source['id']}:{kind}:{target}"),
        "created": source["created"],
        "modified": source["modified"],
        "relationship_type": kind,
        "source_ref": source["id"],
        "target_ref": target,
        "object_marking_refs": refs,
    }
    if originator:
        obj["created_by_ref"] = originator
    return obj


def _threat_actor(name: str, originator: str | None, refs: list[str], when: str) -> dict:
    obj = {
        "type": "threat-actor",
        "spec_version": "2.1",
        "id": stable_id("threat-actor", f"{originator or '-'}:{fold(name)}"),
        "created": when,
        "modified": when,
        "name": name.strip(),
        "threat_actor_types": ["terrorist"],
        "object_marking_refs": refs,
    }
    if originator:
        obj["created_by_ref"] = originator
    return obj


def wallet_objects(wallet: WalletAddress, *, originator: str | None, tlp: Tlp | str = Tlp.AMBER,
                   release_to: Iterable[str] | None = None, actor: dict | str | None = None,
                   previous: dict | None = None, now: datetime | None = None) -> list[dict]:
    """The objects that share ``wallet``: releasability marking (if any), SCO, indicator, and — with ``actor``
    (an existing threat-actor dict, or a name for a new one) — the actor and ``indicates`` relationship.
    ``previous`` is the stored indicator this one supersedes (same id, new version)."""
    now = now or datetime.now(timezone.utc)
    refs, definitions = _markings(tlp, release_to)
    actor_obj = None
    if isinstance(actor, str) and actor.strip():
        actor_obj = _threat_actor(actor, originator, refs, _stamp(now))
    elif isinstance(actor, dict):
        actor_obj = actor
    indicator = _indicator(wallet, originator, refs, now, previous, actor_obj.get("name") if actor_obj else None)
    observable = wallet_observable(wallet, originator, refs)
    objects = [*definitions, observable, indicator,
               _relationship(indicator, "based-on", observable["id"], originator, refs)]
    if actor_obj is not None:
        if not isinstance(actor, dict):
            objects.append(actor_obj)
        objects.append(_relationship(indicator, "indicates", actor_obj["id"], originator, refs))
    return objects


def sighting_object(indicator: dict, checker_identity: str, *, previous: dict | None = None,
                    now: datetime | None = None) -> list[dict]:
    """The sighting of ``indicator`` by ``checker_identity`` (new, or ``previous`` + 1) and its releasability
    marking-definition, marked as the module doc explains."""
    now = now or datetime.now(timezone.utc)
    modified = _stamp(_after(previous.get("modified") if previous else None, now))
    recipients = sorted({checker_identity, *([indicator["created_by_ref"]] if indicator.get("created_by_ref") else [])})
    refs, definitions = _markings(_SIGHTING_TLP, recipients)
    sighting = {
        "type": "sighting",
        "spec_version": "2.1",
        "id": stable_id("sighting", f"{checker_identity}:{indicator['id']}"),
        "created": previous["created"] if previous else modified,
        "modified": modified,
        "created_by_ref": checker_identity,
        "sighting_of_ref": indicator["id"],
        "where_sighted_refs": [checker_identity],
        "count": (previous.get("count", 0) if previous else 0) + 1,
        "first_seen": previous.get("first_seen", modified) if previous else modified,
        "last_seen": modified,
        "object_marking_refs": refs,
    }
    return [*definitions, sighting]


# --- adding and checking through the store, under the sharing policy ------------------------------------------

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
    indicator_id = stable_id("indicator", f"wallet:{originator or '-'}:{wallet.address}")
    try:
        previous = store.get_object(indicator_id, where=visible_clause(viewer)).object
    except NotFound:
        previous = None
    actor_obj = (_find_actor(store, viewer, actor) or actor) if actor and actor.strip() else None
    release_to = _with_originator(tlp, release_to, originator)
    objects = wallet_objects(wallet, originator=originator, tlp=tlp, release_to=release_to, actor=actor_obj,
                             previous=previous)
    store.put_objects(objects, collection_id=collection_id)
    ids = [o["id"] for o in objects if o["type"] != "marking-definition"]
    record_write(store.engine, viewer, ids, remote_addr=remote_addr, what="wallet.add", collection=collection_id)
    return AddedWallet(wallet, indicator_id, ids, collection_id)


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
    sighting_id = stable_id("sighting", f"{viewer.identity_id}:{indicator['id']}")
    try:
        previous = store.get_object(sighting_id, where=visible_clause(viewer)).object
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
