"""Federation sync against a fake TAXII peer backed by a second store: paging, resume, idempotence, policy."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from marsad.access.accounts import create_organisation, create_user
from marsad.access.context import load_viewer
from marsad.access.memberships import set_membership
from marsad.errors import AccessDenied, InvalidFilter
from marsad.exchange.sync import pull, push, rewound
from marsad.exchange.sync_peer import PeerUnavailable, RemotePage, RemoteStatus
from marsad.model.bundle import parse_stix
from marsad.model.markings import TLP_MARKING_IDS, Tlp, releasability_marking
from marsad.store import Store
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade
from marsad.store.sync_state import list_states, save_state
from marsad.store.timestamps import format_timestamp


NS = uuid.UUID("2f1d1c44-58c4-4e0e-9c55-6f2d8f0b7a11")


class StorePeer:
    """A TAXII peer simulated on a Store: Get Objects pages with cursors; ``truncate`` cuts header times to ms."""

    def __init__(self, store: Store, url: str = "http://remote.test/taxii2/marsad/", truncate: bool = False):
        self.store, self.url, self.truncate, self.calls = store, url, truncate, 0

    def _stamp(self, moment):
        text = format_timestamp(moment) if moment else None
        return text[:23] + "Z" if text and self.truncate else text

    def get_objects(self, collection, *, added_after, next, limit):
        self.calls += 1
        page = self.store.query(collection, versions="all", added_after=added_after, limit=limit, cursor=next)
        return RemotePage([o.object for o in page.objects], page.more, page.next,
                          self._stamp(page.first_added), self._stamp(page.last_added))

    def get_object(self, collection, object_id):
        return [o.object for o in self.store.query(collection, ids=[object_id], versions="all").objects]

    def add_objects(self, collection, objects):
        known = lambda ref: bool(self.store.query(ids=[ref], versions="all").objects)  # noqa: E731
        result = self.store.put_objects(parse_stix(objects, known_markings=known), collection_id=collection,
                                        all_or_nothing=False)
        ok = [{"id": o.id, "version": o.version} | ({"message": "already stored"} if o.status == "unchanged" else {})
              for o in result.outcomes if o.status != "conflict"]
        bad = [{"id": o.id, "version": o.version, "message": o.message} for o in result.conflicts]
        return RemoteStatus(str(uuid.uuid4()), "complete", len(ok), len(bad), 0, ok, bad)


class FailingPeer:
    """Wraps a peer; Get Objects / Add Objects fail after ``pages`` successful calls (an interruption)."""

    def __init__(self, inner, pages: int):
        self.inner, self.left, self.url = inner, pages, inner.url

    def _tick(self):
        if self.left <= 0:
            raise PeerUnavailable("connection reset (simulated)")
        self.left -= 1

    def get_objects(self, *args, **kwargs):
        self._tick()
        return self.inner.get_objects(*args, **kwargs)

    def get_object(self, *args, **kwargs):
        return self.inner.get_object(*args, **kwargs)

    def add_objects(self, *args, **kwargs):
        self._tick()
        return self.inner.add_objects(*args, **kwargs)


def _store(url: str) -> Store:
    engine = make_engine(url)
    upgrade(engine)
    return Store(engine)


def _indicator(n: int, version: int = 0, refs=None) -> dict:
    stamp = f"2026-01-01T00:00:{version:02d}.000Z"
    obj = {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid5(NS, str(n))}",
           "created": "2026-01-01T00:00:00.000Z", "modified": stamp, "name": f"ind {n} v{version}",
           "pattern_type": "stix", "pattern": f"[domain-name:value = 'd{n}.example']", "valid_from": stamp}
    obj["object_marking_refs"] = refs or [TLP_MARKING_IDS[Tlp.GREEN]]
    return obj


@pytest.fixture
def pair(tmp_path, database_url):
    """The remote on SQLite, the local side on each backend."""
    remote, local = _store(f"sqlite:///{tmp_path / 'remote.db'}"), _store(database_url)
    remote.create_collection("Hub", alias="hub")
    local.create_collection("Mirror", alias="mirror")
    yield remote, local
    remote.engine.dispose()
    local.engine.dispose()


def _fill(remote: Store, count: int = 12, bundles: int = 3) -> None:
    """``count`` objects in ``bundles`` puts (objects of one put share a date_added), plus second versions."""
    per = count // bundles
    for b in range(bundles):
        remote.put_objects([_indicator(n) for n in range(b * per, (b + 1) * per)], collection_id="hub")
    remote.put_objects([_indicator(n, version=5) for n in range(0, count, 3)], collection_id="hub")


def _content(store: Store, collection: str) -> dict:
    page = store.query(collection, versions="all", limit=1000)
    return {(o.object["id"], o.object.get("modified")): o.object for o in page.objects}


def test_rewound():
    assert rewound(None, timedelta(milliseconds=1)) is None
    assert rewound("2026-01-01T00:00:00.5Z", timedelta(milliseconds=1)) == "2026-01-01T00:00:00.499000Z"


def test_pull_pages_and_ends_identical(pair):
    remote, local = pair
    _fill(remote)
    report = pull(local, StorePeer(remote), remote_collection="hub", local_collection="mirror", page_size=5)
    assert report.complete and report.pages >= 4 and not report.failures
    assert _content(local, "mirror") == _content(remote, "hub") and len(_content(local, "mirror")) == 16
    again = pull(local, StorePeer(remote), remote_collection="hub", local_collection="mirror", page_size=5)
    assert again.added == 0 and again.complete  # a rerun changes nothing


@pytest.mark.parametrize("truncate", [False, True])
def test_interrupted_pull_resumes_without_loss(pair, truncate):
    remote, local = pair
    remote.put_objects([_indicator(n) for n in range(10)], collection_id="hub")  # one date_added for all ten
    remote.put_objects([_indicator(n, version=7) for n in range(4)], collection_id="hub")
    peer = StorePeer(remote, truncate=truncate)
    with pytest.raises(PeerUnavailable):
        pull(local, FailingPeer(peer, pages=1), remote_collection="hub", local_collection="mirror", page_size=3)
    with local.engine.connect() as conn:
        (state,) = list_states(conn)
    assert state.last_added is not None and state.objects_total == 3 and "simulated" in state.last_error
    resumed = pull(local, peer, remote_collection="hub", local_collection="mirror", page_size=3)
    assert resumed.complete
    assert _content(local, "mirror") == _content(remote, "hub") and len(_content(local, "mirror")) == 14


def _forget_token(store: Store) -> None:
    with store.engine.begin() as conn:
        (state,) = list_states(conn)
        save_state(conn, replace(state, next_token=None, resume_after=None))


@pytest.mark.parametrize("overlap,expected", [(timedelta(0), 2), (timedelta(milliseconds=1), 6)])
def test_without_a_token_the_overlap_keeps_a_shared_date_added(pair, overlap, expected):
    """Why the overlap exists: resuming strictly after the last date_added loses the rest of that instant."""
    remote, local = pair
    remote.put_objects([_indicator(n) for n in range(6)], collection_id="hub")
    peer = StorePeer(remote)
    with pytest.raises(PeerUnavailable):
        pull(local, FailingPeer(peer, pages=1), remote_collection="hub", local_collection="mirror", page_size=2)
    _forget_token(local)  # as if the remote's paging token had expired
    pull(local, peer, remote_collection="hub", local_collection="mirror", page_size=2, overlap=overlap)
    assert len(_content(local, "mirror")) == expected


def test_a_refused_saved_token_falls_back_to_the_position(pair):
    remote, local = pair
    remote.put_objects([_indicator(n) for n in range(6)], collection_id="hub")
    with pytest.raises(PeerUnavailable):
        pull(local, FailingPeer(StorePeer(remote), pages=1), remote_collection="hub", local_collection="mirror",
             page_size=2)

    class Forgetful(StorePeer):
        def get_objects(self, collection, *, added_after, next, limit):
            if next is not None and self.calls == 0:
                self.calls += 1
                raise InvalidFilter("the paging token 'next' is malformed or belongs to another query")
            return super().get_objects(collection, added_after=added_after, next=next, limit=limit)

    report = pull(local, Forgetful(remote), remote_collection="hub", local_collection="mirror", page_size=2)
    assert report.complete and report.warnings and _content(local, "mirror") == _content(remote, "hub")


def test_pull_fetches_missing_marking_definitions_and_reports_bad_objects(pair):
    remote, local = pair
    release = releasability_marking(["JO"])
    remote.put_objects([release], collection_id="hub")
    remote.put_objects([_indicator(1, refs=[TLP_MARKING_IDS[Tlp.AMBER], release["id"]])], collection_id="hub")
    peer = StorePeer(remote)
    # the first page holds only the marking-definition; the indicator on page 2 refers to it
    report = pull(local, peer, remote_collection="hub", local_collection="mirror", page_size=1)
    assert report.complete and not report.failures
    # a page whose object refers to a marking nobody has is refused object by object
    orphan = _indicator(2, refs=[f"marking-definition--{uuid.uuid4()}"])
    bad = RemotePage([orphan, {"type": "indicator", "id": "nonsense"}], False, None, None, None)

    class OnePage(StorePeer):
        def get_objects(self, *args, **kwargs):
            return bad

    report = pull(local, OnePage(remote, url="http://other.test/"), remote_collection="hub",
                  local_collection="mirror")
    assert len(report.failures) == 2 and report.added == 0


def _accounts(store: Store):
    engine = store.engine
    for code in ("SA", "JO", "EG"):
        create_organisation(engine, f"{code} unit", code)
        create_user(engine, code.lower(), f"{code} unit", "analyst", "a long enough password")
        set_membership(engine, "hub", f"{code} unit", read=True, write=True)
    with engine.connect() as conn:
        return {code: load_viewer(conn, code.lower()) for code in ("SA", "JO", "EG")}


def test_push_sends_only_what_the_remote_account_may_see(pair):
    remote, local = pair
    local.create_collection("Hub here", alias="hub")
    viewers = _accounts(local)
    release = releasability_marking(["JO"])
    amber = TLP_MARKING_IDS[Tlp.AMBER]
    local.put_objects([release, _indicator(1, refs=[amber, release["id"]]), _indicator(2), _indicator(3)],
                      collection_id="hub")
    report = push(local, StorePeer(remote), local_collection="hub", remote_collection="hub", viewer=viewers["EG"],
                  batch_size=2)
    assert report.complete and not report.failures
    sent = {key[0] for key in _content(remote, "hub")}
    assert _indicator(2)["id"] in sent and _indicator(1)["id"] not in sent  # amber for JO stays home
    jo = push(local, StorePeer(remote, url="http://jo.test/"), local_collection="hub", remote_collection="hub",
              viewer=viewers["JO"])
    assert jo.complete and _indicator(1)["id"] in {k[0] for k in _content(remote, "hub")}  # with its marking
    assert release["id"] in {k[0] for k in _content(remote, "hub")}


def test_push_resumes_and_reports_refusals(pair):
    remote, local = pair
    local.create_collection("Hub here", alias="hub")
    viewers = _accounts(local)
    for n in range(7):
        local.put_objects([_indicator(n)], collection_id="hub")
    clash = {**_indicator(6), "name": "different content, same version"}
    remote.put_objects([clash], collection_id="hub")
    peer = StorePeer(remote)
    with pytest.raises(PeerUnavailable):
        push(local, FailingPeer(peer, pages=2), local_collection="hub", remote_collection="hub",
             viewer=viewers["SA"], batch_size=2)
    report = push(local, peer, local_collection="hub", remote_collection="hub", viewer=viewers["SA"], batch_size=2)
    assert report.complete and [f["id"] for f in report.failures] == [clash["id"]]
    assert len(_content(remote, "hub")) == 7
    rerun = push(local, peer, local_collection="hub", remote_collection="hub", viewer=viewers["SA"])
    assert rerun.added == 0


def test_pull_as_a_user_needs_write_rights(pair):
    remote, local = pair
    local.create_collection("Hub here", alias="hub")
    viewers = _accounts(local)
    with pytest.raises(AccessDenied):
        pull(local, StorePeer(remote), remote_collection="hub", local_collection="mirror", viewer=viewers["SA"])


def test_a_peer_without_date_added_headers_is_warned_about(pair):
    remote, local = pair
    remote.put_objects([_indicator(n) for n in range(3)], collection_id="hub")

    class NoHeaders(StorePeer):
        def get_objects(self, *args, **kwargs):
            page = super().get_objects(*args, **kwargs)
            return RemotePage(page.objects, page.more, page.next, None, None)

    report = pull(local, NoHeaders(remote), remote_collection="hub", local_collection="mirror")
    assert report.complete and report.added == 3 and report.warnings and report.last_added is None


def test_a_peer_that_says_more_without_a_way_forward_does_not_loop(pair):
    remote, local = pair
    remote.put_objects([_indicator(n) for n in range(3)], collection_id="hub")

    class Stuck(StorePeer):
        def get_objects(self, *args, **kwargs):
            page = super().get_objects(*args, **kwargs)
            return RemotePage(page.objects, True, None, None, None)

    peer = Stuck(remote)
    report = pull(local, peer, remote_collection="hub", local_collection="mirror")
    assert peer.calls == 1 and not report.complete and report.warnings and report.added == 3


@pytest.mark.parametrize("page_size,fail_after", [(1, 1), (2, 1), (3, 2), (4, 3), (7, 1)])
def test_repeated_interruptions_never_lose_an_object(tmp_path, page_size, fail_after):
    """Runs that each die after ``fail_after`` pages, repeated until one finishes: nothing is lost or doubled."""
    remote, local = _store(f"sqlite:///{tmp_path / 'r.db'}"), _store(f"sqlite:///{tmp_path / 'l.db'}")
    remote.create_collection("Hub", alias="hub")
    local.create_collection("Mirror", alias="mirror")
    _fill(remote, count=15, bundles=3)
    remote.put_objects([_indicator(n, version=6) for n in range(1, 15, 4)], collection_id="hub")
    peer, runs = StorePeer(remote, truncate=True), 0
    while True:
        runs += 1
        assert runs < 100
        try:
            if pull(local, FailingPeer(peer, fail_after), remote_collection="hub", local_collection="mirror",
                    page_size=page_size).complete:
                break
        except PeerUnavailable:
            continue
    assert _content(local, "mirror") == _content(remote, "hub") and len(_content(remote, "hub")) == 24
    assert len(local.query("mirror", versions="all", limit=1000).objects) == 24  # each version once
    remote.engine.dispose()
    local.engine.dispose()


def test_a_push_that_dies_after_every_batch_still_finishes(pair):
    remote, local = pair
    local.create_collection("Hub here", alias="hub")
    viewers = _accounts(local)
    local.put_objects([_indicator(n) for n in range(9)], collection_id="hub")  # one date_added for all nine
    peer, runs = StorePeer(remote), 0
    while True:
        runs += 1
        assert runs < 50
        try:
            if push(local, FailingPeer(peer, 1), local_collection="hub", remote_collection="hub",
                    viewer=viewers["SA"], batch_size=2).complete:
                break
        except PeerUnavailable:
            continue
    assert {k for k in _content(remote, "hub")} == {k for k in _content(local, "hub")}


def test_a_refused_marking_takes_the_objects_it_marks_with_it(pair):
    """A forged releasability marking is refused, and so is what it marks — never stored as if unrestricted."""
    remote, local = pair
    forged = {**releasability_marking(["JO"]), "id": f"marking-definition--{uuid.uuid4()}"}
    marked = _indicator(1, refs=[TLP_MARKING_IDS[Tlp.AMBER], forged["id"]])
    page = RemotePage([forged, marked, _indicator(2), "not an object"], False, None, None, "2026-01-01T00:00:01Z")

    class OnePage(StorePeer):
        def get_objects(self, *args, **kwargs):
            return page

    report = pull(local, OnePage(remote), remote_collection="hub", local_collection="mirror")
    refused = {f["id"] for f in report.failures}
    assert refused == {forged["id"], marked["id"], None} and report.added == 1
    assert {k[0] for k in _content(local, "mirror")} == {_indicator(2)["id"]}
