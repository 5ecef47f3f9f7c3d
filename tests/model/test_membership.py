"""Membership: the Arab League file, a custom body's own file, and bad files."""

from __future__ import annotations

import json

import pytest
from stix2validator import validate_instance

from marsad.errors import ConfigError
from marsad.model.membership import load_membership, state_identity_id

ARAB_LEAGUE = set("DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE".split())


def test_default_is_the_arab_league():
    membership = load_membership()
    assert set(membership.codes) == ARAB_LEAGUE
    assert membership.names["ar"] == "جامعة الدول العربية"
    objects = membership.identities()
    identities = [o for o in objects if o["type"] == "identity"]
    assert len(identities) == 23
    saudi = next(o for o in identities if o["id"] == state_identity_id("SA"))
    assert saudi["external_references"] == [{"source_name": "ISO 3166-1", "external_id": "SA"}]
    content = next(o for o in objects if o["type"] == "language-content" and o["object_ref"] == saudi["id"])
    assert content["contents"]["ar"]["name"] == "السعودية"
    for obj in objects:
        result = validate_instance(obj)
        assert result.is_valid, [str(e) for e in result.errors]
        assert [str(w) for w in result.warnings if "{103}" not in str(w)] == []


def write(tmp_path, data):
    path = tmp_path / "body.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


CUSTOM = {
    "updated": "2026-05-01T00:00:00.000Z",
    "body": {"key": "sahel-g5", "names": {"fr": "G5 Sahel", "en": "G5 Sahel"}},
    "secretariat": {"key": "g5-secretariat", "names": {"fr": "Secrétariat permanent du G5 Sahel"}},
    "members": [{"code": "ml", "names": {"fr": "Mali"}}, {"code": "NE", "names": {"fr": "Niger", "ar": "النيجر"}}],
}


def test_custom_file(tmp_path):
    membership = load_membership(write(tmp_path, CUSTOM))
    assert membership.key == "sahel-g5" and membership.codes == ["ML", "NE"]
    assert membership.member("ne").names["ar"] == "النيجر"
    objects = membership.identities()
    assert {o["modified"] for o in objects} == {"2026-05-01T00:00:00.000Z"}
    assert objects[0]["name"] == "Secrétariat permanent du G5 Sahel"
    assert state_identity_id("ML") in {o["id"] for o in objects}  # same state id in any body


@pytest.mark.parametrize(
    "change",
    [
        {"members": []},
        {"members": [{"code": "XX", "names": {"en": "Nowhere"}}]},
        {"members": [{"code": "ML", "names": {"en": "Mali"}}, {"code": "ml", "names": {"en": "Mali"}}]},
        {"members": [{"code": "ML", "names": {}}]},
        {"secretariat": {"names": {"en": "No key"}}},
        {"updated": "yesterday"},
    ],
)
def test_bad_files(tmp_path, change):
    with pytest.raises(ConfigError):
        load_membership(write(tmp_path, {**CUSTOM, **change}))


def test_unreadable_file(tmp_path):
    with pytest.raises(ConfigError, match="missing.json"):
        load_membership(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_membership(bad)
