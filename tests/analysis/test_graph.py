"""The link graph: what it links on a hand-written world, its analyses, its exports, and that it never holds
anything derived from an object the viewer may not see (hypothesis, SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import networkx as nx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from stix2validator import ValidationOptions, validate_instance

from marsad.access import Viewer, can_see, object_facts
from marsad.analysis.graph import (
    centrality,
    communities,
    graph_json,
    link_graph,
    neighbours,
    place_id,
    shortest_path,
    wallet_id,
)
from marsad.analysis.graph_export import to_graphml, to_stix_bundle
from marsad.errors import InputError, NotFound
from marsad.exchange.indicators import sighting_object, wallet_objects
from marsad.exchange.wallets import parse_wallet
from marsad.model import make_incident
from marsad.model.actors import threat_actor_id
from marsad.model.ids import stable_id
from marsad.model.markings import TLP_MARKING_IDS, Tlp, releasability_marking
from marsad.model.organisations import Organisation, Registry
from marsad.store import collection_objects, open_store, stix_objects

ORG_A = "identity--0000000a-0000-4000-8000-000000000000"
ORG_B = "identity--0000000b-0000-4000-8000-000000000000"
ADDRESS = "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
STAMP = "2024-01-01T00:00:00.000Z"


def _org(key: str, name: str, gtd: str | None = None) -> Organisation:
    return Organisation(key=key, name=name, gtd_name=gtd, names={"en": name}, aliases={"ar": ("داعش",)} if key == "isil"
                        else {}, weak_aliases={}, parent=None, branch_countries=(), un_ref=None, un_list=None,
                        kind="armed-group", source="test")


REGISTRY = Registry([_org("isil", "Islamic State", "Islamic State of Iraq and the Levant (ISIL)"),
                     _org("shabaab", "Al-Shabaab", "Al-Shabaab")])
ISIL, SHABAAB = threat_actor_id("isil"), threat_actor_id("shabaab")


@pytest.fixture
def store(database_url):
    opened = open_store(database_url)
    yield opened
    opened.engine.dispose()


def _incident(n: int, occurred: str, country: str, perpetrator: str, tlp: str = "clear", **more) -> dict:
    return make_incident(f"i{n}", incident_id=stable_id("incident", f"test:{n}"), created=STAMP, occurred=occurred,
                         country=country, perpetrator=perpetrator, tlp=tlp, **more)


def _actor(name: str, types: list[str], tlp: str = "clear") -> dict:
    return {"type": "threat-actor", "spec_version": "2.1", "id": stable_id("threat-actor", f"test:{name}"),
            "created": STAMP, "modified": STAMP, "name": name, "threat_actor_types": types,
            "object_marking_refs": [TLP_MARKING_IDS[Tlp.parse(tlp)]]}


def _link(source: str, kind: str, target: str, tlp: str = "clear", **more) -> dict:
    return {"type": "relationship", "spec_version": "2.1", "id": stable_id("relationship", f"t:{source}:{kind}:{target}"),
            "created": STAMP, "modified": STAMP, "relationship_type": kind, "source_ref": source, "target_ref": target,
            "object_marking_refs": [TLP_MARKING_IDS[Tlp.parse(tlp)]], **more}


@pytest.fixture
def world(store):
    """Three ISIL incidents (one named in Arabic), two Shabaab incidents (one RED, ORG_B's), a crime syndicate
    that finances ISIL (visible) and one that supplies it (RED, ORG_B's), a wallet indicating ISIL and its
    sighting by ORG_A; all in one collection whose members the test viewers are."""
    collection = store.create_collection("graph", alias="graph").id
    isil_object = _actor("Islamic State", ["terrorist"])
    syndicate, hidden = _actor("Smuggling Ring", ["crime-syndicate"]), _actor("Hidden Cartel", ["crime-syndicate"], "red")
    hidden["created_by_ref"] = ORG_B
    wallet = wallet_objects(parse_wallet(ADDRESS), originator=ORG_A, tlp="clear", actor=isil_object,
                            now=datetime(2024, 2, 1, tzinfo=timezone.utc))
    indicator = next(o for o in wallet if o["type"] == "indicator")
    sighting = sighting_object(indicator, ORG_A, now=datetime(2024, 3, 1, tzinfo=timezone.utc))
    objects = [
        _incident(1, "2024-03-01", "IQ", "Islamic State of Iraq and the Levant (ISIL)", admin1="Nineveh", city="Mosul"),
        _incident(2, "2024-03-09", "IQ", "داعش", admin1="Nineveh", city="Mosul"),
        _incident(3, "2023-01-05", "SY", "Islamic State of Iraq and the Levant (ISIL)"),
        _incident(4, "2024-02-02", "SO", "Al-Shabaab"),
        _incident(5, "2024-02-03", "SO", "Al-Shabaab", tlp="red", created_by_ref=ORG_B),
        isil_object, syndicate, hidden, *wallet, *sighting,
        _link(syndicate["id"], "finances", isil_object["id"]),
        _link(hidden["id"], "supplies", isil_object["id"], tlp="red", created_by_ref=ORG_B),
    ]
    store.put_objects(objects, collection_id=collection)
    return {"collection": collection, "syndicate": syndicate["id"], "hidden": hidden["id"], "indicator": indicator["id"]}


def _viewer(identity=ORG_A, collection=None, **more) -> Viewer:
    reads = frozenset({collection}) if collection else frozenset()
    return Viewer("ali", org_id="a", identity_id=identity, country="JO", member_read=reads, **more)


def test_links_groups_places_wallets_and_crime(store, world):
    graph = link_graph(store, _viewer(collection=world["collection"]), registry=REGISTRY)
    assert graph.nodes[ISIL]["kind"] == "group" and graph.nodes[ISIL]["label"] == "Islamic State"
    isil_incidents = {a for a, _, k in graph.in_edges(ISIL, keys=True) if k == "attributed-to"}
    assert isil_incidents == {stable_id("incident", f"test:{n}") for n in (1, 2, 3)}  # "داعش" resolved too
    active = graph.edges[ISIL, place_id("IQ"), "active-in"]
    assert (active["weight"], active["first_seen"], active["last_seen"]) == (2, "2024-03-01", "2024-03-09")
    mosul = place_id("IQ", "Nineveh", "Mosul")
    assert graph.has_edge(mosul, place_id("IQ", "Nineveh"), "located-at")
    assert graph.edges[stable_id("incident", "test:1"), mosul, "located-at"]["weight"] == 1
    assert graph.nodes[world["syndicate"]]["kind"] == "crime"
    assert graph.has_edge(world["syndicate"], ISIL, "finances")  # the stored actor resolved to the registry group
    assert graph.has_edge(world["indicator"], wallet_id(ADDRESS), "based-on")
    assert graph.has_edge(world["indicator"], ISIL, "indicates")
    assert graph.edges[world["indicator"], ORG_A, "sighted-by"]["weight"] == 1
    # the RED incident, actor and link are ORG_B's: invisible to ORG_A's user, so no trace of them
    assert stable_id("incident", "test:5") not in graph and world["hidden"] not in graph
    assert graph.edges[SHABAAB, place_id("SO"), "active-in"]["weight"] == 1


def test_originator_sees_its_red_objects_and_clear_only_without_viewer(store, world):
    own = link_graph(store, _viewer(ORG_B, world["collection"]), registry=REGISTRY)
    assert stable_id("incident", "test:5") in own and own.has_edge(world["hidden"], ISIL, "supplies")
    assert own.edges[SHABAAB, place_id("SO"), "active-in"]["weight"] == 2
    anonymous = link_graph(store, None, registry=REGISTRY)
    assert stable_id("incident", "test:5") not in anonymous and ISIL in anonymous


def test_since_and_limit_choose_incidents(store, world):
    recent = link_graph(store, _viewer(collection=world["collection"]), since=date(2024, 3, 1), registry=REGISTRY)
    assert {n for n, d in recent.nodes(data=True) if d["kind"] == "incident"} == {
        stable_id("incident", "test:1"), stable_id("incident", "test:2")}
    latest = link_graph(store, _viewer(collection=world["collection"]), limit=1, registry=REGISTRY)
    assert [n for n, d in latest.nodes(data=True) if d["kind"] == "incident"] == [stable_id("incident", "test:2")]
    with pytest.raises(InputError):
        link_graph(store, _viewer(collection=world["collection"]), limit=0)


def test_neighbours_paths_communities_centrality(store, world):
    graph = link_graph(store, _viewer(collection=world["collection"]), registry=REGISTRY)
    near = neighbours(graph, ISIL)
    assert {n["id"] for n in near} >= {world["syndicate"], world["indicator"], place_id("IQ")}
    assert all(n["distance"] == 1 for n in near)
    assert {n["distance"] for n in neighbours(graph, ISIL, depth=2)} == {1, 2}
    path = shortest_path(graph, world["syndicate"], ORG_A)
    assert [p["id"] for p in path] == [world["syndicate"], ISIL, world["indicator"], ORG_A]
    assert shortest_path(graph, ISIL, SHABAAB) == []  # no shared place, wallet or link
    with pytest.raises(NotFound):
        neighbours(graph, stable_id("incident", "test:5"))
    found = communities(graph)
    assert found == communities(graph) and any(ISIL in c and SHABAAB not in c for c in found)
    top = centrality(graph, top=3)
    assert top[0]["id"] == ISIL and top == centrality(graph, top=3)
    assert [c["kind"] for c in centrality(graph, kinds=["place"])] == ["place"] * 5


def test_graphml_and_json_keep_every_node_and_edge(store, world):
    graph = link_graph(store, _viewer(collection=world["collection"]), registry=REGISTRY)
    import io
    back = nx.read_graphml(io.BytesIO(to_graphml(graph)))
    assert set(back.nodes) == set(graph.nodes) and back.number_of_edges() == graph.number_of_edges()
    assert back.nodes[ISIL]["kind"] == "group"
    plain = graph_json(graph)
    assert len(plain["nodes"]) == graph.number_of_nodes() and len(plain["edges"]) == graph.number_of_edges()


def test_stix_bundle_validates(store, world):
    graph = link_graph(store, _viewer(collection=world["collection"]), registry=REGISTRY)
    bundle = to_stix_bundle(graph)
    result = validate_instance(bundle, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]
    by_id = {o["id"]: o for o in bundle["objects"]}
    assert by_id[ISIL]["type"] == "threat-actor" and by_id[place_id("IQ", "Nineveh")]["administrative_area"] == "Nineveh"
    links = [o for o in bundle["objects"] if o["type"] == "relationship"]
    assert len(links) == graph.number_of_edges()
    active = next(o for o in links if o["source_ref"] == ISIL and o["relationship_type"] == "active-in"
                  and o["target_ref"] == place_id("IQ"))
    assert (active["start_time"], active["stop_time"]) == ("2024-03-01T00:00:00Z", "2024-03-10T00:00:00Z")
    assert to_stix_bundle(graph) == bundle


# --- property: nothing derived from what the viewer may not see ---------------------------------------------

MARKINGS = st.sampled_from(["clear", "green", "amber", "amber+strict", "red", None])
AUTHORS = st.sampled_from([None, ORG_A, ORG_B])
RELEASES = st.sampled_from([None, ("JO",), (ORG_A,), ("user:ali",), (ORG_B, "SA")])
GROUPS = ["Al-Shabaab", "Islamic State of Iraq and the Levant (ISIL)", "Other Front"]


def _marked(obj: dict, tlp, author, release) -> dict:
    refs = ([TLP_MARKING_IDS[Tlp.parse(tlp)]] if tlp else []) + ([releasability_marking(list(release))["id"]]
                                                                 if release else [])
    obj = {**obj, "object_marking_refs": refs} if refs else {k: v for k, v in obj.items() if k != "object_marking_refs"}
    if author:
        obj["created_by_ref"] = author
    return obj


@settings(max_examples=12, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(incidents=st.lists(st.tuples(MARKINGS, AUTHORS, RELEASES, st.sampled_from(GROUPS), st.sampled_from(["IQ", "SO"])),
                          min_size=1, max_size=8),
       links=st.lists(st.tuples(MARKINGS, AUTHORS, RELEASES, st.integers(0, 2), st.integers(0, 2)), max_size=5),
       actors=st.lists(st.tuples(MARKINGS, AUTHORS, RELEASES), min_size=3, max_size=3),
       member=st.booleans(), grant=st.sampled_from([None, "green", "amber", "red"]))
def test_graph_holds_only_what_the_viewer_may_see(store, incidents, links, actors, member, grant):
    collection = store.create_collection(f"c-{uuid.uuid4()}").id
    tag = uuid.uuid4().hex
    objects = [_marked(_incident(n, "2024-05-01", country, group), tlp, author, release) | {
        "id": stable_id("incident", f"{tag}:{n}")} for n, (tlp, author, release, group, country) in enumerate(incidents)]
    made = [_marked(_actor(f"Ring {tag} {n}", ["crime-syndicate"]), *facts) for n, facts in enumerate(actors)]
    objects += made
    objects += {(a, b): _marked(_link(made[a]["id"], "cooperates-with", made[b]["id"]), tlp, author, release)
                for tlp, author, release, a, b in links if a != b}.values()
    releases = {tuple(r) for row in [*incidents, *links, *actors] for r in [row[2]] if r}
    definitions = [releasability_marking(list(r)) for r in releases]
    store.put_objects([*{d["id"]: d for d in definitions}.values(), *objects], collection_id=collection)
    viewer = _viewer(collection=collection if member else None, grants={collection: grant} if grant else {})
    graph = link_graph(store, viewer, registry=REGISTRY)
    with store.engine.connect() as conn:  # every stored version (earlier examples' too) in all its collections
        homes: dict[int, set[str]] = {}
        for pk, cid in conn.execute(select(collection_objects.c.object_pk, collection_objects.c.collection_id)):
            homes.setdefault(pk, set()).add(cid)
        visible = {row.stix_id for row in conn.execute(select(stix_objects))
                   if can_see(viewer, object_facts(row), homes.get(row.pk, ()))}
    derived = [d["refs"] for _, d in graph.nodes(data=True)] + [d["refs"] for _, _, d in graph.edges(data=True)]
    assert all(refs and refs <= visible for refs in derived)
    stored_ids = {o["id"] for o in objects}
    assert not (set(graph.nodes) & (stored_ids - visible))  # no hidden object as a node either
    expected = {o["id"] for o in objects if o["type"] == "incident"} & visible
    assert expected <= set(graph.nodes)
