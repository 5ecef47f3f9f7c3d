"""Monitoring pipeline throughput and latency: items from files → reports, merged incidents, alerts.

Generated report texts (our own templates in Arabic, English and French that vary the place, group, weapon,
target, day and toll; some policy news that is not an incident; some near-identical copies) are written as
JSON Lines files into a drop folder, read by a folder source (one poll queues them all) and processed by
1 or more worker processes, each a :class:`marsad.monitor.pipeline.Pipeline`. A subscriber with an
"everything" subscription is alerted for every incident.

Two phases per configuration:

- **throughput** — every item queued at once (one poll, in a process of its own so the workers, forked from
  the parent, never inherit the polled items); ``items_per_s`` = items / wall time of the workers;
  ``cpu_ms_per_item`` = the workers' own CPU time per item, their extraction processes' included, and
  ``writer_cpu_ms_per_item`` without them: the work left on the serial path of a worker (meaningful on
  a loaded machine; PostgreSQL's server CPU is not in it: ``server_cpu_ms_per_item`` is the CPU of the workers' own PostgreSQL backends, read
  from /proc when the server runs on this machine, so a worker's wall time can be split into its own CPU, the
  server's work for it and real waiting); ``worker_peak_mb`` = the largest worker's peak RSS (the extraction models it
  shares with the parent included) and ``worker_growth_mb`` its growth while processing (flat = no leak).
- **latency** — a further stream of items queued in small chunks at ``--rate`` items/s while the workers run
  as services (``run_forever``); latency = ``processed_at − arrived_at`` of each item, i.e. from its arrival in
  the queue to the commit of its report, incident and alert (recorded in the same transaction).

Usage::

    python benchmarks/pipeline.py --items 100000                       # SQLite 1 worker, PostgreSQL 1 and 2
    python benchmarks/pipeline.py --items 2000 --configs sqlite:1      # quick
    python benchmarks/pipeline.py --items 20000 --configs sqlite:1+2   # 1 writer, 2 extraction processes
    MARSAD_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres (default)

Ends with one ``pipeline backend=… workers=… items=… items_per_s=… p50_ms=… p99_ms=… peak_mb=…`` line per
configuration.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

from marsad.access.accounts import create_organisation, create_user
from marsad.access.memberships import set_membership
from marsad.access.setup import REGIONAL_COLLECTION, initialise
from marsad.config import Settings
from marsad.monitor.collect import poll
from marsad.monitor.extract import extract
from marsad.monitor.items import make_item
from marsad.monitor.pipeline import Pipeline
from marsad.monitor.queue import enqueue, queue_counts
from marsad.monitor.sources import add_source
from marsad.monitor.subscriptions import create_subscription
from marsad.store.alerts import alert_log
from marsad.store.engine import make_engine
from marsad.store.pipeline_items import pipeline_items

PG_ADMIN = os.environ.get("MARSAD_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SETTINGS = Settings(public_url="https://marsad.example.org")

# --- generated texts (ours) -----------------------------------------------------------------------------------
PLACES = [  # (en, fr, ar)
    ("Baghdad, Iraq", "Bagdad, en Irak", "بغداد في العراق"), ("Mosul, Iraq", "Mossoul, en Irak", "الموصل في العراق"),
    ("Kirkuk, Iraq", "Kirkouk, en Irak", "كركوك في العراق"), ("Aleppo, Syria", "Alep, en Syrie", "حلب في سوريا"),
    ("Homs, Syria", "Homs, en Syrie", "حمص في سوريا"), ("Mogadishu, Somalia", "Mogadiscio, en Somalie", "مقديشو في الصومال"),
    ("Kismayo, Somalia", "Kismayo, en Somalie", "كيسمايو في الصومال"), ("Aden, Yemen", "Aden, au Yémen", "عدن في اليمن"),
    ("Sanaa, Yemen", "Sanaa, au Yémen", "صنعاء في اليمن"), ("Benghazi, Libya", "Benghazi, en Libye", "بنغازي في ليبيا"),
    ("Tripoli, Libya", "Tripoli, en Libye", "طرابلس في ليبيا"), ("El Arish, Egypt", "El-Arich, en Égypte", "العريش في مصر"),
    ("Maiduguri, Nigeria", "Maiduguri, au Nigeria", "مايدوغوري في نيجيريا"), ("Gao, Mali", "Gao, au Mali", "غاو في مالي"),
    ("Kabul, Afghanistan", "Kaboul, en Afghanistan", "كابول في أفغانستان"), ("Kandahar, Afghanistan", "Kandahar, en Afghanistan", "قندهار في أفغانستان"),
]
GROUPS = [("al-Shabaab", "les shebab", "حركة الشباب"), ("the Islamic State", "l'État islamique", "تنظيم الدولة الإسلامية"),
          ("Boko Haram", "Boko Haram", "جماعة بوكو حرام"), ("the Taliban", "les talibans", "حركة طالبان"), (None, None, None)]
ATTACKS = [  # en, fr, ar: what happened at a target
    ("A car bomb exploded near {t}", "Une voiture piégée a explosé près {t}", "انفجرت سيارة مفخخة قرب {t}"),
    ("Gunmen opened fire on {t}", "Des hommes armés ont ouvert le feu sur {t}", "فتح مسلحون النار على {t}"),
    ("A suicide bomber blew himself up at {t}", "Un kamikaze s'est fait exploser devant {t}", "فجّر انتحاري نفسه عند {t}"),
    ("A roadside bomb struck {t}", "Un engin explosif a frappé {t}", "استهدفت عبوة ناسفة {t}"),
    ("Militants fired rockets at {t}", "Des militants ont tiré des roquettes sur {t}", "أطلق مسلحون صواريخ على {t}"),
]
TARGETS = [("a crowded market", "d'un marché bondé", "سوقا مزدحمة"), ("a police checkpoint", "d'un poste de police", "حاجزا للشرطة"),
           ("an army convoy", "d'un convoi militaire", "قافلة للجيش"), ("a hotel", "d'un hôtel", "فندقا"),
           ("a mosque", "d'une mosquée", "مسجدا"), ("a school", "d'une école", "مدرسة")]
DAYS = [("Monday", "lundi", "الاثنين"), ("Tuesday", "mardi", "الثلاثاء"), ("Wednesday", "mercredi", "الأربعاء"),
        ("Thursday", "jeudi", "الخميس"), ("Friday", "vendredi", "الجمعة"), ("Saturday", "samedi", "السبت"),
        ("Sunday", "dimanche", "الأحد")]
SOURCES = [("police said", "selon la police", "بحسب الشرطة"), ("a local official said", "a indiqué un responsable local",
            "قال مسؤول محلي"), ("witnesses told reporters", "ont rapporté des témoins", "أفاد شهود عيان")]
POLICY = [("Ministers met in {p} to discuss border trade and water sharing.",
           "Les ministres se sont réunis à {p} pour parler du commerce frontalier.",
           "اجتمع الوزراء في {p} لبحث التجارة الحدودية وتقاسم المياه."),
          ("A court in {p} adjourned the trial of {n} defendants until next month.",
           "Un tribunal de {p} a ajourné le procès de {n} accusés au mois prochain.",
           "أرجأت محكمة في {p} محاكمة {n} متهمين إلى الشهر المقبل.")]


def _incident_text(rng: random.Random, lang: int) -> str:
    place, group, attack, target = rng.choice(PLACES), rng.choice(GROUPS), rng.choice(ATTACKS), rng.choice(TARGETS)
    day, source = rng.choice(DAYS), rng.choice(SOURCES)
    killed, wounded = rng.randint(1, 60), rng.randint(0, 90)
    what = attack[lang].format(t=target[lang])
    if lang == 0:
        out = f"{what} in {place[0]} on {day[0]}, killing {killed} people and wounding {wounded}, {source[0]}."
        return out + (f" {group[0][0].upper() + group[0][1:]} claimed responsibility." if group[0] else "")
    if lang == 1:
        out = f"{what} à {place[1]}, {day[1]}, faisant {killed} morts et {wounded} blessés, {source[1]}."
        return out + (f" {group[1][0].upper() + group[1][1:]} a revendiqué l'attaque." if group[1] else "")
    out = f"{what} في {place[2]} يوم {day[2]}، ما أسفر عن مقتل {killed} شخصا وإصابة {wounded} آخرين، {source[2]}."
    return out + (f" وتبنت {group[2]} الهجوم." if group[2] else "")


def generate(count: int, seed: int, prefix: str) -> list[dict]:
    """``count`` report records (id, title, text, published, lang): 85 % incidents, 10 % policy news, 5 % copies."""
    rng = random.Random(seed)
    start = date(2023, 1, 1)
    records: list[dict] = []
    for n in range(count):
        lang = rng.randrange(3)
        roll = rng.random()
        if roll < 0.05 and records:
            copy = dict(rng.choice(records[-200:]))
            copy["text"] += " " + ("More details later.", "Plus de détails suivront.", "التفاصيل لاحقا.")[lang]
            records.append({**copy, "id": f"{prefix}{n}"})
            continue
        if roll < 0.15:
            body = rng.choice(POLICY)[lang].format(p=rng.choice(PLACES)[lang].split(",")[0], n=rng.randint(2, 40))
        else:
            body = _incident_text(rng, lang)
        published = start + timedelta(days=rng.randrange(1000))
        records.append({"id": f"{prefix}{n}", "title": "", "text": body, "published": published.isoformat(),
                        "lang": ("en", "fr", "ar")[lang]})
    return records


def write_files(folder: Path, records: list[dict], per_file: int = 1000) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(0, len(records), per_file):
        with open(folder / f"reports-{index // per_file:05d}.jsonl", "w", encoding="utf-8") as out:
            for record in records[index:index + per_file]:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")


# --- databases --------------------------------------------------------------------------------------------------
def fresh_database(backend: str, workdir: Path) -> tuple[str, callable]:
    if backend == "sqlite":
        path = workdir / f"bench-{uuid.uuid4().hex[:6]}.db"
        return f"sqlite:///{path}", lambda: None
    admin_url = make_url(PG_ADMIN)
    name = f"marsad_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def prepare_hub(url: str) -> None:
    engine = make_engine(url)
    initialise(engine)
    create_organisation(engine, "Watch unit", "JO")
    create_user(engine, "watcher", "Watch unit", "analyst", None)
    set_membership(engine, REGIONAL_COLLECTION, "Watch unit", read=True)
    create_subscription(engine, "watcher", "everything", {}, language="ar")
    engine.dispose()


# --- workers ----------------------------------------------------------------------------------------------------
def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """This process's CPU time (user + system): meaningful when other work shares the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def _backend_cpu_s(pids: list[int]) -> float | None:
    """CPU time (user + system) of these PostgreSQL backends so far; None if one cannot be read (remote server)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                parts = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += int(parts[11]) + int(parts[12])
    return total / os.sysconf("SC_CLK_TCK")


def _backends(engine) -> list[int]:
    """Remembers the server process of each connection ``engine`` opens (PostgreSQL only)."""
    pids: list[int] = []
    if engine.dialect.name == "postgresql":
        @event.listens_for(engine, "connect")
        def remember(dbapi_connection, _record) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids.append(cursor.fetchone()[0])
            dbapi_connection.rollback()
    return pids


def _children_cpu_s() -> float:
    """CPU time of this process's finished children (its extraction processes, once the pool is shut down)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def drain_worker(url: str, name: str, batch: int, extractors: int, out) -> None:
    engine = make_engine(url)
    pids = _backends(engine)
    began, children, start_mb = _cpu_s(), _children_cpu_s(), _rss_mb()
    result = Pipeline(engine, SETTINGS, worker=name, batch_size=batch, extract_processes=extractors,
                      wal_checkpoints=True).run_once()  # as marsad monitor: checkpoints off the batch commits
    server = _backend_cpu_s(pids) if pids else None  # the backends' whole life: they were opened for this run
    own = _cpu_s() - began
    cpu = own + _children_cpu_s() - children  # the writer's and its extraction processes'
    out.put({"worker": name, "result": result.__dict__, "peak_mb": _peak_mb(), "cpu_s": cpu, "own_cpu_s": own,
             "growth_mb": _peak_mb() - start_mb, "server_cpu_s": server})


def service_worker(url: str, name: str, batch: int, extractors: int, stop, out) -> None:
    engine = make_engine(url)
    began = _cpu_s()
    Pipeline(engine, SETTINGS, worker=name, batch_size=batch, extract_processes=extractors, wal_checkpoints=True).run_forever(
        stop, poll_sources=False, idle_sleep=0.02)
    out.put({"worker": name, "peak_mb": _peak_mb(), "cpu_s": _cpu_s() - began})


def warm_up() -> None:
    """Load the extraction models once in the parent so forked workers share them (as a service would)."""
    extract("A bomb exploded in Baghdad on Monday, killing 3 people.")


def _poll_worker(url: str, folder: str, out) -> None:
    engine = make_engine(url)
    began = time.perf_counter()
    source, queued = add_source(engine, "drop", "folder", folder), 0
    while polled := poll(engine, source).items:  # a folder poll reads a bounded number of items
        queued += len(polled)
    out.put({"queued": queued, "read_s": time.perf_counter() - began, "peak_mb": _peak_mb()})


def throughput(url: str, folder: Path, workers: int, extractors: int, batch: int) -> dict:
    engine = make_engine(url)
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    reader = ctx.Process(target=_poll_worker, args=(url, str(folder), out))
    reader.start()
    polled = out.get()
    reader.join()
    began = time.perf_counter()
    procs = [ctx.Process(target=drain_worker, args=(url, f"w{i}", batch, extractors, out)) for i in range(workers)]
    for p in procs:
        p.start()
    reports = [out.get() for _ in procs]
    for p in procs:
        p.join()
    wall = time.perf_counter() - began
    with engine.connect() as conn:
        counts = queue_counts(conn)
        alerts = conn.execute(select(alert_log.c.id).where(alert_log.c.channel == "inapp")).all()
    engine.dispose()
    total = {k: sum(r["result"][k] for r in reports) for k in reports[0]["result"]}
    return {"queued": polled["queued"], "read_s": polled["read_s"], "poll_peak_mb": polled["peak_mb"], "wall_s": wall, "counts": counts, "result": total,
            "alerts_logged": len(alerts), "peak_mb": max(r["peak_mb"] for r in reports),
            "growth_mb": max(r["growth_mb"] for r in reports),
            "cpu_s": sum(r["cpu_s"] for r in reports), "own_cpu_s": sum(r["own_cpu_s"] for r in reports),
            "server_cpu_s": None if any(r["server_cpu_s"] is None for r in reports)
            else sum(r["server_cpu_s"] for r in reports)}


def latency(url: str, records: list[dict], workers: int, extractors: int, batch: int, rate: float) -> dict:
    engine = make_engine(url)
    ctx = mp.get_context("fork")
    stop, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=service_worker, args=(url, f"s{i}", batch, extractors, stop, out))
             for i in range(workers)]
    for p in procs:
        p.start()
    items = [make_item(source_id=None, key=r["id"], url=None, title=r["title"], text=r["text"],
                      published=datetime.fromisoformat(r["published"]).replace(tzinfo=timezone.utc),
                      language=r["lang"]) for r in records]
    with engine.connect() as conn:
        first_id = conn.execute(select(pipeline_items.c.id).order_by(pipeline_items.c.id.desc()).limit(1)).scalar() or 0
    chunk = max(1, round(rate * 0.05))
    tick = chunk / rate  # at least 50 ms between chunks, one item per tick at low rates
    began = time.perf_counter()
    for index in range(0, len(items), chunk):
        with engine.begin() as conn:
            enqueue(conn, items[index:index + chunk])
        pause = began + (index // chunk + 1) * tick - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    fed_rate = len(items) / (time.perf_counter() - began)
    while True:
        with engine.connect() as conn:
            if queue_counts(conn)["pending"] == 0:
                break
        time.sleep(0.05)
    stop.set()
    reports = [out.get() for _ in procs]
    for p in procs:
        p.join()
    with engine.connect() as conn:
        rows = conn.execute(select(pipeline_items.c.arrived_at, pipeline_items.c.processed_at)
                            .where(pipeline_items.c.id > first_id, pipeline_items.c.processed_at.is_not(None))).all()
    engine.dispose()
    ms = sorted((r.processed_at - r.arrived_at).total_seconds() * 1000 for r in rows)
    return {"n": len(ms), "p50": statistics.median(ms), "p99": ms[min(len(ms) - 1, int(len(ms) * 0.99))],
            "max": ms[-1], "rate": fed_rate, "peak_mb": max(r["peak_mb"] for r in reports)}


def run(backend: str, workers: int, extractors: int, args, folder: Path, stream: list[dict], workdir: Path) -> str:
    url, drop = fresh_database(backend, workdir)
    try:
        prepare_hub(url)
        bulk = throughput(url, folder, workers, extractors, args.batch)
        rate = min(args.rate, 0.7 * bulk["queued"] / bulk["wall_s"]) if args.rate else 0.7 * bulk["queued"] / bulk["wall_s"]
        live = latency(url, stream, workers, extractors, args.live_batch, rate)
        rate = live["rate"]
    finally:
        drop()
    items_per_s = bulk["queued"] / bulk["wall_s"]
    label = f" + {extractors} extraction processes each" if extractors else ""
    cpu_ms = 1000 * bulk["cpu_s"] / max(1, bulk["queued"])
    writer_ms = 1000 * bulk["own_cpu_s"] / max(1, bulk["queued"])
    server_ms = "n/a" if bulk["server_cpu_s"] is None else f"{1000 * bulk['server_cpu_s'] / max(1, bulk['queued']):.2f}"
    print(f"[{backend} × {workers}{label}] read+queued {bulk['queued']} items from files in {bulk['read_s']:.1f} s "
          f"(poll peak RSS {bulk['poll_peak_mb']:.0f} MB); "
          f"processed in {bulk['wall_s']:.1f} s = {items_per_s:.0f} items/s, worker CPU {cpu_ms:.2f} ms/item "
          f"(writer process {writer_ms:.2f}), its server CPU {server_ms} ms/item; "
          f"{bulk['result']}; queue {bulk['counts']}; in-app alerts {bulk['alerts_logged']}", flush=True)
    print(f"[{backend} × {workers}{label}] live stream of {live['n']} items at {rate:.0f}/s: arrival→alert p50 "
          f"{live['p50']:.0f} ms, p99 {live['p99']:.0f} ms, max {live['max']:.0f} ms; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    peak = max(bulk["peak_mb"], live["peak_mb"])
    return (f"pipeline backend={backend} workers={workers} extractors={extractors} items={bulk['queued']} items_per_s={items_per_s:.0f} "
            f"cpu_ms_per_item={cpu_ms:.2f} writer_cpu_ms_per_item={writer_ms:.2f} server_cpu_ms_per_item={server_ms} p50_ms={live['p50']:.0f} p99_ms={live['p99']:.0f} stream_rate={rate:.0f} "
            f"worker_peak_mb={peak:.0f} worker_growth_mb={bulk['growth_mb']:.0f} parent_peak_mb={_peak_mb():.0f} load={os.getloadavg()[0]:.1f} "
            f"batch={args.batch} live_batch={args.live_batch}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--stream", type=int, default=None, help="items in the latency phase (default items/10)")
    parser.add_argument("--rate", type=float, default=None, help="arrival rate of the latency phase (default 70%% of throughput)")
    # the defaults of Pipeline (ONCE_BATCH, LIVE_LARGEST), spelled out: tools import this module with older code
    parser.add_argument("--batch", type=int, default=500, help="batch size of the throughput phase (run_once)")
    parser.add_argument("--live-batch", type=int, default=200,
                        help="largest batch of the latency phase (run_forever starts at 32 and grows on backlog)")
    parser.add_argument("--configs", default="sqlite:1,postgresql:1,postgresql:2",
                        help="backend:workers[+extraction processes per worker], comma-separated")
    args = parser.parse_args()
    stream = generate(args.stream or max(200, args.items // 10), 2, "s")
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "drop"  # one drop folder for every configuration (seen items are per database)
        write_files(folder, generate(args.items, 1, "r"))  # the records are not kept: the workers fork later
        warm_up()
        for config in args.configs.split(","):
            backend, workers = config.split(":")
            workers, _, extractors = workers.partition("+")
            lines.append(run(backend, int(workers), int(extractors or 0), args, folder, stream, Path(tmp)))
    for line in lines:
        print(line)


if __name__ == "__main__":
    sys.exit(main())
