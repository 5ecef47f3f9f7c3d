"""Benchmark: the dashboard's pages with 100,000 incidents stored, for an administrator and a member-state user.

Loads N synthetic incidents through ``Store.put_objects`` (so the incident projection, search index and
sharing facts are built by the real write paths): 22 countries with positions near real cities, groups from
the organisations registry with a Zipf-like spread (ISIL most active), GTD attack types, 20 years of dates,
TLP clear 40 % / green 35 % / amber 15 % (a third released to Saudi Arabia only) / red 10 %. Then serves the real
app (``create_app``) in-process and times, per user, GET of:

  overview  /                                  (feed, monthly chart, top countries/groups/attack types)
  incident  /incidents/{id}                    (a random incident the user may see; brief, related, map)
  search    /search?q=...                      (full text over what the user may see, facets)
  org       /organisations/isil                (profile: totals, activity by country, bars, recent, links)
  markers   /web/map/incidents.geojson?zoom=3  (the whole region: clustered) and a city box at zoom 9

Usage:
  nice python benchmarks/web.py --n 100000 --url sqlite:////tmp/bench_web_100k.db [--repeat 20]
  nice python benchmarks/web.py --n 100000 --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_web
A database already holding N incidents is reused. Last line: ``web incidents=N overview_p95_ms=... ...``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from marsad.access.accounts import create_organisation, create_user, list_organisations
from marsad.access.memberships import set_membership
from marsad.config import load_settings
from marsad.model import make_incident
from marsad.model.markings import TLP_MARKING_IDS, Tlp, releasability_marking
from marsad.model.organisations import load_registry
from marsad.model.vocab import ATTACK_TYPES, WEAPON_TYPES
from marsad.store import open_store
from marsad.store.incidents import analyze_incident_facts, incident_facts
from marsad.web.app import create_app
from bench_db import ensure_database

PLACES = {"IQ": ("Baghdad", 33.31, 44.36), "SY": ("Aleppo", 36.2, 37.16), "YE": ("Aden", 12.79, 45.03),
          "LY": ("Tripoli", 32.89, 13.19), "EG": ("Arish", 31.13, 33.8), "SO": ("Mogadishu", 2.05, 45.32),
          "DZ": ("Algiers", 36.75, 3.06), "TN": ("Tunis", 36.8, 10.18), "MA": ("Rabat", 34.02, -6.84),
          "JO": ("Amman", 31.95, 35.93), "LB": ("Beirut", 33.89, 35.5), "SA": ("Riyadh", 24.71, 46.68),
          "SD": ("Khartoum", 15.5, 32.56), "MR": ("Nouakchott", 18.08, -15.98), "PS": ("Gaza", 31.5, 34.47),
          "KW": ("Kuwait City", 29.37, 47.98), "BH": ("Manama", 26.23, 50.59), "QA": ("Doha", 25.29, 51.53),
          "AE": ("Abu Dhabi", 24.45, 54.38), "OM": ("Muscat", 23.59, 58.41), "DJ": ("Djibouti", 11.59, 43.15),
          "KM": ("Moroni", -11.7, 43.26)}
TLPS = [("clear", 0.40), ("green", 0.35), ("amber", 0.15), ("red", 0.10)]
PASSWORD = "benchmark password 1"
WORDS = ["explosion", "attack", "checkpoint", "market", "convoy", "انفجار", "هجوم", "attaque", "سيارة مفخخة"]


def synthetic(n: int, seed: int = 11):
    """Yield lists of objects to store (incidents, plus the release marking they use), in batches of 5,000."""
    rng = random.Random(seed)
    groups = [o.gtd_name or o.name for o in load_registry().perpetrators()]
    groups.sort(key=lambda g: (g != "Islamic State of Iraq and the Levant (ISIL)", g))
    weights = [1 / (i + 1) for i in range(len(groups))]
    release = releasability_marking(["SA"])
    start, codes = date(2006, 1, 1), list(PLACES)
    batch = [release]
    for i in range(n):
        code = rng.choice(codes)
        city, lat, lon = PLACES[code]
        tlp = rng.choices([t for t, _ in TLPS], [w for _, w in TLPS])[0]
        obj = make_incident(
            f"{rng.choice(WORDS)} {city} {i}", description=f"{rng.choice(WORDS)} {rng.choice(WORDS)} near {city}",
            occurred=(start + timedelta(days=rng.randrange(20 * 365))).isoformat(), country=code, city=city,
            latitude=round(lat + rng.uniform(-0.3, 0.3), 4), longitude=round(lon + rng.uniform(-0.3, 0.3), 4),
            attack_types=[rng.choice(ATTACK_TYPES.names)], weapon_types=[rng.choice(WEAPON_TYPES.names)],
            killed=rng.choice([0, 0, 1, 2, 5]), wounded=rng.choice([0, 1, 3]),
            perpetrator=rng.choices(groups, weights)[0], incident_id=f"incident--{uuid.UUID(int=rng.getrandbits(128), version=4)}")
        refs = [TLP_MARKING_IDS[Tlp.parse(tlp)]]
        if tlp == "amber" and rng.random() < 1 / 3:
            refs.append(release["id"])
        batch.append({**obj, "object_marking_refs": refs})
        if len(batch) > 5000:
            yield batch
            batch = [release]
    if len(batch) > 1:
        yield batch



def prepare(url: str, n: int) -> tuple:
    """(store, seconds spent loading): accounts, collection and N incidents (reused when already there)."""
    store = open_store(url)
    aliases = {c.alias: c.id for c in store.list_collections()}
    collection = aliases.get("regional") or store.create_collection("Regional", alias="regional").id
    if not any(o.name == "SA unit" for o in list_organisations(store.engine)):
        for code in ("SA", "JO"):
            create_organisation(store.engine, f"{code} unit", code)
            set_membership(store.engine, "regional", f"{code} unit", read=True, write=True)
        create_organisation(store.engine, "Secretariat", "EG", secretariat=True)
        set_membership(store.engine, "regional", "Secretariat", read=True)
        create_user(store.engine, "admin", "Secretariat", "admin", PASSWORD, language="ar")
        create_user(store.engine, "member", "JO unit", "analyst", PASSWORD, language="ar")
    with store.engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(incident_facts)).scalar_one()
    began = time.perf_counter()
    if have < n:
        for number, batch in enumerate(synthetic(n)):
            store.put_objects(batch, collection_id=collection)
            print(f"loaded {(number + 1) * 5000}", file=sys.stderr, end="\r")
    with store.engine.begin() as conn:
        analyze_incident_facts(conn)
    if store.engine.dialect.name == "postgresql":  # what autovacuum does to a settled database: sets the
        # visibility map, without which PostgreSQL cannot answer a count from the covering indexes alone
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    return store, time.perf_counter() - began


def sign_in(app, username: str) -> TestClient:
    client = TestClient(app)
    form = client.get("/sign-in")
    token = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post("/sign-in", data={"username": username, "password": PASSWORD, "csrf_token": token},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text[:300]
    return client


def visible_ids(client: TestClient, count: int) -> list[str]:
    """Ids of incidents this user may see (from the markers of a city box: individual markers)."""
    found = client.get("/web/map/incidents.geojson?bbox=44.3,33.3,44.36,33.36&zoom=14&limit=2000").json()
    ids = [f["properties"]["id"] for f in found["features"] if f["properties"].get("id")]
    return random.Random(3).sample(ids, min(count, len(ids)))


def _p50_p95(runs: list[float]) -> tuple[float, float]:
    runs = sorted(runs)
    return statistics.median(runs), runs[min(len(runs) - 1, int(round(0.95 * (len(runs) - 1))))]


def timings(client: TestClient, path_of, repeat: int) -> tuple[float, float, float, float]:
    """(wall p50, wall p95, CPU p50, CPU p95) in ms. CPU is this process's (app and client run in it; on
    PostgreSQL the server's own CPU is not included): on a shared machine it moves far less than wall time."""
    walls, cpus = [], []
    for i in range(repeat + 1):
        path = path_of(i)
        began, began_cpu = time.perf_counter(), time.process_time()
        answer = client.get(path)
        elapsed, cpu = (time.perf_counter() - began) * 1000, (time.process_time() - began_cpu) * 1000
        if answer.status_code != 200:
            raise SystemExit(f"GET {path} answered {answer.status_code}: {answer.text[:300]}")
        if i:  # the first run warms caches
            walls.append(elapsed)
            cpus.append(cpu)
    return (*_p50_p95(walls), *_p50_p95(cpus))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--url", default="sqlite:////tmp/bench_web_100k.db")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    ensure_database(args.url)
    store, load_s = prepare(args.url, args.n)
    settings = load_settings(data_dir=Path(tempfile.mkdtemp()), secret_key="bench-" + "k" * 40,
                             database_url=args.url)
    app = create_app(settings, engine=store.engine)
    pages = {
        "overview": lambda i: "/",
        "incident": None,
        "search": lambda i: f"/search?q={WORDS[i % len(WORDS)]}",
        "org": lambda i: "/organisations/isil",
        "markers": lambda i: "/web/map/incidents.geojson?zoom=3",
        "markers_city": lambda i: "/web/map/incidents.geojson?bbox=44,33,45,34&zoom=9",
    }
    summary: dict[str, float] = {}
    print(f"backend={store.engine.dialect.name} incidents={args.n} load_s={load_s:.1f} "
          f"loadavg={' '.join(f'{x:.1f}' for x in os.getloadavg())}", file=sys.stderr)
    for user in ("admin", "member"):
        client = sign_in(app, user)
        ids = visible_ids(client, args.repeat + 1)
        for name, path_of in pages.items():
            path_of = path_of or (lambda i, ids=ids: f"/incidents/{ids[i % len(ids)]}")
            p50, p95, cpu50, cpu95 = timings(client, path_of, args.repeat)
            print(f"{user:7} {name:13} p50={p50:7.1f} ms  p95={p95:7.1f} ms  cpu p50={cpu50:7.1f} ms  "
                  f"cpu p95={cpu95:7.1f} ms", file=sys.stderr)
            for key, value in ((f"{name}_p95_ms", p95), (f"{name}_cpu_p95_ms", cpu95)):
                summary[key] = max(summary.get(key, 0.0), round(value, 1))
            summary[f"{user}_{name}_p50_ms"] = round(p50, 1)
        client.close()
    order = ["overview_p95_ms", "incident_p95_ms", "search_p95_ms", "markers_p95_ms", "org_p95_ms",
             "markers_city_p95_ms"]
    rest = {k: v for k, v in summary.items() if k not in order}
    print(f"web incidents={args.n} backend={store.engine.dialect.name} "
          + " ".join(f"{k}={summary[k]}" for k in order) + " " + " ".join(f"{k}={v}" for k, v in rest.items())
          + f" loadavg1={os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
