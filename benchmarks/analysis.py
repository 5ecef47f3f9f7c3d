"""Benchmark: a dashboard's worth of trend queries over 100k / 1M synthetic incidents, SQLite and PostgreSQL.

Loads N synthetic incidents (22 countries, 300 groups with a Zipf-like spread, GTD attack types, 20 years of
dates, TLP clear/green/amber/red) through ``Store.put_objects`` (so the projection is built by the real write
path), then times, for a viewer-less caller (TLP:CLEAR only) and for a member organisation's viewer (the full
sharing policy in SQL):

  dashboard = latest_period + trend_report (this month / previous / same month last year) by country, by attack
              type and by group + the monthly total series of the last 24 months
  group5y   = counts by group and year over the last 5 years (a heavier, report-style query)
  warnings  = early_warnings (country, group, attack type, theme; monthly)
  graph90   = link_graph for the member over the last 90 days (``graph_nodes``/``graph_edges``), then
              neighbours (depth 2) of its busiest group and centrality (top 20)

Each figure is the median wall time of 3 runs; ``*_cpu_ms`` is this process's CPU time for the same runs (on
SQLite the queries run in-process, so it is the work done, whatever else the machine is doing: ``loadavg`` is
the 1-minute load average when the timings started).

Usage:
  nice python benchmarks/analysis.py --n 100000 --url sqlite:////tmp/bench_analysis_100k.db
  nice python benchmarks/analysis.py --n 100000 --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_analysis
A database already holding N incidents is reused (use a fresh file/database per N). Last line: key=value summary.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import date, timedelta

from sqlalchemy import func, select

from marsad.access import Viewer
from marsad.analysis.graph import centrality, link_graph, neighbours
from marsad.analysis.trends import counts, latest_period, trend_report, visibility
from marsad.analysis.warnings import early_warnings
from marsad.model import make_incident
from marsad.model.markings import TLP_MARKING_IDS, Tlp
from marsad.model.vocab import ATTACK_TYPES, THEMES, WEAPON_TYPES
from marsad.store import open_store
from marsad.store.incidents import analyze_incident_facts, incident_facts
from bench_db import ensure_database

COUNTRIES = ["IQ", "SY", "YE", "LY", "EG", "SO", "DZ", "TN", "MA", "JO", "LB", "SA", "SD", "MR", "PS", "KW",
             "BH", "QA", "AE", "OM", "DJ", "KM"]
TLPS = [("clear", 0.4), ("green", 0.4), ("amber", 0.15), ("red", 0.05)]
ORG_IDENTITY = "identity--00000000-0000-4000-8000-00000000b001"


def _template() -> dict:
    return make_incident("template", occurred="2020-01-01", country="IQ", attack_types=["Armed Assault"],
                         created="2026-01-01T00:00:00.000Z")


def synthetic(n: int, seed: int = 7):
    """Yield n incident dicts (built from one validated template, for speed)."""
    rng = random.Random(seed)
    base = _template()
    ext_id = next(k for k in base["extensions"] if k.startswith("extension-definition--1097"))
    groups = [f"Group {i}" for i in range(300)]
    weights = [1 / (i + 1) for i in range(300)]
    start = date(2006, 1, 1)
    attack, weapons, themes = ATTACK_TYPES.names, WEAPON_TYPES.names, THEMES.names
    for i in range(n):
        day = start + timedelta(days=rng.randrange(20 * 365))
        tlp = rng.choices([t for t, _ in TLPS], [w for _, w in TLPS])[0]
        ext = {"extension_type": "property-extension", "occurred": day.isoformat(), "occurred_precision": "day",
               "country": rng.choice(COUNTRIES), "attack_types": [rng.choice(attack)],
               "weapon_types": [rng.choice(weapons)], "killed": rng.choice([0, 0, 0, 1, 2, 5]),
               "wounded": rng.choice([0, 0, 1, 3]), "perpetrator": rng.choices(groups, weights)[0]}
        if rng.random() < 0.1:
            ext["themes"] = [rng.choice(themes)]
        obj = {**base, "id": f"incident--{uuid.UUID(int=rng.getrandbits(128), version=4)}", "name": f"incident {i}",
               "extensions": {**base["extensions"], ext_id: ext},
               "object_marking_refs": [TLP_MARKING_IDS[Tlp.parse(tlp)]]}
        if tlp == "red":
            obj["created_by_ref"] = ORG_IDENTITY if rng.random() < 0.5 else None
            if obj["created_by_ref"] is None:
                del obj["created_by_ref"]
        yield obj



def _settle_and_analyse(store) -> None:
    """Statistics (and sharing audiences) after a load; on PostgreSQL also VACUUM, so the visibility map lets
    counts read the covering indexes alone (autovacuum would do it later on a live hub)."""
    with store.engine.begin() as conn:
        analyze_incident_facts(conn)
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE incident_facts, incident_terms")


def load(store, n: int, collection: str) -> float:
    with store.engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(incident_facts)).scalar_one()
    if have >= n:
        print(f"reusing {have} incidents already loaded", file=sys.stderr)
        _settle_and_analyse(store)
        return 0.0
    began, batch = time.perf_counter(), []
    for obj in synthetic(n):
        batch.append(obj)
        if len(batch) == 5000:
            store.put_objects(batch, collection_id=collection)
            batch.clear()
    if batch:
        store.put_objects(batch, collection_id=collection)
    _settle_and_analyse(store)
    return time.perf_counter() - began


def dashboard(conn, where) -> None:
    last = latest_period(conn, "month", where=where)
    for by in ("country", "attack_type", "group"):
        trend_report(conn, by, "month", where=where, at=last)
    counts(conn, None, "month", where=where, start=last - timedelta(days=730))


CPU: dict[str, float] = {}


def timed(fn, repeat: int = 3, label: str | None = None) -> float:
    runs, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()
        runs.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    if label:
        CPU[label] = round(statistics.median(cpu) * 1000, 1)
    return statistics.median(runs) * 1000


def graph_figures(store, viewer) -> dict:
    """Build the member's graph of the last 90 days, then ask it two questions."""
    with store.engine.connect() as conn:
        last = conn.execute(select(func.max(incident_facts.c.day))).scalar()
    since, built = last - timedelta(days=90), {}
    figures = {"graph90_member_ms": round(timed(lambda: built.update(g=link_graph(store, viewer, since=since)),
                                                label="graph90_member"), 1)}
    graph = built["g"]
    busiest = max((n for n, kind in graph.nodes(data="kind") if kind == "group"), key=graph.degree)
    figures["neighbours_ms"] = round(timed(lambda: neighbours(graph, busiest, depth=2)), 1)
    figures["centrality_ms"] = round(timed(lambda: centrality(graph, top=20)), 1)
    figures.update(graph_nodes=graph.number_of_nodes(), graph_edges=graph.number_of_edges())
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--url", default="sqlite:////tmp/bench_analysis_100k.db")
    args = parser.parse_args()
    ensure_database(args.url)
    store = open_store(args.url)
    names = {c.alias: c.id for c in store.list_collections()}
    collection = names.get("bench") or store.create_collection("bench", alias="bench").id
    load_s = load(store, args.n, collection)
    viewer = Viewer("bench", org_id="org-b", identity_id=ORG_IDENTITY, country="JO",
                    member_read=frozenset({collection}))
    backend = store.engine.dialect.name
    figures = {"backend": backend, "n": args.n, "load_s": round(load_s, 1), "loadavg": round(os.getloadavg()[0], 1)}
    with store.engine.connect() as conn:
        for label, where in (("clear", visibility(None)), ("member", visibility(viewer))):
            figures[f"dashboard_{label}_ms"] = round(timed(lambda: dashboard(conn, where), label=label), 1)
            figures[f"dashboard_{label}_cpu_ms"] = CPU[label]
            five_years = date(latest_period(conn, "year", where=where).year - 4, 1, 1)
            figures[f"group5y_{label}_ms"] = round(timed(lambda: counts(
                conn, "group", "year", where=where, start=five_years)), 1)
            figures[f"warnings_{label}_ms"] = round(timed(lambda: early_warnings(conn, where=where), repeat=1), 1)
            print(f"{label}: dashboard {figures[f'dashboard_{label}_ms']} ms, "
                  f"warnings {figures[f'warnings_{label}_ms']} ms", file=sys.stderr)
    figures.update(graph_figures(store, viewer))
    figures["graph90_member_cpu_ms"] = CPU["graph90_member"]
    print(f"graph: {figures['graph_nodes']} nodes, {figures['graph_edges']} links in {figures['graph90_member_ms']} ms",
          file=sys.stderr)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
