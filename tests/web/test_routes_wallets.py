"""The wallet API: sign-in required, clear errors for bad addresses, answers within the sharing rules."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from marsad.access.accounts import create_api_key, create_organisation, create_user
from marsad.access.memberships import set_membership
from marsad.store import Store
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade
from marsad.web import app as web_app
from marsad.web import routes_wallets
from marsad.web.errors import install_error_handlers

BTC = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"


@pytest.fixture
def client(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    keys = {}
    for code in ("SA", "JO", "EG"):
        create_organisation(engine, f"{code} unit", code)
        create_user(engine, code.lower(), f"{code} unit", "analyst", "a long enough password")
        keys[code], _ = create_api_key(engine, code.lower())
    Store(engine).create_collection("Regional", alias="regional")
    for code in keys:
        set_membership(engine, "regional", f"{code} unit", read=True, write=True)
    app = FastAPI()
    app.state.engine = engine
    install_error_handlers(app)
    routes_wallets.register(app)
    with TestClient(app) as test_client:
        yield test_client, {code: {"Authorization": f"Bearer {key}"} for code, key in keys.items()}
    engine.dispose()


def test_registered_in_the_app_factory():
    assert routes_wallets in web_app.ROUTE_MODULES


def test_check_needs_sign_in(client):
    http, _ = client
    assert http.post("/api/wallets/check", json={"address": BTC}).status_code == 401


def test_bad_address_is_400_naming_it(client):
    http, auth = client
    answer = http.post("/api/wallets/check", json={"address": BTC[:-1] + "5"}, headers=auth["JO"])
    assert answer.status_code == 400
    assert BTC[:-1] + "5" in answer.json()["description"] and "checksum" in answer.json()["description"]


def test_add_then_check_within_sharing_rules(client):
    http, auth = client
    added = http.post("/api/wallets", json={"address": BTC.upper(), "collection": "regional", "actor": "Group X",
                                            "tlp": "amber", "release_to": ["JO"]}, headers=auth["SA"])
    assert added.status_code == 201 and added.json()["address"] == BTC
    seen = http.post("/api/wallets/check", json={"address": BTC}, headers=auth["JO"]).json()
    assert seen["known"] and seen["chain"] == "bitcoin"
    assert seen["matches"][0]["indicator_id"] == added.json()["indicator_id"]
    assert seen["matches"][0]["sighting_count"] == 1
    unseen = http.post("/api/wallets/check", json={"address": BTC}, headers=auth["EG"]).json()
    assert unseen == {**unseen, "known": False, "matches": []}
