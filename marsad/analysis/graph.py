"""The link graph: who is linked to whom — groups, incidents, places, wallets and organised-crime ties.

Why a graph built per viewer: analysts ask "which groups act in the same places", "which wallets tie a group to
a crime syndicate", "who is central". The answer may only rest on what the asking user may see, so the graph is
built afresh for a viewer from two visible sources and nothing else:

* incidents from the projection (:mod:`marsad.store.incidents`) restricted by
  :func:`marsad.analysis.trends.visibility` (the access layer's ``visible_clause``): each incident is a node,
  linked to its group (``attributed-to``, the perpetrator name resolved to the organisations registry, so
  "ISIL" and "داعش" are one node) and to its most precise place (``located-at``; a city is located at its
  admin1, an admin1 at its country); a group is ``active-in`` each country it acted in;
* STIX objects read through :meth:`marsad.store.Store.query` with ``where=visible_clause(viewer)``:
  threat-actors and intrusion-sets (``threat_actor_types`` ``crime-syndicate`` → kind ``crime``), wallet
  indicators (their pattern names a ``cryptocurrency-wallet`` address: one wallet node per address, so two
  states' indicators of one address meet), wallet observables, sightings (indicator ``sighted-by`` the
  sighting organisation, weight = the sighting's count) and relationships between any two nodes already in
  the graph (``related-to``, ``cooperates-with``, ``finances``, ``supplies``, ``indicates`` …). A relationship
  whose other end the viewer cannot see is left out, so an edge never reveals a hidden object's id.

Every node and edge carries ``kind``, ``label``, ``tlp`` (the most restrictive marking it was derived from) and
``refs`` (ids of the visible objects it was derived from — what the property tests check); edges carry
``weight`` (incidents, or sightings) and ``first_seen``/``last_seen`` (ISO dates) and are keyed by kind, so
repeated links add up. Node ids are STIX ids (derived nodes get deterministic ones), ready for
:mod:`marsad.analysis.graph_export`. Analyses (neighbours, paths, communities, centrality) run on the undirected
view and are seeded, so the same graph gives the same answer.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

import networkx as nx
from networkx.algorithms import community as nx_community
from sqlalchemy import Engine, select

from marsad.access import Viewer, visible_clause
from marsad.analysis.trends import visibility
from marsad.errors import InputError, NotFound
from marsad.model.actors import threat_actor_id
from marsad.model.ids import stable_id
from marsad.model.markings import tlp_of_id
from marsad.model.organisations import Registry, load_registry
from marsad.store import Store
from marsad.store.incidents import incident_facts, on_facts
from marsad.text import fold

__all__ = [
    "NODE_KINDS",
    "link_graph",
    "add_edge",
    "place_id",
    "wallet_id",
    "neighbours",
    "shortest_path",
    "communities",
    "centrality",
    "graph_json",
]

NODE_KINDS = ("group", "crime", "incident", "place", "indicator", "wallet", "organisation")
_RANK = {"clear": 0, "green": 1, None: 2, "amber": 2, "amber+strict": 3, "red": 4}
#: a wallet address in an indicator pattern (``address``, or ``value`` in the extension's older version)
_WALLET = re.compile(r"cryptocurrency-wallet:(?:address|value)\s*=\s*'((?:[^'\\]|\\.)*)'")
_GROUP_TYPES = ("threat-actor", "intrusion-set")
_PAGE = 1000


def _stricter(a: str | None, b: str | None) -> str | None:
    return a if _RANK.get(a, 2) >= _RANK.get(b, 2) else b


def _add_node(graph: nx.MultiDiGraph, node_id: str, kind: str, label: str, tlp: str | None, ref: str,
              **extra: Any) -> None:
    data = graph._node.get(node_id)  # the node's attribute dict, without building a view (hot path)
    if data is not None:
        data["refs"].add(ref)
        data["tlp"] = _stricter(data["tlp"], tlp)
        if kind == "crime":  # a stored actor's own type wins over "group" derived from a name
            data["kind"] = kind
        return
    graph.add_node(node_id, kind=kind, label=label, tlp=tlp, refs={ref}, **extra)


def add_edge(graph: nx.MultiDiGraph, source: str, target: str, kind: str, *, ref: str, tlp: str | None,
             seen: str | None = None, weight: int = 1, last: str | None = None) -> None:
    """Add (or add up) the ``kind`` edge source → target derived from the visible object ``ref``."""
    data = graph._succ.get(source, {}).get(target, {}).get(kind)  # the edge's attribute dict (hot path)
    if data is not None:
        data["weight"] += weight
        data["refs"].add(ref)
        data["tlp"] = _stricter(data["tlp"], tlp)
    else:
        graph.add_edge(source, target, key=kind, kind=kind, weight=weight, refs={ref}, tlp=tlp, first_seen=None,
                       last_seen=None)
        data = graph._succ[source][target][kind]
    for when in (seen, last or seen):
        if when:
            if data["first_seen"] is None or when < data["first_seen"]:
                data["first_seen"] = when
            if data["last_seen"] is None or when > data["last_seen"]:
                data["last_seen"] = when


@functools.lru_cache(maxsize=65536)
def place_id(country: str, admin1: str | None = None, city: str | None = None) -> str:
    """The deterministic STIX location id of a place (country, or admin1 / city within it)."""
    return stable_id("location", f"place:{country}|{fold(admin1 or '')}|{fold(city or '')}")


def wallet_id(address: str) -> str:
    """The node id of a wallet address (one node per address, whoever flagged it)."""
    return stable_id("cryptocurrency-wallet", f"address:{address}")


class _Groups:
    """Perpetrator names and actor objects → one group node id (the registry's threat-actor id when known)."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self._cache: dict[str, tuple[str, str] | None] = {}

    def resolve(self, name: str | None) -> tuple[str, str] | None:
        if not name or not str(name).strip():
            return None
        if name not in self._cache:
            folded = fold(name)
            if folded in ("unknown", "غير معروف", "inconnu"):
                self._cache[name] = None
            else:
                org = self.registry.by_gtd_name(name) or next(iter(self.registry.find(name)), None)
                self._cache[name] = (threat_actor_id(org.key), org.name) if org else (threat_actor_id(name), name)
        return self._cache[name]


def _incident_rows(conn, viewer: Viewer | None, since: date | None, limit: int | None):
    facts = incident_facts.c
    stmt = select(facts.stix_id, facts.occurred, facts.country, facts.admin1, facts.city, facts.perpetrator,
                  facts.tlp).where(on_facts(visibility(viewer)))
    if since is not None:
        stmt = stmt.where(facts.occurred >= since)
    if limit is not None:
        stmt = stmt.order_by(facts.occurred.desc(), facts.stix_id).limit(limit)
    return conn.execute(stmt).all()


def _add_place(graph, row, ref: str, tlp: str | None) -> str | None:
    if not row.country:
        return None
    chain = [(place_id(row.country), row.country, "country")]
    if row.admin1:
        chain.append((place_id(row.country, row.admin1), row.admin1, "admin1"))
    if row.city:
        chain.append((place_id(row.country, row.admin1, row.city), row.city, "city"))
    for node, label, level in chain:
        _add_node(graph, node, "place", label, tlp, ref, level=level, country=row.country)
    for (inner, _, _), (outer, _, _) in zip(chain[1:], chain):
        add_edge(graph, inner, outer, "located-at", ref=ref, tlp=tlp)
    return chain[-1][0]


def _add_incidents(graph, conn, viewer, groups: _Groups, since, limit) -> None:
    for row in _incident_rows(conn, viewer, since, limit):
        ref, seen = row.stix_id, row.occurred.isoformat() if row.occurred else None
        _add_node(graph, ref, "incident", ref, row.tlp, ref, occurred=seen)
        place = _add_place(graph, row, ref, row.tlp)
        if place is not None:
            add_edge(graph, ref, place, "located-at", ref=ref, tlp=row.tlp, seen=seen)
        group = groups.resolve(row.perpetrator)
        if group is not None:
            _add_node(graph, group[0], "group", group[1], row.tlp, ref)
            add_edge(graph, ref, group[0], "attributed-to", ref=ref, tlp=row.tlp, seen=seen)
            if row.country:
                add_edge(graph, group[0], place_id(row.country), "active-in", ref=ref, tlp=row.tlp, seen=seen)


def _visible(store: Store, viewer: Viewer | None, types: list[str]) -> Iterator[tuple[dict, str | None]]:
    """(object, tlp) of the last visible version of every object of ``types`` (TLP:CLEAR only without viewer)."""
    where = visible_clause(viewer) if viewer is not None else visibility(None)
    cursor = None
    while True:
        page = store.query(types=types, limit=_PAGE, cursor=cursor, where=where)
        for item in page.objects:
            yield item.object, _tlp_of(item.object)
        if not page.more:
            return
        cursor = page.next


def _tlp_of(obj: Mapping[str, Any]) -> str | None:
    found = [level.value for level in map(tlp_of_id, obj.get("object_marking_refs") or ()) if level is not None]
    return max(found, key=lambda t: _RANK.get(t, 2)) if found else None


def _add_objects(graph, store: Store, viewer, groups: _Groups) -> None:
    """Actors, wallet indicators, observables, sightings, identities and relationships the viewer may see.

    Stored actors become nodes only when a visible link reaches them (``marsad init`` stores the whole
    organisations registry: hundreds of actors linked to nothing)."""
    alias: dict[str, str] = {}
    actors: dict[str, tuple] = {}
    for obj, tlp in _visible(store, viewer, [*_GROUP_TYPES]):
        crime = "crime-syndicate" in (obj.get("threat_actor_types") or ())
        resolved = groups.resolve(obj.get("name")) if not crime else None
        node = resolved[0] if resolved else obj["id"]
        alias[obj["id"]] = node
        label = resolved[1] if resolved else obj.get("name") or node
        actors[node] = (node, "crime" if crime else "group", label, tlp, obj["id"],
                        {"object": obj} if node == obj["id"] else {})
    for obj, tlp in _visible(store, viewer, ["cryptocurrency-wallet"]):
        address = obj.get("address") or obj.get("value")
        if address:
            alias[obj["id"]] = wallet_id(address)
    for obj, tlp in _visible(store, viewer, ["indicator"]):
        addresses = [m.group(1) for m in _WALLET.finditer(obj.get("pattern") or "")]
        if not addresses:
            continue
        _add_node(graph, obj["id"], "indicator", obj.get("name") or obj["id"], tlp, obj["id"], object=obj)
        for address in addresses:
            _add_node(graph, wallet_id(address), "wallet", address, tlp, obj["id"], address=address)
            add_edge(graph, obj["id"], wallet_id(address), "based-on", ref=obj["id"], tlp=tlp,
                     seen=str(obj.get("valid_from") or "")[:10] or None)
    _add_sightings(graph, store, viewer)
    _add_relationships(graph, store, viewer, alias, actors)


def _add_sightings(graph, store: Store, viewer) -> None:
    names = {obj["id"]: obj.get("name") or obj["id"] for obj, _ in _visible(store, viewer, ["identity"])}
    for obj, tlp in _visible(store, viewer, ["sighting"]):
        indicator = obj.get("sighting_of_ref")
        if indicator not in graph:
            continue
        for where in obj.get("where_sighted_refs") or ():
            _add_node(graph, where, "organisation", names.get(where, where), tlp, obj["id"])
            add_edge(graph, indicator, where, "sighted-by", ref=obj["id"], tlp=tlp, weight=int(obj.get("count") or 1),
                     seen=str(obj.get("first_seen") or "")[:10] or None, last=str(obj.get("last_seen") or "")[:10] or None)


def _add_relationships(graph, store: Store, viewer, alias: Mapping[str, str], actors: Mapping[str, tuple]) -> None:
    def present(node: str | None) -> bool:
        if node in graph:
            return True
        if node in actors:
            node_id, kind, label, tlp, ref, extra = actors[node]
            _add_node(graph, node_id, kind, label, tlp, ref, **extra)
            return True
        return False

    for obj, tlp in _visible(store, viewer, ["relationship"]):
        source = alias.get(obj.get("source_ref"), obj.get("source_ref"))
        target = alias.get(obj.get("target_ref"), obj.get("target_ref"))
        if source == target or not (source in graph or source in actors) or not (target in graph or target in actors):
            continue
        present(source), present(target)
        kind = str(obj.get("relationship_type") or "related-to")
        add_edge(graph, source, target, kind, ref=obj["id"], tlp=tlp,
                 seen=str(obj.get("start_time") or obj.get("created") or "")[:10] or None,
                 last=str(obj.get("stop_time") or obj.get("modified") or "")[:10] or None)
        graph.edges[source, target, kind].setdefault("object", obj)


def link_graph(db: Store | Engine, viewer: Viewer | None, *, since: date | None = None, limit: int | None = None,
               registry: Registry | None = None) -> nx.MultiDiGraph:
    """The link graph of everything ``viewer`` may see (TLP:CLEAR only when None); ``since`` keeps incidents that
    occurred on or after that day, ``limit`` the most recent ``limit`` incidents (STIX link objects are few and
    always read whole)."""
    if limit is not None and limit < 1:
        raise InputError(f"limit must be a positive whole number, not {limit!r}")
    store = db if isinstance(db, Store) else Store(db)
    groups = _Groups(registry if registry is not None else load_registry())
    graph = nx.MultiDiGraph(viewer=viewer.username if viewer else None, since=since.isoformat() if since else None)
    with store.engine.connect() as conn:
        _add_incidents(graph, conn, viewer, groups, since, limit)
    _add_objects(graph, store, viewer, groups)
    return graph


# --- analyses ------------------------------------------------------------------------------------------------

def _node(graph: nx.MultiDiGraph, node_id: str) -> dict:
    if node_id not in graph:
        raise NotFound(f"no node {node_id!r} in the graph (unknown, or not visible to you)")
    data = graph.nodes[node_id]
    return {"id": node_id, "kind": data["kind"], "label": data["label"]}


def _simple(graph: nx.MultiDiGraph) -> nx.Graph:
    """The undirected view with parallel edges merged (weights summed)."""
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    for a, b, weight in graph.edges(data="weight", default=1):
        if simple.has_edge(a, b):
            simple[a][b]["weight"] += weight
        else:
            simple.add_edge(a, b, weight=weight)
    return simple


def neighbours(graph: nx.MultiDiGraph, node_id: str, depth: int = 1) -> list[dict]:
    """Nodes within ``depth`` links of ``node_id`` (either direction), nearest first, with their distance."""
    _node(graph, node_id)
    if depth < 1:
        raise InputError("depth must be at least 1")
    reach = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), node_id, cutoff=depth)
    found = [{**_node(graph, n), "distance": d} for n, d in reach.items() if n != node_id]
    return sorted(found, key=lambda item: (item["distance"], item["kind"], str(item["label"]), item["id"]))


def shortest_path(graph: nx.MultiDiGraph, a: str, b: str) -> list[dict]:
    """The nodes of a shortest path from ``a`` to ``b`` over links in either direction ([] when unconnected)."""
    _node(graph, a), _node(graph, b)
    try:
        path = nx.shortest_path(graph.to_undirected(as_view=True), a, b)
    except nx.NetworkXNoPath:
        return []
    return [_node(graph, n) for n in path]


def communities(graph: nx.MultiDiGraph, *, seed: int = 0, min_size: int = 2) -> list[list[str]]:
    """Louvain communities of the weighted undirected view (seeded), largest first, each sorted."""
    if graph.number_of_nodes() == 0:
        return []
    found = nx_community.louvain_communities(_simple(graph), weight="weight", seed=seed)
    groups = [sorted(c) for c in found if len(c) >= min_size]
    return sorted(groups, key=lambda c: (-len(c), c[0]))


def _entity_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """The undirected view without incident nodes, each incident replaced by links between its neighbours (its
    group and place): the same connections between entities, on a few hundred nodes instead of thousands."""
    simple = nx.Graph()
    simple.add_nodes_from(n for n, kind in graph.nodes(data="kind") if kind != "incident")
    def link(a, b, weight):
        if simple.has_edge(a, b):
            simple[a][b]["weight"] += weight
        else:
            simple.add_edge(a, b, weight=weight)
    for a, b, weight in graph.edges(data="weight", default=1):
        if a in simple and b in simple and a != b:
            link(a, b, weight)
    for node, kind in graph.nodes(data="kind"):
        if kind == "incident":
            around = sorted({*graph.successors(node), *graph.predecessors(node)} - {node})
            for i, a in enumerate(around):
                for b in around[i + 1:]:
                    if a in simple and b in simple:
                        link(a, b, 1)
    return simple


def centrality(graph: nx.MultiDiGraph, top: int = 20, *, kinds: Iterable[str] | None = None, seed: int = 0,
               samples: int = 64) -> list[dict]:
    """The ``top`` nodes (of ``kinds``, default every kind but incidents) by betweenness, with their degree
    centrality. Without incidents asked for it is computed on the entity graph (incidents folded into links
    between their group and place, see :func:`_entity_graph`); betweenness is exact up to ``samples`` nodes,
    approximated from ``samples`` seeded sources beyond."""
    wanted = set(kinds) if kinds is not None else set(NODE_KINDS) - {"incident"}
    simple = _simple(graph) if "incident" in wanted else _entity_graph(graph)
    if simple.number_of_nodes() == 0:
        return []
    k = samples if samples < simple.number_of_nodes() else None
    between = nx.betweenness_centrality(simple, k=k, seed=seed)
    degree = nx.degree_centrality(simple)
    ranked = sorted((n for n in simple if graph.nodes[n]["kind"] in wanted), key=lambda n: (-between[n], -degree[n], n))
    return [{**_node(graph, n), "betweenness": round(between[n], 6), "degree": round(degree[n], 6)}
            for n in ranked[:top]]


def graph_json(graph: nx.MultiDiGraph) -> dict:
    """The graph as plain JSON (nodes and edges with their attributes; sets as sorted lists, no STIX bodies)."""
    def plain(data: Mapping[str, Any]) -> dict:
        return {k: sorted(v) if isinstance(v, set) else v for k, v in data.items() if k != "object"}
    return {"viewer": graph.graph.get("viewer"), "since": graph.graph.get("since"),
            "nodes": [{"id": n, **plain(d)} for n, d in graph.nodes(data=True)],
            "edges": [{"source": a, "target": b, **plain(d)} for a, b, d in graph.edges(data=True)]}
