"""What the access layer costs per request: credential checks, building the policy clause, policy-filtered reads
and audit appends.

Run: ``/work/venv/bin/python benchmarks/access.py [n] [database_url]``. A fresh database (default: a temporary
SQLite file; give a PostgreSQL URL to measure there — its tables are dropped and re-created) gets n stored object
versions (default 20,000) with random TLP levels, release lists and collections, 20 organisations, one user each.
The last line is one summary of key=value pairs.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, text

from marsad.access import accounts, memberships
from marsad.access.audit import record_read
from marsad.access.auth import authenticate_basic, authenticate_key
from marsad.access.context import load_viewer
from marsad.access.policy import visible_clause
from marsad.store import Store, make_engine
from marsad.store.collections import collection_objects
from marsad.store.migrate import upgrade
from marsad.store.objects import object_releases, stix_objects

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
PASSWORD = "benchmark password"
TLPS = [None, "clear", "green", "amber", "amber+strict", "red"]


def _timed(fn, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def setup(engine, n: int):
    store = Store(engine)
    orgs = [accounts.create_organisation(engine, f"Org {i}", random.choice(["SA", "EG", "MA", "JO", "IQ"]))
            for i in range(20)]
    accounts.create_user(engine, "u0", orgs[0].name, "analyst", PASSWORD)
    cols = [store.create_collection(f"C{i}").id for i in range(5)]
    for col in cols[:3]:
        for org in orgs[:10]:
            memberships.set_membership(engine, col, org.name)
    rng, entries = random.Random(7), [o.identity_id for o in orgs] + ["SA", "EG", "user:u0", "user:u1"]
    with engine.begin() as conn:
        for start in range(0, n, 1000):
            rows = [dict(stix_id=f"indicator--00000000-0000-4000-8000-{i:012d}", type="indicator", spec_version="2.1",
                         created=T0, modified=T0, date_added=T0 + timedelta(microseconds=i),
                         created_by_ref=rng.choice(orgs).identity_id, tlp=rng.choice(TLPS), release_to=None,
                         marking_refs=[], revoked=False, content_hash="0" * 64, search_text="",
                         object={"id": f"indicator--{i}", "modified": "2026-01-01T00:00:00.000Z"})
                    for i in range(start, min(n, start + 1000))]
            pks = conn.execute(insert(stix_objects).returning(stix_objects.c.pk), rows).scalars().all()
            releases = [dict(object_pk=pk, entry=e) for pk in pks if rng.random() < 0.3
                        for e in rng.sample(entries, 2)]
            if releases:
                conn.execute(insert(object_releases), releases)
            conn.execute(insert(collection_objects), [dict(collection_id=rng.choice(cols), object_pk=pk,
                                                           date_added=T0 + timedelta(microseconds=pk)) for pk in pks])
    return store, cols


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    store, cols = setup(engine, n)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    key, _ = accounts.create_api_key(engine, "u0")
    argon_ms = _timed(lambda: authenticate_basic(engine, "u0", PASSWORD), 10) * 1000
    key_ms = _timed(lambda: authenticate_key(engine, key), 50) * 1000
    with engine.connect() as conn:
        viewer = load_viewer(conn, "u0")
    clause_us = _timed(lambda: visible_clause(viewer, cols[0]), 200) * 1e6
    visible = store.count(cols[0], versions="all", where=visible_clause(viewer, cols[0]))
    total = store.count(cols[0], versions="all")
    page_ms = _timed(lambda: store.query(cols[0], limit=100, where=visible_clause(viewer, cols[0])), 20) * 1000
    bare_ms = _timed(lambda: store.query(cols[0], limit=100), 20) * 1000
    count_ms = _timed(lambda: store.count(None, versions="all", where=visible_clause(viewer)), 5) * 1000
    audit_s = _timed(lambda: record_read(engine, viewer, [f"indicator--{i}" for i in range(100)]), 200)
    print(f"backend {engine.dialect.name}, {n} versions, collection 0: {visible} of {total} visible to u0")
    print(f"password sign-in (argon2id): {argon_ms:.1f} ms; API key sign-in: {key_ms:.2f} ms")
    print(f"visible_clause build: {clause_us:.0f} µs; page of 100 with policy {page_ms:.1f} ms, without {bare_ms:.1f} ms")
    print(f"count over whole store with policy: {count_ms:.1f} ms; audit append (100 ids): {audit_s * 1000:.2f} ms")
    print(f"backend={engine.dialect.name} n={n} argon2_ms={argon_ms:.1f} api_key_ms={key_ms:.2f} "
          f"clause_us={clause_us:.0f} page_policy_ms={page_ms:.1f} page_bare_ms={bare_ms:.1f} "
          f"count_policy_ms={count_ms:.1f} audit_append_per_s={1 / audit_s:.0f}")
    engine.dispose()


if __name__ == "__main__":
    main()
