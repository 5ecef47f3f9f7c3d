"""The link graph as files other tools read: GraphML (Gephi, yEd, Cytoscape) and a STIX 2.1 bundle.

Why two: analysts lay a graph out in a graph tool (GraphML keeps every node and edge attribute as a plain
value), and peers exchange it as STIX (nodes as their objects, links as ``relationship`` objects).

STIX choices: nodes read from stored objects (actors, wallet indicators) are exported as the visible version
the graph was built from; derived nodes get deterministic objects — a group as a ``threat-actor``, a place as a
``location`` (country, ``administrative_area``, ``city``), a wallet as the ``cryptocurrency-wallet`` observable
of the extension Marsad uses — created at the reference timestamp so exporting twice gives the same objects.
Incidents and organisations are exported by id only (the receiver has them, or may not see them: their full
objects are not re-shared by a graph export). A link is a ``relationship`` of its kind with ``start_time`` /
``stop_time`` the first day seen and the day after the last, its weight in ``description``. Every generated
object carries the TLP marking of the most restrictive object it was derived from (unmarked → TLP:AMBER,
the policy's reading of a missing TLP), so the export never travels wider than its sources.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import networkx as nx

from marsad.model.ids import REFERENCE_TIMESTAMP, stable_id
from marsad.model.markings import TLP_MARKING_IDS, Tlp

__all__ = ["WALLET_EXTENSION_ID", "to_graphml", "to_stix_bundle"]

#: the cryptocurrency-wallet SCO extension (see ``marsad.exchange.indicators``; same id, not imported: layers)
WALLET_EXTENSION_ID = "extension-definition--be78509e-6958-51b1-8b26-d17ee0eba2d7"
_BY_ID = ("incident", "organisation")


def _plain(value: Any) -> Any:
    if isinstance(value, (set, frozenset, list, tuple)):
        return " ".join(sorted(map(str, value)))
    if value is None or isinstance(value, (str, int, float, bool)):
        return "" if value is None else value
    return str(value)


def to_graphml(graph: nx.MultiDiGraph) -> bytes:
    """The graph as GraphML (UTF-8): attributes as plain values (sets space-separated, STIX bodies left out)."""
    flat = nx.MultiDiGraph()
    flat.add_nodes_from((n, {k: _plain(v) for k, v in d.items() if k != "object"}) for n, d in graph.nodes(data=True))
    flat.add_edges_from((a, b, key, {k: _plain(v) for k, v in d.items() if k != "object"})
                        for a, b, key, d in graph.edges(keys=True, data=True))
    out = io.BytesIO()
    nx.write_graphml(flat, out, encoding="utf-8")
    return out.getvalue()


def _marking(tlp: str | None) -> list[str]:
    return [TLP_MARKING_IDS[Tlp.parse(tlp or "amber")]]


def _common(kind: str, node_id: str, tlp: str | None) -> dict:
    return {"type": kind, "spec_version": "2.1", "id": node_id, "created": REFERENCE_TIMESTAMP,
            "modified": REFERENCE_TIMESTAMP, "object_marking_refs": _marking(tlp)}


def _node_object(node_id: str, data: dict) -> dict | None:
    if "object" in data:
        return data["object"]
    kind = data["kind"]
    if kind in ("group", "crime"):
        types = ["crime-syndicate"] if kind == "crime" else ["terrorist"]
        return {**_common("threat-actor", node_id, data["tlp"]), "name": str(data["label"]), "threat_actor_types": types}
    if kind == "place":
        place = {**_common("location", node_id, data["tlp"]), "name": str(data["label"]), "country": data["country"]}
        if data.get("level") == "admin1":
            place["administrative_area"] = str(data["label"])
        elif data.get("level") == "city":
            place["city"] = str(data["label"])
        return place
    if kind == "wallet":
        obj = {"type": "cryptocurrency-wallet", "spec_version": "2.1", "id": node_id, "address": data["address"],
               "object_marking_refs": _marking(data["tlp"]), "extensions": {WALLET_EXTENSION_ID: {"extension_type": "new-sco"}}}
        return obj
    return None  # incidents and organisations: by id only (see module doc)


def _times(data: dict) -> dict:
    if not data.get("first_seen"):
        return {}
    first = date.fromisoformat(data["first_seen"][:10])
    last = date.fromisoformat((data.get("last_seen") or data["first_seen"])[:10])
    return {"start_time": f"{first.isoformat()}T00:00:00Z",
            "stop_time": f"{(max(first, last) + timedelta(days=1)).isoformat()}T00:00:00Z"}


def _edge_object(source: str, target: str, data: dict) -> dict:
    stored = data.get("object")
    if stored is not None and data["weight"] == 1 and (stored["source_ref"], stored["target_ref"]) == (source, target):
        return stored
    kind = data["kind"]
    return {**_common("relationship", stable_id("relationship", f"graph:{source}:{kind}:{target}"), data["tlp"]),
            "relationship_type": kind, "source_ref": source, "target_ref": target,
            "description": f"{data['weight']} linking record(s) seen by Marsad", **_times(data)}


def to_stix_bundle(graph: nx.MultiDiGraph) -> dict:
    """The graph as a STIX 2.1 bundle: node objects (see module doc) then one relationship per edge."""
    objects: dict[str, dict] = {}
    for node_id, data in graph.nodes(data=True):
        obj = _node_object(node_id, data)
        if obj is not None:
            objects.setdefault(obj["id"], obj)
    for source, target, data in graph.edges(data=True):
        obj = _edge_object(source, target, data)
        objects.setdefault(obj["id"], obj)
    return {"type": "bundle", "id": stable_id("bundle", f"graph:{sorted(objects)}"), "objects": list(objects.values())}
