"""Two Marsad servers on 127.0.0.1 (uvicorn, separate SQLite data folders) kept in step by `marsad sync`.

A national instance pulls the hub's regional collection and pushes its own collection up, through the real
TAXII 2.1 routes and the OASIS taxii2-client. Interrupted runs (a transport that fails after k pages, and a
client process killed mid-run) resume, both sides end with the same (id, modified) set and identical content,
and reruns change nothing. A wallet flagged nationally is found at the hub, and the hub's sighting comes back.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import uvicorn

import marsad.store.accounts, marsad.store.audit, marsad.store.sync_state  # noqa: F401,E401
from marsad.access.accounts import create_api_key, create_organisation, create_user
from marsad.access.context import load_viewer
from marsad.access.memberships import set_membership
from marsad.config import Settings
from marsad.exchange.wallet_checks import add_wallet, check_wallet
from marsad.exchange.sync import pull, push
from marsad.exchange.sync_peer import PeerUnavailable, TaxiiPeer
from marsad.model.markings import TLP_MARKING_IDS, Tlp, releasability_marking
from marsad.store import Store
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade
from marsad.web.app import create_app

pytestmark = pytest.mark.slow
SA_IDENTITY = "identity--5a5a5a5a-1111-4111-8111-000000000001"
NS = uuid.UUID("6c0e7f4e-7f5e-4c5a-9d0e-2b1f7a0c9e21")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A Marsad app served by uvicorn in a thread, on its own SQLite data folder."""

    def __init__(self, data_dir: Path):
        self.url_db = f"sqlite:///{data_dir / 'marsad.db'}"
        self.engine = make_engine(self.url_db)
        upgrade(self.engine)
        self.store = Store(self.engine)
        self.port = _free_port()
        settings = Settings(data_dir=data_dir, database_url=self.url_db)
        config = uvicorn.Config(create_app(settings, engine=self.engine), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def api_root(self) -> str:
        return f"http://127.0.0.1:{self.port}/taxii2/marsad/"

    def start(self) -> "Server":
        self.thread.start()
        deadline = time.time() + 15
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.engine.dispose()


def _org(server: Server, name: str, country: str, identity: str | None = None, *, collections=()) -> str:
    create_organisation(server.engine, name, country, identity_id=identity)
    user = name.split()[0].lower()
    create_user(server.engine, user, name, "analyst", "a long enough password")
    for alias in collections:
        set_membership(server.engine, alias, name, read=True, write=True)
    key, _ = create_api_key(server.engine, user)
    return key


def _indicator(n: int, version: int = 0, refs=None) -> dict:
    stamp = f"2026-02-01T00:00:{version:02d}.123456Z"
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid5(NS, str(n))}",
            "created": "2026-02-01T00:00:00.123456Z", "modified": stamp, "name": f"indicator {n} v{version}",
            "pattern_type": "stix", "pattern": f"[ipv4-addr:value = '10.0.{n // 250}.{n % 250}']",
            "valid_from": stamp, "created_by_ref": SA_IDENTITY,
            "object_marking_refs": refs or [TLP_MARKING_IDS[Tlp.GREEN]]}


def _content(store: Store, collection: str) -> dict:
    out, cursor = {}, None
    while True:
        page = store.query(collection, versions="all", limit=500, cursor=cursor)
        out.update({(o.object["id"], o.object.get("modified")): o.object for o in page.objects})
        if not page.more:
            return out
        cursor = page.next


@pytest.fixture
def federation(tmp_path):
    hub = Server(tmp_path / "hub")
    national = Server(tmp_path / "sa")
    hub.store.create_collection("Regional exchange", alias="regional")
    keys = {"hub_sa": _org(hub, "SA unit", "SA", SA_IDENTITY, collections=["regional"]),
            "hub_jo": _org(hub, "JO unit", "JO", collections=["regional"])}
    national.store.create_collection("Mirror of the hub", alias="mirror")
    national.store.create_collection("National", alias="national")
    _org(national, "SA unit", "SA", SA_IDENTITY, collections=["mirror", "national"])
    _org(national, "Hub account", "EG", collections=["national"])
    hub.start()
    national.start()
    yield hub, national, keys
    hub.stop()
    national.stop()


class Flaky:
    """A peer that fails after ``left`` successful page requests."""

    def __init__(self, inner: TaxiiPeer, left: int):
        self.inner, self.left, self.url = inner, left, inner.url

    def _tick(self):
        if self.left <= 0:
            raise PeerUnavailable("connection reset (simulated)")
        self.left -= 1

    def get_objects(self, *a, **k):
        self._tick()
        return self.inner.get_objects(*a, **k)

    def get_object(self, *a, **k):
        return self.inner.get_object(*a, **k)

    def add_objects(self, *a, **k):
        self._tick()
        return self.inner.add_objects(*a, **k)


def test_pull_interrupted_resumed_identical_and_idempotent(federation):
    hub, national, keys = federation
    for start in range(0, 30, 10):  # three bundles: ten objects share each date_added
        hub.store.put_objects([_indicator(n) for n in range(start, start + 10)], collection_id="regional")
    hub.store.put_objects([_indicator(n, version=9) for n in range(0, 30, 4)], collection_id="regional")
    peer = TaxiiPeer(national_url := hub.api_root, api_key=keys["hub_sa"])
    assert national_url.endswith("/taxii2/marsad/")
    with pytest.raises(PeerUnavailable):
        pull(national.store, Flaky(peer, 2), remote_collection="regional", local_collection="mirror", page_size=4)
    assert 0 < len(_content(national.store, "mirror")) < 38
    report = pull(national.store, peer, remote_collection="regional", local_collection="mirror", page_size=4)
    assert report.complete and not report.failures
    assert _content(national.store, "mirror") == _content(hub.store, "regional")
    assert len(_content(national.store, "mirror")) == 38
    again = pull(national.store, peer, remote_collection="regional", local_collection="mirror", page_size=4)
    assert again.added == 0 and again.complete and not again.failures
    hub.store.put_objects([_indicator(100)], collection_id="regional")
    more = pull(national.store, peer, remote_collection="regional", local_collection="mirror", page_size=4)
    assert more.added == 1 and _content(national.store, "mirror") == _content(hub.store, "regional")
    peer.close()


def test_push_respects_markings_resumes_and_is_idempotent(federation):
    hub, national, keys = federation
    release_jo = releasability_marking(["JO"])
    national.store.put_objects([release_jo, _indicator(500, refs=[TLP_MARKING_IDS[Tlp.AMBER], release_jo["id"]])],
                               collection_id="national")
    for n in range(12):
        national.store.put_objects([_indicator(n)], collection_id="national")
    with national.engine.connect() as conn:
        hub_account = load_viewer(conn, "hub")
    peer = TaxiiPeer(hub.api_root, api_key=keys["hub_sa"])
    with pytest.raises(PeerUnavailable):
        push(national.store, Flaky(peer, 2), local_collection="national", remote_collection="regional",
             viewer=hub_account, batch_size=3)
    report = push(national.store, peer, local_collection="national", remote_collection="regional",
                  viewer=hub_account, batch_size=3)
    assert report.complete and not report.failures
    on_hub = {k: v for k, v in _content(hub.store, "regional").items() if v["type"] != "marking-definition"}
    assert {k for k in on_hub} == {(o["id"], o["modified"]) for o in map(_indicator, range(12))}
    assert all(on_hub[k] == national.store.get_object(k[0]).object for k in on_hub)
    assert _indicator(500)["id"] not in {k[0] for k in on_hub}  # amber for JO: the hub account may not see it
    again = push(national.store, peer, local_collection="national", remote_collection="regional",
                 viewer=hub_account, batch_size=3)
    assert again.added == 0 and not again.failures
    peer.close()


def test_killed_cli_pull_resumes(federation, tmp_path):
    hub, national, keys = federation
    for start in range(0, 120, 40):
        hub.store.put_objects([_indicator(n) for n in range(start, start + 40)], collection_id="regional")
    env = {**os.environ, "HUB_KEY": keys["hub_sa"]}
    command = [sys.executable, "-c", "from marsad.cli.sync import sync_app; sync_app()", "pull",
               "--from", hub.api_root, "--collection", "regional", "--into", "mirror",
               "--api-key-env", "HUB_KEY", "--database-url", national.url_db]
    process = subprocess.Popen(command + ["--page-size", "2"], env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    pages = 0
    for line in process.stderr:
        pages += line.strip().startswith("page ")
        if pages >= 5:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    partial = len(_content(national.store, "mirror"))
    assert 10 <= partial < 120
    finished = subprocess.run(command + ["--page-size", "50"], env=env, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert _content(national.store, "mirror") == _content(hub.store, "regional")
    rerun = subprocess.run(command + ["--quiet"], env=env, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0 and " 0 new" in rerun.stdout


def test_a_wallet_flagged_nationally_is_found_at_the_hub_after_push(federation):
    hub, national, keys = federation
    with national.engine.connect() as conn:
        sa, hub_account = load_viewer(conn, "sa"), load_viewer(conn, "hub")
    address = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
    add_wallet(national.store, sa, address, collection="national", actor="Group X", tlp="green")
    peer = TaxiiPeer(hub.api_root, api_key=keys["hub_sa"])
    report = push(national.store, peer, local_collection="national", remote_collection="regional",
                  viewer=hub_account)
    assert report.complete and not report.failures
    with hub.engine.connect() as conn:
        jo_at_hub = load_viewer(conn, "jo")
    result = check_wallet(hub.store, jo_at_hub, address)
    assert result.known and result.matches[0].originator == SA_IDENTITY
    back = pull(national.store, peer, remote_collection="regional", local_collection="mirror")
    assert not back.failures  # the JO sighting (for SA and JO only) reaches SA's mirror
    sightings = [o for o in _content(national.store, "mirror").values() if o["type"] == "sighting"]
    assert len(sightings) == 1 and sightings[0]["sighting_of_ref"] == result.matches[0].indicator["id"]
    peer.close()
