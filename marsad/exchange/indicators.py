"""Financing indicators as STIX: a crypto-wallet address, the indicator that flags it, and sightings of it.

Why this module: member states share the wallets that fund terrorist organisations; every instance and peer
must build and read them the same way. This module only builds the objects (no database); adding and
checking under the sharing policy is :mod:`marsad.exchange.wallet_checks`.

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
An indicator without ``created_by_ref`` leaves the sighting to the checker alone. One deliberate exception,
from the policy itself: an administrator's read grant at AMBER+STRICT or above on the collection the
sighting is stored in (oversight, e.g. by the secretariat) also shows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from marsad.exchange.wallets import WalletAddress
from marsad.model.ids import stable_id
from marsad.model.markings import Tlp, releasability_marking, tlp_marking
from marsad.store.timestamps import parse_timestamp
from marsad.text import fold

__all__ = [
    "WALLET_EXTENSION_ID",
    "WALLET_TYPE",
    "indicator_id",
    "sighting_id",
    "wallet_pattern",
    "addresses_in_pattern",
    "wallet_observable",
    "wallet_objects",
    "sighting_object",
]

WALLET_EXTENSION_ID = "extension-definition--be78509e-6958-51b1-8b26-d17ee0eba2d7"
WALLET_TYPE = "cryptocurrency-wallet"
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


def indicator_id(originator: str | None, address: str) -> str:
    """The id of ``originator``'s indicator of the canonical ``address`` (the same across its versions)."""
    return stable_id("indicator", f"wallet:{originator or '-'}:{address}")


def sighting_id(checker_identity: str, indicator: str) -> str:
    """The id of the sighting of indicator id ``indicator`` by the organisation ``checker_identity``."""
    return stable_id("sighting", f"{checker_identity}:{indicator}")


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
        "id": indicator_id(originator, wallet.address),
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
        "id": sighting_id(checker_identity, indicator["id"]),
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
