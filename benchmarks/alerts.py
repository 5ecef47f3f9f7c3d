"""Alert matching latency: one incident against 10,000 subscriptions, indexed and by brute force, and end to end.

Why: "alerts in seconds" means matching must not be the slow step. This script generates synthetic
subscriptions (most filtered by a country or region, some by group or attack type, a few unfiltered, with
casualty thresholds and keywords mixed in), times :class:`SubscriptionIndex` against checking every
subscription, then (``--end-to-end``) stores the subscriptions for 100 users in a SQLite file and times
:func:`record_alerts` for new incidents (matching, loading the subscribers' viewers, the sharing check,
rendering and recording). Prints figures, then ONE summary line of ``key=value`` pairs.

    python benchmarks/alerts.py --subscriptions 10000 --incidents 1000 --end-to-end
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

from marsad.access.accounts import create_organisation, create_user
from marsad.access.memberships import set_membership
from marsad.model.incident import incident_fields, make_incident
from marsad.monitor.alerts import AlertIncident, CompiledFilters, IncidentFacts, SubscriptionIndex, record_alerts
from marsad.monitor.subscriptions import Subscription, active_subscriptions
from marsad.store import Store, make_engine
from marsad.store.accounts import users, utcnow
from marsad.store.alerts import alert_subscriptions
from marsad.store.migrate import upgrade

__all__ = ["synthetic_filters", "synthetic_incident", "main"]

COUNTRIES = ["SA", "JO", "EG", "IQ", "SY", "LB", "YE", "LY", "TN", "DZ", "MA", "SO", "SD", "AE", "KW", "QA", "BH",
             "OM", "MR", "DJ", "KM", "PS"]
GROUPS = ["Islamic State of Iraq and the Levant (ISIL)", "Al-Shabaab", "Houthi extremists (Ansar Allah)",
          "Al-Qaida in the Arabian Peninsula (AQAP)", "Unknown"]
TYPES = ["Armed Assault", "Bombing/Explosion", "Assassination", "Hostage Taking (Kidnapping)",
         "Facility/Infrastructure Attack"]
WORDS = ["market", "mosque", "checkpoint", "pipeline", "convoy", "سوق", "مسجد", "حاجز"]


def synthetic_filters(rng: random.Random) -> dict:
    """One subscription's filters, shaped like what users ask for."""
    roll = rng.random()
    filters: dict = {}
    if roll < 0.7:
        filters["countries"] = rng.sample(COUNTRIES, rng.randint(1, 3))
    elif roll < 0.8:
        filters["regions"] = {"region": rng.sample(COUNTRIES, 5)}
    elif roll < 0.9:
        filters["groups"] = rng.sample(GROUPS, 1)
    elif roll < 0.97:
        filters["attack_types"] = rng.sample(TYPES, 2)
    if rng.random() < 0.3:
        filters["min_killed"] = rng.randint(1, 10)
    if rng.random() < 0.1:
        filters["keywords"] = rng.sample(WORDS, 1)
    return filters


def synthetic_incident(rng: random.Random) -> dict:
    """A STIX incident with random GTD fields."""
    return make_incident(f"Attack near a {rng.choice(WORDS)}", description=f"Reports of a {rng.choice(WORDS)}",
                         country=rng.choice(COUNTRIES), attack_types=[rng.choice(TYPES)],
                         perpetrator=rng.choice(GROUPS), killed=rng.randint(0, 12), wounded=rng.randint(0, 20),
                         occurred="2026-11-20")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def in_memory(n_subs: int, n_incidents: int, rng: random.Random) -> dict:
    subs = [Subscription(id=i, username=f"u{i % 100}", name=str(i), filters=synthetic_filters(rng))
            for i in range(n_subs)]
    started = time.perf_counter()
    index = SubscriptionIndex(subs)
    build_ms = (time.perf_counter() - started) * 1000
    incidents = [incident_fields(synthetic_incident(rng)) for _ in range(n_incidents)]
    compiled = [(s, CompiledFilters.of(s.filters)) for s in subs]
    indexed, brute, matched = [], [], []
    for fields in incidents:
        started = time.perf_counter()
        found = index.matching(fields)
        indexed.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        facts = IncidentFacts.of(fields)
        expected = [s for s, c in compiled if c.matches(facts)]
        brute.append((time.perf_counter() - started) * 1000)
        assert {s.id for s in found} == {s.id for s in expected}
        matched.append(len(found))
    print(f"index of {n_subs} subscriptions built in {build_ms:.1f} ms")
    print(f"indexed match: median {statistics.median(indexed):.3f} ms, p95 {_percentile(indexed, 0.95):.3f} ms; "
          f"brute force (same compiled filters, no index): median {statistics.median(brute):.2f} ms; matches per incident: "
          f"median {statistics.median(matched):.0f}")
    return {"subs": n_subs, "build_ms": round(build_ms, 1), "match_p50_ms": round(statistics.median(indexed), 3),
            "match_p95_ms": round(_percentile(indexed, 0.95), 3), "brute_p50_ms": round(statistics.median(brute), 2),
            "matches_p50": statistics.median(matched)}


def end_to_end(n_subs: int, rng: random.Random, folder: Path, rounds: int = 20) -> dict:
    engine = make_engine(f"sqlite:///{folder / 'alerts.db'}")
    upgrade(engine)
    identities = []
    for i in range(10):
        org = create_organisation(engine, f"Unit {i}", COUNTRIES[i])
        identities.append(org.identity_id)
        for j in range(10):
            create_user(engine, f"u{i * 10 + j}", f"Unit {i}", "analyst", None)
    collection = Store(engine).create_collection("Regional").id
    for i in range(10):
        set_membership(engine, collection, f"Unit {i}", read=True)
    with engine.begin() as conn:
        ids = conn.execute(select(users.c.id).order_by(users.c.id)).scalars().all()
        conn.execute(insert(alert_subscriptions), [dict(
            user_id=ids[k % len(ids)], name=f"s{k}", filters=synthetic_filters(rng), inapp=True, language="ar",
            active=True, created=utcnow()) for k in range(n_subs)])
    started = time.perf_counter()
    index = SubscriptionIndex(active_subscriptions(engine))
    load_ms = (time.perf_counter() - started) * 1000
    times, alerts = [], []
    for _ in range(rounds):
        event = AlertIncident.of(synthetic_incident(rng), tlp="green", collections=[collection])
        started = time.perf_counter()
        alerts.append(len(record_alerts(engine, event, index, base_url="https://marsad.example.org")))
        times.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    print(f"end to end (SQLite, {n_subs} stored subscriptions of 100 users): loading + indexing {load_ms:.0f} ms; "
          f"per incident median {statistics.median(times):.0f} ms, max {max(times):.0f} ms, "
          f"alerts recorded median {statistics.median(alerts):.0f}")
    return {"load_ms": round(load_ms), "e2e_p50_ms": round(statistics.median(times)), "e2e_max_ms": round(max(times)),
            "alerts_p50": statistics.median(alerts)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--incidents", type=int, default=1000)
    parser.add_argument("--end-to-end", action="store_true", help="also time record_alerts on a SQLite file")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    summary = in_memory(args.subscriptions, args.incidents, rng)
    if args.end_to_end:
        with tempfile.TemporaryDirectory() as folder:
            summary.update(end_to_end(args.subscriptions, rng, Path(folder)))
    print(" ".join(f"{key}={value}" for key, value in summary.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
