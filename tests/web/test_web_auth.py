"""Sessions by cookie or header, CSRF tokens bound to the session, the sign-in throttle, the hub's key."""

import base64
import re

import pytest
from fastapi.testclient import TestClient

from marsad.config import load_settings
from marsad.errors import MarsadError
from marsad.web.app import create_app
from marsad.web.web_auth import SESSION_COOKIE, SignInThrottle, secret_key_of
from tests.web.page_world import PASSWORD, sign_in


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', html).group(1)


def test_alert_stream_accepts_the_session_cookie(make_client, seeded):
    client = make_client()
    assert client.get("/api/alerts").status_code == 401
    sign_in(client, "jo_analyst")
    assert client.get("/api/alerts").status_code == 200
    key = seeded.world.keys["sa"]
    header_only = make_client()
    assert header_only.get("/api/alerts", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_cookie_flags_and_secure_behind_https(make_client):
    answer = sign_in(make_client("https://testserver", public_url="https://marsad.example.org"), "jo_analyst")
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    plain = sign_in(make_client(), "jo_analyst").headers["set-cookie"].lower()
    assert "secure" not in plain


def test_forged_cookie_is_refused(make_client):
    client = make_client()
    client.cookies.set(SESSION_COOKIE, "eyJ1IjoiYWRtaW4ifQ.forged")
    assert client.get("/api/alerts").status_code == 401


@pytest.mark.parametrize("token", [None, "", "0" * 64])
def test_form_post_without_the_right_token_is_refused(make_client, token):
    client = make_client()
    sign_in(client, "jo_analyst")
    data = {} if token is None else {"csrf_token": token}
    assert client.post("/sign-out", data=data).status_code == 403
    assert client.get("/api/alerts").status_code == 200  # still signed in


def test_token_of_another_session_is_refused(make_client):
    first, second = make_client(), make_client()
    sign_in(first, "jo_analyst")
    sign_in(second, "jo_analyst")
    stolen = _token(first.get("/x", headers={"Accept": "text/html"}).text)
    assert second.post("/sign-out", data={"csrf_token": stolen}).status_code == 403
    assert first.post("/sign-out", data={"csrf_token": stolen}, follow_redirects=False).status_code == 303
    assert first.get("/api/alerts").status_code == 401


def test_header_token_for_fetch(make_client):
    client = make_client()
    sign_in(client, "jo_analyst")
    token = _token(client.get("/x", headers={"Accept": "text/html"}).text)
    assert client.post("/sign-out", headers={"X-CSRF-Token": token}, follow_redirects=False).status_code == 303


def test_throttle_per_user_and_per_address():
    now = [0.0]
    throttle = SignInThrottle(per_user=2, per_address=3, window=60, clock=lambda: now[0])
    throttle.failed("A", "1.1.1.1")
    throttle.check("a", "1.1.1.1")
    throttle.failed("a ", "1.1.1.1")
    with pytest.raises(MarsadError) as refused:
        throttle.check("a", "2.2.2.2")
    assert refused.value.status == 429
    throttle.failed("b", "1.1.1.1")
    with pytest.raises(MarsadError):
        throttle.check("c", "1.1.1.1")
    now[0] = 61
    throttle.check("a", "1.1.1.1")
    throttle.failed("d", "9.9.9.9")
    throttle.succeeded("d")
    throttle.check("d", "9.9.9.9")


def test_throttle_counts_failures_from_the_audit_trail(seeded):
    from datetime import datetime, timedelta, timezone

    from marsad.access.audit import record, record_denial, record_login
    from marsad.access.context import Viewer
    engine = seeded.engine
    later = [datetime.now(timezone.utc)]
    throttle = SignInThrottle(engine, per_user=2, per_address=3, window=60, now=lambda: later[0])

    def fail(user, address):
        record_denial(engine, user, "login", reason="wrong username or password", remote_addr=address)

    fail("Mona", "1.1.1.1")
    record_denial(engine, "mona", "read", ["incident--x"], reason="hidden", remote_addr="1.1.1.1")  # not a sign-in
    throttle.check("mona", "1.1.1.1")
    fail(" mona", "2.2.2.2")
    assert throttle.counts("MONA", "3.3.3.3") == (2, 0)
    with pytest.raises(MarsadError) as refused:
        throttle.check("mona", "3.3.3.3")
    assert refused.value.status == 429
    fail("x", "1.1.1.1")
    fail("y", "1.1.1.1")
    with pytest.raises(MarsadError):
        throttle.check("z", "1.1.1.1")  # per address
    record_login(engine, Viewer(username="mona"), method="password")
    assert throttle.counts("mona", "9.9.9.9") == (0, 0)  # a successful sign-in clears the user's count
    old = datetime.now(timezone.utc) - timedelta(seconds=120)
    record(engine, "old", "deny", detail={"attempted": "login", "reason": "x"}, remote_addr="4.4.4.4", at=old)
    assert throttle.counts("old", "4.4.4.4") == (0, 0)  # outside the window
    later[0] += timedelta(seconds=61)
    throttle.check("z", "1.1.1.1")


def test_throttle_is_shared_by_every_app_on_the_database(make_client):
    first, second = make_client(), make_client()
    token = _token(first.get("/sign-in").text)
    for _ in range(5):
        wrong = first.post("/sign-in", data={"username": "jo_analyst", "password": "wrong password!",
                                             "csrf_token": token}, follow_redirects=False)
        assert wrong.status_code == 401
    token = _token(second.get("/sign-in").text)
    refused = second.post("/sign-in", data={"username": "jo_analyst", "password": PASSWORD, "csrf_token": token},
                          follow_redirects=False)
    assert refused.status_code == 429  # another process (app) on the same database refuses too
    third = make_client()
    sign_in(third, "sa_analyst")  # other users are not affected


def test_secret_key_generated_once_into_the_data_folder(tmp_path):
    app = create_app(load_settings(data_dir=tmp_path))
    key = secret_key_of(app)
    assert len(key) >= 32 and (tmp_path / "secret_key").read_text().strip() == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert secret_key_of(create_app(load_settings(data_dir=tmp_path))) == key
    with TestClient(app) as client:
        assert client.get("/sign-in").status_code == 200


def test_api_keys_skip_csrf_but_a_cached_basic_login_does_not_for_forms(make_client, seeded):
    client = make_client()
    key = seeded.world.keys["jo"]
    incident = seeded.incidents["kirkuk"]["id"]
    by_key = client.post(f"/incidents/{incident}/confirm", headers={"Authorization": f"Bearer {key}"},
                         follow_redirects=False)
    assert by_key.status_code == 303
    basic = "Basic " + base64.b64encode(f"jo_analyst:{PASSWORD}".encode()).decode()
    form = client.post(f"/incidents/{incident}/confirm", data={"x": "1"}, headers={"Authorization": basic})
    assert form.status_code == 403
