"""Lower-layer errors (accounts, passwords, roles, throttle, sources, source readings, subscriptions) shown on
pages in the page's language: each error is
raised by the real lower-layer code, so a reworded message that no longer matches its pattern fails here."""

from __future__ import annotations

import asyncio

import httpx

import pytest
from starlette.requests import Request

from marsad.access import accounts
from marsad.access.auth import hash_password
from marsad.access.context import Viewer, load_viewer
from marsad.errors import Conflict, InputError, MarsadError, StoreError
from marsad.model.markings import TLP_MARKING_IDS, Tlp
from marsad.monitor import collect as collect_module
from marsad.monitor.curation import correct_incident, merge_incidents, split_incident
from marsad.monitor.feeds import parse_feed
from marsad.monitor.fetch import FetchPolicy, fetch
from marsad.monitor.folders import read_folder
from marsad.monitor.incident_files import file_report
from marsad.monitor.pages import page_item
from marsad.monitor.sources import add_source, remove_source
from marsad.monitor.subscriptions import create_subscription, delete_subscription
from marsad.monitor.sharing import not_sharer, share_incident
from marsad.store.engine import make_engine
from marsad.store.rows import default_marking_reader
from marsad.store.writes import put_objects
from marsad.store.base import metadata
from marsad.web.error_messages import ERROR_MESSAGES, error_code, localise_error
from marsad.web.web_auth import SignInThrottle, check_csrf
from tests.monitor.filing_world import report


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    metadata.create_all(engine)
    accounts.create_organisation(engine, "JO unit", "JO")
    accounts.create_user(engine, "ali", "JO unit", "analyst", "a long enough password")
    return engine


def _raised(call) -> MarsadError:
    with pytest.raises(MarsadError) as caught:
        call()
    return caught.value


def _lower_layer_errors(engine) -> dict[str, MarsadError]:
    throttle = SignInThrottle(per_user=1)
    throttle.failed("ali", "10.0.0.1")
    return {
        "state_code": _raised(lambda: accounts.create_organisation(engine, "X", "ZZ")),
        "username": _raised(lambda: accounts.create_user(engine, "<b>", "JO unit", "analyst", None)),
        "org_name": _raised(lambda: accounts.create_organisation(engine, "", "JO")),
        "identity_id": _raised(lambda: accounts.create_organisation(engine, "Y", "JO", identity_id="nope")),
        "org_taken": _raised(lambda: accounts.create_organisation(engine, "JO unit", "JO")),
        "no_org": _raised(lambda: accounts.create_user(engine, "sami", "Nowhere", "analyst", None)),
        "role": _raised(lambda: accounts.create_user(engine, "sami", "JO unit", "king", None)),
        "language": _raised(lambda: accounts.create_user(engine, "sami", "JO unit", "analyst", None, language="de")),
        "user_taken": _raised(lambda: accounts.create_user(engine, "ali", "JO unit", "analyst", None)),
        "no_user": _raised(lambda: accounts.set_active(engine, "ghost", False)),
        "not_key": _raised(lambda: accounts.revoke_api_key(engine, "msd_x")),
        "no_key": _raised(lambda: accounts.revoke_api_key(engine, "zzzzzzzz")),
        "short_password": _raised(lambda: hash_password("short")),
        "role_needed": _raised(lambda: Viewer(username="ali", org_id="o", roles=frozenset({"analyst"})).require_role(
            "admin", to="administer")),
        "throttled": _raised(lambda: throttle.check("ali", "10.0.0.1")),
        "not_sharer": not_sharer(Viewer(username="ali")),
        "csrf": _raised(lambda: asyncio.run(check_csrf(Request({"type": "http", "method": "POST", "headers": []})))),
        "no_incident": _raised(lambda: share_incident(engine, Viewer(username="ali"), "incident--x", tlp="clear")),
    }


def _fetch_error(handler=None, url="https://news.example/feed", accept=(), **limits) -> MarsadError:
    """The error :func:`fetch` raises for an answer made by ``handler`` (a public address, no retries)."""
    policy = FetchPolicy(resolver=lambda host, port: ["93.184.216.34"], retries=0, sleep=lambda s: None, **limits)
    client = httpx.Client(transport=httpx.MockTransport(handler or (lambda request: httpx.Response(200))))
    return _raised(lambda: fetch(url, accept=accept, policy=policy, client=client))


def _unexpected(engine, monkeypatch) -> MarsadError:
    def broken(*args, **kwargs):
        raise ValueError("parser bug")

    monkeypatch.setattr(collect_module, "collect", broken)
    source = add_source(engine, "broken", "feed", "https://news.example/broken")
    _, message = collect_module._safely_collect(engine, source, None, conditional=False)
    return MarsadError(message)


def _drop(tmp_path, files: int):
    """A folder of ``files`` small JSON Lines reports."""
    folder = tmp_path / f"drop{files}"
    folder.mkdir()
    for n in range(files):
        (folder / f"r{n}.jsonl").write_text('{"title": "t", "text": "a report"}\n', encoding="utf-8")
    return folder


def _redirect(request):
    return httpx.Response(302, headers={"location": "https://news.example/again"})


def _monitor_errors(engine, tmp_path, monkeypatch) -> dict[str, MarsadError]:
    """Source, reading (fetch, feed, page, collect) and subscription errors, each raised by the real code."""
    add_source(engine, "Taken", "feed", "https://news.example/rss")
    create_subscription(engine, "ali", "Mine")

    def sub(**kwargs):
        return _raised(lambda: create_subscription(engine, "ali", kwargs.pop("name", "S"), **kwargs))

    return {
        "source_name": _raised(lambda: add_source(engine, " ", "feed", "https://news.example/")),
        "source_kind": _raised(lambda: add_source(engine, "S", "radio", "https://news.example/")),
        "source_interval": _raised(lambda: add_source(engine, "S", "feed", "https://news.example/",
                                                      interval_seconds=1)),
        "source_folder": _raised(lambda: add_source(engine, "S", "folder", str(tmp_path / "missing"))),
        "source_url": _raised(lambda: add_source(engine, "S", "feed", "ftp://news.example/")),
        "source_credentials": _raised(lambda: add_source(engine, "S", "feed", "https://u:p@news.example/")),
        "source_taken": _raised(lambda: add_source(engine, "Taken", "feed", "https://news.example/")),
        "no_source": _raised(lambda: remove_source(engine, "ghost")),
        "source_store": StoreError("could not add source 'S': OperationalError"),  # the store failing: simulated
        "fetch_resolve": _raised(lambda: fetch("https://nowhere.example/", policy=FetchPolicy(
            resolver=lambda h, p: [], retries=0))),
        "fetch_private": _raised(lambda: fetch("https://intranet.example/", policy=FetchPolicy(
            resolver=lambda h, p: ["10.0.0.5"], retries=0))),
        "fetch_not_url": _raised(lambda: fetch("ftp://news.example/")),
        "fetch_credentials": _raised(lambda: fetch("https://u:p@news.example/")),
        "fetch_too_large": _fetch_error(lambda r: httpx.Response(200, content=b"x" * 100), max_bytes=10),
        "fetch_too_slow": _fetch_error(lambda r: httpx.Response(200, content=b"late"), deadline=0),
        "fetch_redirects": _fetch_error(_redirect, max_redirects=2),
        "fetch_status": _fetch_error(lambda r: httpx.Response(404)),
        "fetch_media_type": _fetch_error(lambda r: httpx.Response(200, headers={"content-type": "image/png"}),
                                         accept=("application/rss+xml",)),
        "fetch_timeout": _fetch_error(_raise(httpx.ReadTimeout("slow"))),
        "fetch_connection": _fetch_error(_raise(httpx.ConnectError("connection refused"))),
        "collect_unexpected": _unexpected(engine, monkeypatch),
        "feed_unsafe": _raised(lambda: parse_feed(b'<!DOCTYPE r [<!ENTITY a "b">]><rss>&a;</rss>',
                                                  base_url="https://news.example/")),
        "feed_malformed": _raised(lambda: parse_feed(b"<rss><channel>", base_url="https://news.example/")),
        "feed_not_feed": _raised(lambda: parse_feed(b"<html></html>", base_url="https://news.example/")),
        "feed_unreadable": InputError("https://news.example/: feed could not be read (SAXParseException)"),  # simulated
        "page_no_text": _raised(lambda: page_item(b"<html><body></body></html>", url="https://news.example/p")),
        "folder_unreadable": MarsadError(read_folder(tmp_path / "missing").problems[0]),
        "folder_too_many": MarsadError(read_folder(_drop(tmp_path, 3), max_files=1).problems[0]),
        "folder_file_too_large": MarsadError(read_folder(_drop(tmp_path, 1), max_file_bytes=2).problems[0]),
        "filter_texts": sub(filters={"groups": [""]}),
        "filter_too_many": sub(filters={"groups": [f"g{i}" for i in range(500)]}),
        "filter_country": sub(filters={"countries": ["ZZ"]}),
        "filter_count": sub(filters={"min_killed": -1}),
        "filter_regions": sub(filters={"regions": ["SA"]}),
        "filters_object": sub(filters=["countries"]),
        "filter_unknown": sub(filters={"colour": ["red"]}),
        "webhook_url": sub(webhook_url="ftp://hooks.example/"),
        "webhook_credentials": sub(webhook_url="https://u:p@hooks.example/"),
        "webhook_private": sub(webhook_url="https://127.0.0.1/hook"),
        "email": sub(email="not-an-address"),
        "webhook_secret": sub(webhook_url="https://hooks.example/", webhook_secret="short"),
        "channel": sub(inapp=False),
        "subscription_name": sub(name=" "),
        "subscription_language": sub(language="de"),
        "subscription_taken": sub(name="Mine"),
        "no_subscription": _raised(lambda: delete_subscription(engine, "ali", 999)),
    }


def _raise(exc):
    def handler(request):
        raise exc
    return handler


def _filed(engine, filed_report) -> str:
    with engine.begin() as conn:
        filing = file_report(conn, filed_report, now=filed_report.received)
        put_objects(conn, filing.objects, collection_id=None, all_or_nothing=True, reader=default_marking_reader)
    return filing.incident_id


def _curation_errors(engine) -> dict[str, MarsadError]:
    """An analyst's corrections refused by the real curation code (two of the analyst's incidents, one merged
    away)."""
    with engine.connect() as conn:
        analyst = load_viewer(conn, "ali")
    own = dict(tlp="red", marking=(TLP_MARKING_IDS[Tlp.RED],), created_by_ref=analyst.identity_id)
    kept = _filed(engine, report(1, **own))
    absorbed = _filed(engine, report(2, city="Mosul", admin1="Nineveh", latitude=36.34, longitude=43.13,
                                     hours=24 * 40, **own))
    merge_incidents(engine, analyst, kept, absorbed)

    def correct(incident_id, changes):
        return _raised(lambda: correct_incident(engine, analyst, incident_id, changes))

    return {
        "no_change": correct(kept, {}),
        "not_editable": correct(kept, {"colour": "red"}),
        "split_all": _raised(lambda: split_incident(engine, analyst, kept, [])),
        "merge_self": _raised(lambda: merge_incidents(engine, analyst, kept, kept)),
        "merged_into": correct(absorbed, {"killed": 1}),
        "incident_name": correct(kept, {"name": " "}),
        "determination": correct(kept, {"determination": "maybe"}),
        "investigation_status": correct(kept, {"investigation_status": "lost"}),
        # simulated (they need incidents of two markings, or a sharer of a merged incident): the texts of the code
        "merge_markings": Conflict("incidents with different markings cannot be merged (it would share reports wider)"),
        "share_merged": Conflict(f"incident {absorbed} was merged into another one: share that one"),
    }


def test_every_known_message_is_recognised_from_the_real_error(engine, tmp_path, monkeypatch):
    raised = {**_lower_layer_errors(engine), **_monitor_errors(engine, tmp_path, monkeypatch),
              **_curation_errors(engine)}
    assert set(raised) == {m.code for m in ERROR_MESSAGES}
    for code, exc in raised.items():
        found = error_code(exc.message)
        assert found is not None and found[0] == code, (code, exc.message)


def test_arabic_and_french_with_the_values_named(engine):
    raised = _lower_layer_errors(engine)
    assert localise_error(raised["user_taken"], "ar") == "يوجد مستخدم باسم «ali» بالفعل."
    assert localise_error(raised["user_taken"], "fr") == "Un utilisateur nommé « ali » existe déjà."
    assert localise_error(raised["user_taken"], "en") == "A user named “ali” already exists."
    assert "١٠" in localise_error(raised["short_password"], "ar")
    for exc in raised.values():
        for lang in ("ar", "fr"):
            text = localise_error(exc, lang)
            assert text != exc.message and "%(" not in text


def test_unknown_messages_are_shown_as_they_are():
    assert localise_error("the disk is on fire", "ar") == "the disk is on fire"
    assert localise_error(None, "ar") == ""


def test_source_and_subscription_errors_in_arabic_and_french(engine, tmp_path, monkeypatch):
    raised = _monitor_errors(engine, tmp_path, monkeypatch)
    assert localise_error(raised["source_taken"], "ar") == "يوجد مصدر باسم «Taken» بالفعل."
    assert localise_error(raised["source_taken"], "fr") == "Une source nommée «\u00a0Taken\u00a0» existe déjà."
    assert localise_error(raised["fetch_status"], "ar") == "ردّ الموقع برمز حالة HTTP \u200f٤٠٤."
    assert localise_error(raised["fetch_status"], "fr") == "Le site a répondu avec le code HTTP 404."
    assert "«ZZ»" in localise_error(raised["filter_country"], "ar")
    assert "web\u00a0: " not in localise_error(raised["webhook_secret"], "fr")
    for exc in raised.values():
        for lang in ("ar", "fr"):
            text = localise_error(exc, lang)
            assert text != exc.message and "%(" not in text, (exc.message, lang)


def test_curation_errors_in_arabic_and_french(engine):
    raised = _curation_errors(engine)
    assert localise_error(raised["determination"], "ar") == "تقدير غير معروف: «maybe»."
    assert localise_error(raised["no_change"], "fr") == "Aucune modification n’a été indiquée."
    for exc in raised.values():
        for lang in ("ar", "fr"):
            text = localise_error(exc, lang)
            assert text != exc.message and "%(" not in text, (exc.message, lang)
