"""Row building: canonical hash, version key, search text, refusal of objects without id/type."""

import pytest

from marsad.errors import InvalidSTIX
from marsad.store.rows import build_row, content_hash, version_key
from marsad.store.timestamps import EPOCH, parse_timestamp


def test_hash_ignores_key_order_but_not_content():
    a = {"type": "x", "id": "x--1", "name": "هجوم"}
    assert content_hash(a) == content_hash(dict(reversed(list(a.items()))))
    assert content_hash(a) != content_hash({**a, "name": "هجوم "})


def test_version_key_falls_back_to_created_then_epoch():
    assert version_key({"modified": "2024-01-02T00:00:00Z", "created": "2024-01-01T00:00:00Z"}) == parse_timestamp(
        "2024-01-02T00:00:00Z"
    )
    assert version_key({"created": "2024-01-01T00:00:00Z"}) == parse_timestamp("2024-01-01T00:00:00Z")
    assert version_key({"type": "ipv4-addr"}) == EPOCH


def test_build_row_columns():
    obj = {"type": "report", "id": "report--1", "spec_version": "2.1", "created": "2024-01-01T00:00:00Z",
           "modified": "2024-01-01T00:00:00Z", "name": "Rapport annuel", "created_by_ref": "identity--9",
           "revoked": True}
    row = build_row(obj)
    assert row.values["type"] == "report" and row.values["revoked"] is True
    assert row.values["created_by_ref"] == "identity--9"
    assert row.values["search_text"] == "rapport annuel"
    assert row.key == ("report--1", parse_timestamp("2024-01-01T00:00:00Z"))


@pytest.mark.parametrize("bad", [{"type": "x"}, {"id": "x--1"}, {"id": "nodashes", "type": "x"}])
def test_objects_without_id_or_type_are_refused(bad):
    with pytest.raises(InvalidSTIX):
        build_row(bad)
