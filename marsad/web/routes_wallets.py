"""JSON API for financing indicators: check a crypto-wallet address, share one.

Why its own routes: analysts meet addresses one at a time (in a seizure report, a transfer record) and need a
yes/no answer within the sharing rules — ``POST /api/wallets/check`` — and a way to flag one —
``POST /api/wallets``. Both sign in like the TAXII routes (HTTP Basic, ``Authorization: Bearer msd_…`` or
``X-API-Key``, through :func:`marsad.exchange.taxii.authn.authenticate_request`: failures are audited),
answer only from what the caller may see, and are audited by :mod:`marsad.exchange.wallet_checks`.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from marsad.access.context import Viewer
from marsad.exchange.wallet_checks import CheckResult, WalletMatch, add_wallet, check_wallet
from marsad.exchange.taxii.authn import CredentialCache, authenticate_request
from marsad.store.store import Store

__all__ = ["register", "CheckRequest", "AddRequest", "match_json", "check_json"]


class CheckRequest(BaseModel):
    """Body of ``POST /api/wallets/check``."""

    address: str = Field(..., min_length=1, max_length=200, description="The wallet address to check.")
    record_sighting: bool = Field(True, description="Record a sighting for each match (default).")


class AddRequest(BaseModel):
    """Body of ``POST /api/wallets``."""

    address: str = Field(..., min_length=1, max_length=200)
    collection: str | None = Field(None, description="Collection id or alias (needed when several are writable).")
    actor: str | None = Field(None, max_length=200, description="Threat actor the wallet finances (name).")
    tlp: str = Field("amber", description="clear, green, amber, amber+strict or red.")
    release_to: list[str] | None = Field(None, description="State codes, identity ids or user:<name>.")


def match_json(match: WalletMatch) -> dict:
    """What a caller learns about one visible match."""
    indicator = match.indicator
    out = {
        "indicator_id": indicator["id"],
        "name": indicator.get("name"),
        "originator": match.originator,
        "collection": match.collection_id,
        "created": indicator.get("created"),
        "modified": indicator.get("modified"),
        "labels": indicator.get("labels", []),
    }
    if match.sighting is not None:
        out["sighting_id"] = match.sighting["id"]
        out["sighting_count"] = match.sighting["count"]
    return out


def check_json(result: CheckResult) -> dict:
    """The answer of a check: the canonical address, its chain, and the visible matches."""
    wallet = result.wallet
    return {
        "address": wallet.address,
        "chain": wallet.chain,
        "kind": wallet.kind,
        "network": wallet.network,
        "known": result.known,
        "matches": [match_json(m) for m in result.matches],
    }


def _store(app: FastAPI) -> Store:
    store = getattr(app.state, "store", None)
    if store is None:
        store = app.state.store = Store(app.state.engine)
    return store


def _viewer(app: FastAPI, request: Request) -> Viewer:
    """The signed-in caller, as the TAXII routes sign in (cached Basic checks, API keys, audited failures)."""
    cache = getattr(app.state, "taxii_credentials", None)
    if cache is None:
        cache = app.state.taxii_credentials = CredentialCache()
    return authenticate_request(app.state.engine, cache, request.headers.get("authorization"),
                                request.headers.get("x-api-key"), remote_addr=_client(request))


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def register(app: FastAPI) -> None:
    @app.post("/api/wallets/check", tags=["financing"])
    def check(body: CheckRequest, request: Request) -> dict:
        """Is this address flagged in anything the caller may see? Records a sighting per match."""
        viewer = _viewer(app, request)
        result = check_wallet(_store(app), viewer, body.address, record_sighting=body.record_sighting,
                              remote_addr=_client(request))
        return check_json(result)

    @app.post("/api/wallets", tags=["financing"], status_code=201)
    def add(body: AddRequest, request: Request) -> dict:
        """Share a wallet address as a financing indicator of the caller's organisation."""
        viewer = _viewer(app, request)
        added = add_wallet(_store(app), viewer, body.address, collection=body.collection, actor=body.actor,
                           tlp=body.tlp, release_to=body.release_to, remote_addr=_client(request))
        return {"address": added.wallet.address, "chain": added.wallet.chain, "indicator_id": added.indicator_id,
                "collection": added.collection_id, "object_ids": added.object_ids}
