"""`marsad sync` against another TAXII 2.1 implementation: the OASIS reference server medallion (memory backend).

Marsad pushes a collection to medallion and pulls it back into a second collection: the pulled content equals
what was pushed, medallion's paging (``next``) and ``X-TAXII-Date-Added-Last`` are followed, and reruns store
nothing new.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import uuid

import pytest
import requests

import marsad.store.accounts, marsad.store.audit, marsad.store.sync_state  # noqa: F401,E401
from marsad.access.accounts import create_organisation, create_user
from marsad.access.context import load_viewer
from marsad.access.memberships import set_membership
from marsad.exchange.sync import pull, push
from marsad.exchange.sync_peer import TaxiiPeer
from marsad.model.markings import TLP_MARKING_IDS, Tlp
from marsad.store import Store
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade

pytest.importorskip("medallion")
pytestmark = pytest.mark.slow
USER, PASSWORD = "sync", "medallion-test-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def medallion(tmp_path):
    port, collection = _free_port(), str(uuid.uuid4())
    base = f"http://127.0.0.1:{port}"
    data = {
        "/discovery": {"title": "medallion", "default": f"{base}/api1/", "api_roots": [f"{base}/api1/"]},
        "api1": {
            "information": {"title": "api1", "versions": ["application/taxii+json;version=2.1"],
                            "max_content_length": 10 * 1024 * 1024},
            "status": [],
            "collections": [{"id": collection, "title": "Hub", "can_read": True, "can_write": True,
                             "media_types": ["application/stix+json;version=2.1"], "objects": [], "manifest": []}],
        },
    }
    (tmp_path / "data.json").write_text(json.dumps(data))
    config = {"backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
                          "filename": str(tmp_path / "data.json")},
              "users": {USER: PASSWORD}, "taxii": {"max_page_size": 5}}
    (tmp_path / "config.json").write_text(json.dumps(config))
    proc = subprocess.Popen([sys.executable, "-m", "medallion.scripts.run", "--host", "127.0.0.1", "--port",
                             str(port), "--log-level", "ERROR", str(tmp_path / "config.json")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while True:
        try:
            requests.get(f"{base}/taxii2/", timeout=1)
            break
        except requests.ConnectionError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.skip("medallion did not start")
            time.sleep(0.1)
    yield f"{base}/api1/", collection
    proc.terminate()
    proc.wait(timeout=10)


def _indicator(n: int, version: int = 0) -> dict:
    stamp = f"2026-03-01T00:00:{version:02d}.000Z"
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}",
            "created": "2026-03-01T00:00:00.000Z", "modified": stamp, "name": f"indicator {n}",
            "pattern_type": "stix", "pattern": f"[domain-name:value = 'x{n}.example']", "valid_from": stamp,
            "object_marking_refs": [TLP_MARKING_IDS[Tlp.GREEN]]}


def _content(store: Store, collection: str) -> dict:
    page = store.query(collection, versions="all", limit=1000)
    return {(o.object["id"], o.object["modified"]): o.object for o in page.objects}


def test_push_to_medallion_then_pull_back(medallion, tmp_path):
    api_root, collection = medallion
    engine = make_engine(f"sqlite:///{tmp_path / 'marsad.db'}")
    upgrade(engine)
    store = Store(engine)
    store.create_collection("Outbox", alias="outbox")
    store.create_collection("Inbox", alias="inbox")
    create_organisation(engine, "Hub account", "EG")
    create_user(engine, "hub", "Hub account", "analyst", "a long enough password")
    set_membership(engine, "outbox", "Hub account", read=True, write=True)
    with engine.connect() as conn:
        viewer = load_viewer(conn, "hub")
    for start in range(0, 12, 4):
        store.put_objects([_indicator(n) for n in range(start, start + 4)], collection_id="outbox")
    peer = TaxiiPeer(api_root, user=USER, password=PASSWORD)
    sent = push(store, peer, local_collection="outbox", remote_collection=collection, viewer=viewer, batch_size=5)
    assert sent.complete and not sent.failures and sent.objects == 12
    got = pull(store, peer, remote_collection=collection, local_collection="inbox", page_size=5)
    assert got.complete and not got.failures and got.pages >= 3
    assert _content(store, "inbox") == _content(store, "outbox")
    again = pull(store, peer, remote_collection=collection, local_collection="inbox", page_size=5)
    assert again.added == 0
    peer.close()
    engine.dispose()
