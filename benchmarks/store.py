"""Store throughput and latency at scale: insert objects/s and query/search latencies on SQLite and PostgreSQL.

Why: the store must stay fast at 100k and 1M objects. This script generates synthetic STIX objects (a mix of
incident / indicator / threat-actor / report carrying Arabic, French and English text), inserts them in
batches of 1,000 (``--batch``) through :meth:`Store.put_objects` (objects generated beforehand; insert/s is wall
time, cpu/s this process's CPU time: all of the work on SQLite, the client side on PostgreSQL), then times repeated reads: by type (first page of 100),
by id, an ``added_after`` page of 1,000, and folded full-text search. Prints a table, then ONE summary line.

    python benchmarks/store.py --sizes 100000,1000000 --backends sqlite,postgresql
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
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from marsad.store import open_store

__all__ = ["synthetic_objects", "main"]

TYPES = ("incident", "indicator", "threat-actor", "report")
TLP = [
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
]
ARABIC = "هجوم انفجار عبوة ناسفة مسلحون مدينة قرية شرطة جيش حدود سيارة مفخخة اختطاف رهائن سوق مسجد كنيسة مدرسة".split()
FRENCH = "attentat explosion engin piégé hommes armés village poste frontière enlèvement otages marché école".split()
ENGLISH = "attack explosion improvised device gunmen village checkpoint border kidnapping hostages market school".split()
START = datetime(2024, 1, 1)  # version i is modified START + 7 i seconds: unique per version
SYLLABLES = "ka ra ma li sa du bo ne ti fa go ha zu we qi lo ya mi ta ba".split()


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    words = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size * 2)}
    return sorted(words)[:size]


def synthetic_objects(n: int, seed: int = 7):
    """``n`` synthetic objects (about 5% are later versions of earlier ones), generated lazily."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    ids: list[str] = []
    for i in range(n):
        if ids and rng.random() < 0.05:
            stix_id, kind = rng.choice(ids), None
        else:
            kind = TYPES[i % 4]
            stix_id = f"{kind}--{uuid.UUID(int=rng.getrandbits(128), version=4)}"
            ids.append(stix_id)
        kind = stix_id.split("--")[0]
        words = rng.sample(vocab, 6) + rng.sample(ARABIC, 3) + rng.sample(FRENCH, 2) + rng.sample(ENGLISH, 2)
        yield {
            "type": kind,
            "spec_version": "2.1",
            "id": stix_id,
            "created": "2024-01-01T00:00:00.000Z",
            "modified": (START + timedelta(seconds=i * 7, milliseconds=i % 1000)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "name": " ".join(words[:3]),
            "description": " ".join(rng.sample(words, len(words))),
            "labels": [rng.choice(ENGLISH)],
            "object_marking_refs": [rng.choice(TLP)],
        }


def _timed(func, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def _postgres_database(admin_url: str):
    name = f"marsad_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(admin_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(drivername="postgresql+psycopg", database=name).render_as_string(False), drop


def run(backend: str, n: int, args) -> dict[str, float]:
    """Insert ``n`` objects into a fresh database on ``backend`` and time the reads."""
    workdir = tempfile.mkdtemp(prefix="marsad-bench-", dir=args.workdir)
    if backend == "sqlite":
        url, cleanup = f"sqlite:///{Path(workdir) / 'bench.db'}", (lambda: None)
    else:
        url, cleanup = _postgres_database(args.postgres_url)
    store = open_store(url)
    try:
        collection = store.create_collection("bench").id
        objects = list(synthetic_objects(n))  # generated before timing: only the store is measured
        stamps, start, cpu_start = [], time.perf_counter(), time.process_time()
        for first in range(0, n, args.batch):
            stamps.append(store.put_objects(objects[first:first + args.batch], collection_id=collection).date_added)
        insert_s, insert_cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
        del objects
        if backend == "postgresql":
            with store.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        rng = random.Random(11)
        sample_ids = [o["id"] for o in synthetic_objects(min(n, 20_000))]
        vocab = _vocabulary(random.Random(7))
        results = {"insert_per_s": n / insert_s, "insert_cpu_per_s": n / insert_cpu_s}
        results["by_type_ms"] = _timed(lambda: store.query(collection, types=[rng.choice(TYPES)], limit=100), args.repeat)
        results["by_id_ms"] = _timed(lambda: store.get_object(rng.choice(sample_ids), collection_id=collection), args.repeat)
        results["page_ms"] = _timed(
            lambda: store.query(collection, added_after=rng.choice(stamps[:-2]), limit=1000), args.repeat
        )
        results["fts_ms"] = _timed(lambda: store.search(rng.choice(vocab), limit=50), args.repeat)
        results["fts2_ms"] = _timed(lambda: store.search(f"{rng.choice(ARABIC)} {rng.choice(vocab)}", limit=50), args.repeat)
        return results
    finally:
        store.engine.dispose()
        cleanup()
        for file in Path(workdir).glob("*"):
            file.unlink()
        os.rmdir(workdir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--workdir", default=None, help="folder for the SQLite files (default: system temp)")
    parser.add_argument("--postgres-url", default=os.environ.get("MARSAD_BENCH_POSTGRES_URL",
                                                                 "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args(argv)
    summary = []
    print(f"{'backend':<11}{'n':>9}{'insert/s':>10}{'cpu/s':>9}  {'by_type':>13}{'by_id':>13}{'page1000':>13}{'fts':>13}{'fts2':>13}")
    print(f"{'':<30}  (median / p95 ms)")
    for n in (int(s) for s in args.sizes.split(",")):
        for backend in args.backends.split(","):
            r = run(backend, n, args)
            cells = "".join(f"{r[k][0]:>6.1f}/{r[k][1]:<6.1f}" for k in ("by_type_ms", "by_id_ms", "page_ms", "fts_ms", "fts2_ms"))
            print(f"{backend:<11}{n:>9}{r['insert_per_s']:>10.0f}{r['insert_cpu_per_s']:>9.0f}  {cells}", flush=True)
            tag = f"{backend[:2]}_{n // 1000}k"
            summary.append(f"{tag}_insert_per_s={r['insert_per_s']:.0f}")
            summary.append(f"{tag}_insert_cpu_per_s={r['insert_cpu_per_s']:.0f}")
            summary += [f"{tag}_{k}={r[k][0]:.1f}" for k in ("by_type_ms", "by_id_ms", "page_ms", "fts_ms")]
    print("summary " + " ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
