"""Federation sync throughput between two Marsad servers on 127.0.0.1, and the cost of a no-op rerun.

Why: a national instance catching up with the hub after days offline pulls tens of thousands of objects; the
scheduled rerun (every few minutes) must be cheap when nothing changed. This script starts a hub and a
national server (uvicorn threads, separate SQLite files in a temporary folder), loads N indicators into the
hub (bundles of 1,000), then times: a full pull (page size ``--page``), a rerun with nothing new, and a push
of the pulled collection to a second hub collection. Prints a table, then ONE summary line.

    python benchmarks/sync.py --n 5000 --page 500
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import uvicorn

import marsad.store.accounts, marsad.store.audit, marsad.store.sync_state  # noqa: F401,E401
from marsad.access.accounts import create_api_key, create_organisation, create_user
from marsad.access.context import load_viewer
from marsad.access.memberships import set_membership
from marsad.config import Settings
from marsad.exchange.sync import pull, push
from marsad.exchange.sync_peer import TaxiiPeer
from marsad.store import Store
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade
from marsad.web.app import create_app

GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"


def _server(folder: Path) -> tuple[Store, uvicorn.Server, str]:
    url = f"sqlite:///{folder / 'marsad.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(Settings(data_dir=folder, database_url=url), engine=engine)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return Store(engine), server, f"http://127.0.0.1:{port}/taxii2/marsad/"


def _indicator(n: int) -> dict:
    stamp = "2026-04-01T00:00:00.000Z"
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}", "created": stamp,
            "modified": stamp, "name": f"bench {n}", "pattern_type": "stix",
            "pattern": f"[ipv4-addr:value = '10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}']",
            "valid_from": stamp, "object_marking_refs": [GREEN]}


def _setup(hub: Store, national: Store) -> tuple[str, object]:
    for store, aliases in ((hub, ("regional", "inbound")), (national, ("mirror",))):
        for alias in aliases:
            store.create_collection(alias.title(), alias=alias)
        create_organisation(store.engine, "SA unit", "SA", identity_id="identity--5a5a5a5a-2222-4222-8222-000000000001")
        create_user(store.engine, "sa", "SA unit", "analyst", "a long enough password")
        for alias in aliases:
            set_membership(store.engine, alias, "SA unit", read=True, write=True)
    key, _ = create_api_key(hub.engine, "sa")
    with national.engine.connect() as conn:
        return key, load_viewer(conn, "sa")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--page", type=int, default=500)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "hub").mkdir()
        (Path(tmp) / "sa").mkdir()
        hub, hub_server, hub_url = _server(Path(tmp) / "hub")
        national, national_server, _ = _server(Path(tmp) / "sa")
        key, viewer = _setup(hub, national)
        for start in range(0, args.n, 1000):
            hub.put_objects([_indicator(i) for i in range(start, min(args.n, start + 1000))], collection_id="regional")
        peer = TaxiiPeer(hub_url, api_key=key)
        timings = {}
        for name, run in (
            ("pull", lambda: pull(national, peer, remote_collection="regional", local_collection="mirror",
                                  page_size=args.page)),
            ("rerun", lambda: pull(national, peer, remote_collection="regional", local_collection="mirror",
                                   page_size=args.page)),
            ("push", lambda: push(national, peer, local_collection="mirror", remote_collection="inbound",
                                  viewer=viewer, batch_size=args.page)),
        ):
            started = time.perf_counter()
            report = run()
            timings[name] = (time.perf_counter() - started, report)
        peer.close()
        hub_server.should_exit = national_server.should_exit = True
    print(f"{'step':<7}{'seconds':>9}{'objects':>9}{'new':>7}{'obj/s':>9}")
    for name, (seconds, report) in timings.items():
        print(f"{name:<7}{seconds:>9.2f}{report.objects:>9}{report.added:>7}{report.objects / seconds:>9.0f}")
    pull_s, rerun_s, push_s = (timings[k][0] for k in ("pull", "rerun", "push"))
    print(f"summary n={args.n} page={args.page} pull_obj_per_s={args.n / pull_s:.0f} rerun_ms={rerun_s * 1000:.0f} "
          f"push_obj_per_s={args.n / push_s:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
