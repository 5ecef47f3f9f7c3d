"""The same taxii2-client workload against `marsad serve` and the OASIS reference server medallion.

Workload per server and size N (a fresh server each time): POST N indicators in envelopes of ``--batch``
(default 100) through ``Collection.add_objects`` (status read back), GET the first page of ``--first-page``
(default 100) objects (median of up to 5 tries), then page through everything with ``as_pages`` asking
``--page-size`` (default 1000) per request. Printed per run: POST objects/s, first-page ms, paging objects/s and the
server process's memory: RSS once started, the peak during the workload alone (the kernel's high-water mark is
reset after start-up through ``/proc/PID/clear_refs``, so an import-time spike does not hide growth with N) and
the anonymous (heap) part of the RSS at the end (file-backed pages, e.g. SQLite's memory map, are the page cache
shared with the kernel). Also the server's CPU seconds per 1,000 objects posted (``/proc/PID/stat``), a figure that
holds on a busy machine where objects/s do not. Marsad runs on SQLite in a temporary folder (and on PostgreSQL if
``--postgres-url`` is given); medallion 3.0.0 on its memory backend.

    python benchmarks/taxii_vs_medallion.py                 # 1,000 and 5,000 both, Marsad alone at 100,000
    python benchmarks/taxii_vs_medallion.py --quick         # 500 both, nothing else
    python benchmarks/taxii_vs_medallion.py --marsad-only 100000,1000000
    python benchmarks/taxii_vs_medallion.py --floor         # also POST to a stand-in that stores nothing

``--floor`` measures the ceiling the client itself sets: the same POST loop against an "echo" server that parses
each envelope and answers a complete status without storing, checking or auditing anything. No server can post
faster than that through taxii2-client on the same machine; the ratio echo/medallion bounds every POST ratio.

The last line is one summary of key=value pairs.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import requests
from taxii2client.v21 import Collection, as_pages

from marsad.access.accounts import create_organisation, create_user
from marsad.access.memberships import set_membership
from marsad.store import Store
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade

USER, PASSWORD = "bench_user", "bench password 123"
VENV_BIN = Path(sys.executable).parent


@dataclass
class Result:
    server: str
    n: int
    post_per_s: float
    first_page_ms: float
    page_per_s: float
    peak_rss_mb: float
    start_rss_mb: float = float("nan")
    end_anon_mb: float = float("nan")
    post_cpu_ms_per_1000: float = float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def indicator(n: int, run: str) -> dict:
    stamp = "2026-01-01T00:00:00.000Z"
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid5(uuid.NAMESPACE_URL, f'{run}/{n}')}",
            "created": stamp, "modified": stamp, "name": f"bench indicator {n}", "pattern_type": "stix",
            "pattern": f"[domain-name:value = 'host{n}.example.org']", "valid_from": stamp,
            "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}


def memory_mb(pid: int, field: str = "VmHWM") -> float:
    """One memory figure of ``/proc/PID/status`` (VmHWM: peak RSS, VmRSS, RssAnon) in MB; NaN if unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def peak_rss_mb(pid: int) -> float:
    return memory_mb(pid, "VmHWM")


def reset_peak(pid: int) -> None:
    """Start the peak RSS anew from the current RSS (Linux: write 5 to clear_refs); best effort."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (NaN where /proc is missing)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Return once ``url`` answers; stop the server and raise if it exits or stays silent."""
    try:
        _poll(url, proc, timeout)
    except BaseException:
        proc.kill()
        raise


def _poll(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            requests.get(url, auth=(USER, PASSWORD), timeout=10)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not start")


def prepare_marsad(database_url: str) -> str:
    """Schema, one organisation, one user and a collection it reads and writes; the collection id."""
    engine = make_engine(database_url)
    upgrade(engine)
    create_organisation(engine, "Bench Unit", "SA")
    create_user(engine, USER, "Bench Unit", "analyst", PASSWORD)
    collection = Store(engine).create_collection("Bench", alias="bench").id
    set_membership(engine, "bench", "Bench Unit", read=True, write=True)
    engine.dispose()
    return collection


def start_marsad(folder: Path, database_url: str | None, port: int):
    url = database_url or f"sqlite:///{(folder / 'marsad.db').as_posix()}"
    collection = prepare_marsad(url)
    env = {**os.environ, "MARSAD_LOG_LEVEL": "warning"}
    command = [str(VENV_BIN / "marsad"), "serve", "--data-dir", str(folder), "--port", str(port),
               "--database-url", url]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=open(folder / "server.log", "wb"))
    base = f"http://127.0.0.1:{port}"
    wait_up(f"{base}/taxii2/", proc)
    return proc, f"{base}/taxii2/marsad/collections/{collection}/"


def start_medallion(folder: Path, port: int, page_size: int):
    collection = str(uuid.uuid4())
    base = f"http://127.0.0.1:{port}"
    data = {
        "/discovery": {"title": "medallion bench", "default": f"{base}/bench/", "api_roots": [f"{base}/bench/"]},
        "bench": {
            "information": {"title": "bench", "versions": ["application/taxii+json;version=2.1"],
                            "max_content_length": 50 * 1024 * 1024},
            "status": [],
            "collections": [{"id": collection, "title": "Bench", "can_read": True, "can_write": True,
                             "media_types": ["application/stix+json;version=2.1"], "objects": [], "manifest": []}],
        },
    }
    (folder / "data.json").write_text(json.dumps(data))
    config = {"backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
                          "filename": str(folder / "data.json")},
              "users": {USER: PASSWORD}, "taxii": {"max_page_size": page_size}}
    (folder / "config.json").write_text(json.dumps(config))
    command = [sys.executable, "-m", "medallion.scripts.run", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "ERROR", str(folder / "config.json")]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(folder / "server.log", "wb"))
    wait_up(f"{base}/taxii2/", proc)
    return proc, f"{base}/bench/collections/{collection}/"


ECHO_COLLECTION = "9c1a4d7e-5b6f-4e2a-8d3c-0f1e2d3c4b5a"


def echo_app():
    """The floor's stand-in server: a collection resource and an Add Objects that only parses and counts."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    media = "application/taxii+json;version=2.1"

    async def collection(_request):
        return Response(json.dumps({"id": ECHO_COLLECTION, "title": "echo", "can_read": True, "can_write": True}),
                        media_type=media)

    async def add(request):
        objects = json.loads(await request.body())["objects"]
        status = {"id": str(uuid.uuid4()), "status": "complete", "total_count": len(objects),
                  "success_count": len(objects), "failure_count": 0, "pending_count": 0,
                  "successes": [{"id": o["id"], "version": o["modified"]} for o in objects]}
        return Response(json.dumps(status), 202, media_type=media)

    return Starlette(routes=[Route("/taxii2/", collection), Route(f"/echo/{ECHO_COLLECTION}/", collection),
                             Route(f"/echo/{ECHO_COLLECTION}/objects/", add, methods=["POST"])])


def start_echo(folder: Path, port: int):
    command = [sys.executable, str(Path(__file__).resolve()), "--echo-server", str(port)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(folder / "server.log", "wb"))
    base = f"http://127.0.0.1:{port}"
    wait_up(f"{base}/taxii2/", proc)
    return proc, f"{base}/echo/{ECHO_COLLECTION}/"


def workload(server: str, n: int, collection_url: str, pid: int, batch: int, page_size: int,
             first_page: int) -> Result:
    collection = Collection(collection_url, user=USER, password=PASSWORD)
    run = uuid.uuid4().hex
    start_rss = memory_mb(pid, "VmRSS")
    reset_peak(pid)
    cpu_before = cpu_seconds(pid)
    started = time.perf_counter()
    for start in range(0, n, batch):
        envelope = {"objects": [indicator(i, run) for i in range(start, min(n, start + batch))]}
        status = collection.add_objects(envelope, wait_for_completion=True, poll_interval=0.05)
        if status.success_count != len(envelope["objects"]):
            raise RuntimeError(f"{server}: only {status.success_count} of {len(envelope['objects'])} stored")
    post_seconds = time.perf_counter() - started
    post_cpu = cpu_seconds(pid) - cpu_before
    print(f"  {server}: POST {n:,} in {post_seconds:.1f} s", file=sys.stderr, flush=True)
    if server == "echo":  # stores nothing: nothing to read back
        nan = float("nan")
        return Result(server, n, n / post_seconds, nan, nan, peak_rss_mb(pid), start_rss, memory_mb(pid, "RssAnon"),
                      post_cpu / n * 1e6)
    firsts: list[float] = []
    while len(firsts) < 5 and sum(firsts) < 10:  # at most 5 tries, fewer when one takes seconds
        t0 = time.perf_counter()
        page = collection.get_objects(limit=first_page)
        firsts.append(time.perf_counter() - t0)
    if len(page.get("objects", [])) != min(n, first_page):
        raise RuntimeError(f"{server}: first page has {len(page.get('objects', []))} objects")
    t0 = time.perf_counter()
    seen = sum(len(p.get("objects", [])) for p in as_pages(collection.get_objects, per_request=page_size))
    page_seconds = time.perf_counter() - t0
    if seen != n:
        raise RuntimeError(f"{server}: paging returned {seen} objects, expected {n}")
    return Result(server, n, n / post_seconds, statistics.median(firsts) * 1000, n / page_seconds, peak_rss_mb(pid),
                  start_rss, memory_mb(pid, "RssAnon"), post_cpu / n * 1e6)


def run_one(server: str, n: int, args) -> Result:
    with tempfile.TemporaryDirectory(prefix=f"bench-{server}-") as tmp:
        folder, port = Path(tmp), free_port()
        database_url = fresh_postgres(args.postgres_url) if server == "marsad-pg" else None
        try:
            if server == "medallion":
                proc, url = start_medallion(folder, port, args.page_size)
            elif server == "echo":
                proc, url = start_echo(folder, port)
            else:
                proc, url = start_marsad(folder, database_url, port)
            try:
                result = workload(server, n, url, proc.pid, args.batch, args.page_size, args.first_page)
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
        finally:
            if database_url:
                drop_postgres(args.postgres_url, database_url)
    print(f"{result.server:10s} N={n:>9,}  POST {result.post_per_s:8.0f} obj/s  first page {result.first_page_ms:7.1f} ms"
          f"  paging {result.page_per_s:8.0f} obj/s  RSS start {result.start_rss_mb:4.0f} MB, workload peak "
          f"{result.peak_rss_mb:4.0f} MB, end anon {result.end_anon_mb:4.0f} MB  server CPU "
          f"{result.post_cpu_ms_per_1000:5.0f} ms/1,000 posted", flush=True)
    return result


def fresh_postgres(admin_url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(admin_url).set(drivername="postgresql+psycopg")
    name = f"marsad_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_postgres(admin_url: str, database_url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(database_url).database
    admin = create_engine(make_url(admin_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def sizes(text: str) -> list[int]:
    return [int(s.replace("_", "")) for s in text.split(",") if s.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000", help="N run on both servers")
    parser.add_argument("--marsad-only", default="100000", help="N run on Marsad alone ('' for none)")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--page-size", type=int, default=1000, help="limit asked for when paging through all")
    parser.add_argument("--first-page", type=int, default=100, help="limit of the timed first page")
    parser.add_argument("--postgres-url", default=None, help="also run Marsad on PostgreSQL (admin URL)")
    parser.add_argument("--quick", action="store_true", help="500 objects on both servers only")
    parser.add_argument("--floor", action="store_true", help="also POST to a server that stores nothing")
    parser.add_argument("--echo-server", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.echo_server:
        import uvicorn

        uvicorn.run(echo_app(), host="127.0.0.1", port=args.echo_server, log_level="warning")
        return
    both, alone = (sizes("500"), []) if args.quick else (sizes(args.sizes), sizes(args.marsad_only))
    marsads = ["marsad"] + (["marsad-pg"] if args.postgres_url else [])
    results: list[Result] = []
    for n in both:
        for server in [*marsads, "medallion"] + (["echo"] if args.floor else []):
            results.append(run_one(server, n, args))
    for n in alone:
        for server in marsads:
            results.append(run_one(server, n, args))
    print(summary(results, both, alone))


def summary(results: list[Result], both: list[int], alone: list[int]) -> str:
    by = {(r.server, r.n): r for r in results}
    pairs = []
    for n in both:
        m, ref = by[("marsad", n)], by[("medallion", n)]
        cpu_ratio = ref.post_cpu_ms_per_1000 / m.post_cpu_ms_per_1000
        print(f"N={n:,}: Marsad/medallion POST x{m.post_per_s / ref.post_per_s:.1f} (server CPU per object "
              f"x{cpu_ratio:.1f} less), first page x{ref.first_page_ms / m.first_page_ms:.1f} faster, "
              f"paging x{m.page_per_s / ref.page_per_s:.1f}")
        pairs += [f"post_ratio_{n}={m.post_per_s / ref.post_per_s:.2f}", f"post_cpu_ratio_{n}={cpu_ratio:.2f}",
                  f"page_ratio_{n}={m.page_per_s / ref.page_per_s:.2f}"]
        if ("echo", n) in by:
            floor = by[("echo", n)].post_per_s / ref.post_per_s
            print(f"N={n:,}: a server that stores nothing reaches x{floor:.1f} medallion's POST rate (the client's ceiling)")
            pairs.append(f"floor_post_ratio_{n}={floor:.2f}")
    for r in results:
        tag = f"{r.server.replace('-', '_')}_{r.n}"
        pairs += [f"{tag}_post_per_s={r.post_per_s:.0f}", f"{tag}_first_page_ms={r.first_page_ms:.1f}",
                  f"{tag}_page_per_s={r.page_per_s:.0f}", f"{tag}_peak_rss_mb={r.peak_rss_mb:.0f}",
                  f"{tag}_start_rss_mb={r.start_rss_mb:.0f}", f"{tag}_end_anon_mb={r.end_anon_mb:.0f}",
                  f"{tag}_post_cpu_ms_per_1000={r.post_cpu_ms_per_1000:.0f}"]
    return " ".join(pairs)


if __name__ == "__main__":
    main()
