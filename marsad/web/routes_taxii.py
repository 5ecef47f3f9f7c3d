"""The TAXII 2.1 HTTP endpoints under ``/taxii2/``: discovery, API root, status, collections, objects,
manifest, one object, its versions — each with TAXII media types, sign-in and the sharing policy.

Why thin: every rule (filters, paging, policy, audit, status resources) lives in
:mod:`marsad.exchange.taxii`; this module only maps HTTP onto it — headers in, media type negotiation, the
request body read with its size limit enforced while reading, JSON out. Database work runs in the thread pool
so one slow query never stalls the event loop. Paths answer with and without the trailing slash.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.background import BackgroundTasks
from starlette.concurrency import run_in_threadpool

from marsad.access.context import Viewer
from marsad.errors import NotFound, TooLarge, InputError
from marsad.exchange.taxii.access import open_collection, visible_collections
from marsad.exchange.taxii.authn import RIGHTS_TTL, CredentialCache, authenticate_request
from marsad.exchange.taxii.filters import (
    DELETE_FILTERS,
    OBJECT_FILTERS,
    OBJECTS_FILTERS,
    VERSIONS_FILTERS,
    parse_query,
)
from marsad.exchange.taxii.media import TAXII_MEDIA_TYPE, check_content_type, negotiate
from marsad.exchange.taxii.reads import read_manifest, read_object, read_objects, read_versions
from marsad.exchange.taxii.resources import (
    API_ROOT_NAME,
    api_root_resource,
    collections_resource,
    discovery_resource,
)
from marsad.exchange.taxii.writes import add_objects, delete_object, read_status

__all__ = ["register", "read_body"]

ROOT = f"/taxii2/{API_ROOT_NAME}"


def _json(body: dict, media_type: str = TAXII_MEDIA_TYPE, status: int = 200, headers: dict | None = None):
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(content=content, status_code=status, media_type=media_type, headers=headers)


def _both(app: FastAPI, path: str, methods: list[str]):
    """Register a handler at ``path`` with and without its trailing slash."""
    def decorator(handler):
        app.add_api_route(path, handler, methods=methods, include_in_schema=True, tags=["taxii"])
        app.add_api_route(path.rstrip("/"), handler, methods=methods, include_in_schema=False)
        return handler
    return decorator


def _remote(request: Request) -> str | None:
    return request.client.host if request.client else None


def _viewer(request: Request) -> Viewer:
    state = request.app.state
    return authenticate_request(state.engine, state.taxii_credentials, request.headers.get("authorization"),
                                request.headers.get("x-api-key"), remote_addr=_remote(request))


def _params(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    return params


def _query(request: Request, allowed, **kwargs):
    settings = request.app.state.settings
    return parse_query(_params(request), allowed, default_limit=settings.page_size,
                       max_limit=settings.max_page_size, **kwargs)


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``max_bytes`` (header or count)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise InputError("the Content-Length header is not a number")
        if int(declared) > max_bytes:
            raise TooLarge(f"the request body of {int(declared):,} bytes is over the limit of {max_bytes:,} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(f"the request body is over the limit of {max_bytes:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_root(api_root: str) -> None:
    if api_root != API_ROOT_NAME:
        raise NotFound(f"no API root {api_root[:80]!r}")


def register(app: FastAPI) -> None:
    """Add the TAXII 2.1 routes to ``app`` (which carries ``settings`` and ``engine`` on its state)."""
    app.state.taxii_credentials = CredentialCache(rights_ttl=RIGHTS_TTL)
    _register_server(app)
    _register_collections(app)
    _register_objects(app)


def _register_server(app: FastAPI) -> None:
    @_both(app, "/taxii2/", ["GET"])
    def discovery(request: Request):
        """Server discovery (4.1)."""
        _viewer(request)
        media = negotiate(request.headers.get("accept"))
        return _json(discovery_resource(str(request.base_url)), media)

    @_both(app, "/taxii2/{api_root}/", ["GET"])
    def api_root(api_root: str, request: Request):
        """API root information (4.2)."""
        _viewer(request)
        media = negotiate(request.headers.get("accept"))
        _check_root(api_root)
        return _json(api_root_resource(request.app.state.settings.max_content_length), media)

    @_both(app, "/taxii2/{api_root}/status/{status_id}/", ["GET"])
    def status(api_root: str, status_id: str, request: Request):
        """Get status (4.3): only the user who posted may read it."""
        viewer = _viewer(request)
        media = negotiate(request.headers.get("accept"))
        _check_root(api_root)
        return _json(read_status(request.app.state.engine, viewer, status_id), media)


def _register_collections(app: FastAPI) -> None:
    @_both(app, "/taxii2/{api_root}/collections/", ["GET"])
    def collections(api_root: str, request: Request):
        """Get collections (5.1): those the user may read or write, with the user's own rights."""
        viewer = _viewer(request)
        media = negotiate(request.headers.get("accept"))
        _check_root(api_root)
        found = visible_collections(request.app.state.engine, viewer)
        return _json(collections_resource(a.resource() for a in found), media)

    @_both(app, "/taxii2/{api_root}/collections/{collection_id}/", ["GET"])
    def collection(api_root: str, collection_id: str, request: Request):
        """Get a collection (5.2); 404 when unknown or the user has no right on it."""
        viewer = _viewer(request)
        media = negotiate(request.headers.get("accept"))
        _check_root(api_root)
        access = open_collection(request.app.state.engine, viewer, collection_id, need="any",
                                 remote_addr=_remote(request))
        return _json(access.resource(), media)

    @_both(app, "/taxii2/{api_root}/collections/{collection_id}/manifest/", ["GET"])
    def manifest(api_root: str, collection_id: str, request: Request):
        """Get object manifests (5.6)."""
        viewer, media, access = _reading(request, api_root, collection_id, stix=False)
        answer = read_manifest(request.app.state.engine, viewer, access.id, _query(request, OBJECTS_FILTERS),
                               remote_addr=_remote(request))
        return _json(answer.body, media, headers=answer.headers)


def _reading(request: Request, api_root: str, collection_id: str, *, stix: bool):
    viewer = _viewer(request)
    media = negotiate(request.headers.get("accept"), stix_allowed=stix)
    _check_root(api_root)
    access = open_collection(request.app.state.engine, viewer, collection_id, need="read",
                             remote_addr=_remote(request))
    return viewer, media, access


def _writing(request: Request, api_root: str, collection_id: str):
    """Sign-in, media types and the write right, in one trip to the thread pool (before the body is read)."""
    viewer = _viewer(request)
    media = negotiate(request.headers.get("accept"))
    _check_root(api_root)
    check_content_type(request.headers.get("content-type"))
    access = open_collection(request.app.state.engine, viewer, collection_id, need="write",
                             remote_addr=_remote(request))
    return viewer, media, access


def _register_objects(app: FastAPI) -> None:
    base = "/taxii2/{api_root}/collections/{collection_id}/objects/"

    @_both(app, base, ["GET"])
    def get_objects(api_root: str, collection_id: str, request: Request):
        """Get objects (5.3)."""
        viewer, media, access = _reading(request, api_root, collection_id, stix=True)
        answer = read_objects(request.app.state.engine, viewer, access.id, _query(request, OBJECTS_FILTERS),
                              remote_addr=_remote(request))
        return _json(answer.body, media, headers=answer.headers)

    @_both(app, base, ["POST"])
    async def post_objects(api_root: str, collection_id: str, request: Request):
        """Add objects (5.4): 202 with a status resource; 413 for an oversized body, 415 for another type."""
        request_time = datetime.now(timezone.utc)
        viewer, media, access = await run_in_threadpool(_writing, request, api_root, collection_id)
        state = request.app.state
        body = await read_body(request, state.settings.max_content_length)
        after = BackgroundTasks()  # follow-up work (statistics refresh) runs once the answer is sent
        status = await run_in_threadpool(add_objects, state.engine, state.settings, viewer, access.id, body,
                                         remote_addr=_remote(request), request_time=request_time, access=access,
                                         later=after.add_task)
        response = _json(status, media, status=202)
        response.background = after
        return response

    @_both(app, base + "{object_id}/", ["GET"])
    def get_object(api_root: str, collection_id: str, object_id: str, request: Request):
        """Get an object (5.5): by default its last visible version."""
        viewer, media, access = _reading(request, api_root, collection_id, stix=True)
        answer = read_object(request.app.state.engine, viewer, access.id, object_id,
                             _query(request, OBJECT_FILTERS), remote_addr=_remote(request))
        return _json(answer.body, media, headers=answer.headers)

    @_both(app, base + "{object_id}/", ["DELETE"])
    def delete(api_root: str, collection_id: str, object_id: str, request: Request):
        """Delete an object (5.7): all its versions unless ``match[version]`` says otherwise."""
        viewer = _viewer(request)
        media = negotiate(request.headers.get("accept"))
        _check_root(api_root)
        delete_object(request.app.state.engine, viewer, collection_id, object_id,
                      _query(request, DELETE_FILTERS, default_versions=("all",)), remote_addr=_remote(request))
        return Response(status_code=200, media_type=media)

    @_both(app, base + "{object_id}/versions/", ["GET"])
    def versions(api_root: str, collection_id: str, object_id: str, request: Request):
        """Get object versions (5.8)."""
        viewer, media, access = _reading(request, api_root, collection_id, stix=False)
        answer = read_versions(request.app.state.engine, viewer, access.id, object_id,
                               _query(request, VERSIONS_FILTERS, default_versions=("all",)),
                               remote_addr=_remote(request))
        return _json(answer.body, media, headers=answer.headers)
