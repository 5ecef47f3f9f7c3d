"""Administration page: organisations, users, keys — administrators only; a new key is shown once."""

from __future__ import annotations

import pytest

from marsad.access.accounts import get_user, list_api_keys, list_organisations
from marsad.web import routes_pages_admin
from tests.web.page_world import PASSWORD
from tests.web.pages2_world import csrf, signed_in


@pytest.fixture
def as_user(make_client):
    return lambda user: signed_in(make_client, user, routes_pages_admin)


def test_only_administrators(as_user):
    http = as_user("jo_analyst")
    assert http.get("/admin").status_code == 403
    token = csrf(http.get("/").text)  # a valid token: the refusal is for the role
    assert http.post("/admin/organisations", data={"csrf_token": token, "name": "x", "country": "JO"}).status_code == 403


def test_create_org_user_key_then_deactivate_and_revoke(as_user, seeded, make_client):
    http = as_user("jo_admin")
    token = csrf(http.get("/admin").text)
    made = http.post("/admin/organisations", data={"csrf_token": token, "name": "Tunisian unit", "country": "TN"},
                     follow_redirects=False)
    assert made.status_code == 303
    org = next(o for o in list_organisations(seeded.engine) if o.name == "Tunisian unit")
    user = http.post("/admin/users", data={"csrf_token": token, "username": "tn_officer", "org": org.id,
                                           "role": "liaison", "language": "fr", "password": PASSWORD},
                     follow_redirects=False)
    assert user.status_code == 303 and get_user(seeded.engine, "tn_officer").role == "liaison"
    key = http.post("/admin/users/tn_officer/keys", data={"csrf_token": token, "label": "script"})
    [info] = list_api_keys(seeded.engine, "tn_officer")
    secret = key.text.split('class="secret" dir="ltr">', 1)[1].split("<", 1)[0]
    assert key.status_code == 201 and secret.startswith("msd_")
    assert secret not in http.get("/admin").text  # shown once
    api = make_client()
    assert api.get("/api/alerts", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    revoked = http.post(f"/admin/keys/{info.prefix}/revoke", data={"csrf_token": token}, follow_redirects=False)
    assert revoked.status_code == 303
    assert api.get("/api/alerts", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    off = http.post("/admin/users/tn_officer/active", data={"csrf_token": token, "active": "false"},
                    follow_redirects=False)
    assert off.status_code == 303 and not get_user(seeded.engine, "tn_officer").active


def test_duplicates_and_bad_values_are_clear_errors(as_user):
    http = as_user("jo_admin")
    token = csrf(http.get("/admin").text)
    dup = http.post("/admin/users", data={"csrf_token": token, "username": "jo_analyst", "org": "JO CT Unit",
                                          "role": "analyst", "language": "ar"})
    assert dup.status_code == 409 and "already exists" in dup.text
    bad = http.post("/admin/organisations", data={"csrf_token": token, "name": "<b>Bad</b>", "country": "ZZ"})
    assert bad.status_code == 400 and "<b>Bad</b>" not in bad.text


def test_lower_layer_errors_in_the_page_language(make_client):
    arabic = signed_in(make_client, "jo_admin", routes_pages_admin, lang="ar")
    token = csrf(arabic.get("/admin").text)
    dup = arabic.post("/admin/users", data={"csrf_token": token, "username": "jo_analyst", "org": "JO CT Unit",
                                            "role": "analyst", "language": "ar"})
    assert dup.status_code == 409 and "يوجد مستخدم باسم «jo_analyst» بالفعل." in dup.text
    french = signed_in(make_client, "jo_admin", routes_pages_admin, lang="fr")
    token = csrf(french.get("/admin").text)
    bad = french.post("/admin/organisations", data={"csrf_token": token, "name": "Unité", "country": "ZZ"})
    assert bad.status_code == 400 and "n’est pas un code d’État" in bad.text
    denied = signed_in(make_client, "jo_analyst", routes_pages_admin, lang="ar").get("/admin")
    assert denied.status_code == 403 and "دورك لا يسمح بهذا الإجراء" in denied.text
