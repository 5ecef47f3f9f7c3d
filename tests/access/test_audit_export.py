"""Exports verify on their own (no database), partial exports check their links, anchors catch cut tails."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest

from marsad.access.audit import chain_head, record
from marsad.access.audit_export import EXPORT_FORMAT, export_lines, parse_head, verify_export
from marsad.errors import InvalidJSON
from marsad.store.accounts import utcnow
from marsad.store.audit import ChainHead


@pytest.fixture
def lines(engine):
    start = utcnow() - timedelta(hours=1)
    for n in range(6):
        record(engine, "ali", "read", [f"indicator--{n}"], at=start + timedelta(minutes=n))
    return list(export_lines(engine)), start


def test_header_then_entries(lines):
    exported, _ = lines
    header = json.loads(exported[0])
    assert header["format"] == EXPORT_FORMAT and header["head"]["seq"] == 6 and len(exported) == 7
    assert verify_export(exported).ok and verify_export(exported).entries == 6


def test_the_description_is_enough_to_verify_by_hand(lines):
    """Re-implement the check from the header's words only: sha256(prev_hash + canonical JSON of the fields)."""
    exported, _ = lines
    prev = "0" * 64
    for line in exported[1:]:
        entry = json.loads(line)
        fields = {k: entry[k] for k in ("seq", "at", "actor", "org", "action", "object_ids", "detail", "remote_addr")}
        text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert entry["prev_hash"] == prev
        assert hashlib.sha256((prev + text).encode("utf-8")).hexdigest() == entry["hash"]
        prev = entry["hash"]


def test_partial_export_checks_its_own_links(engine, lines):
    _, start = lines
    partial = list(export_lines(engine, since=start + timedelta(minutes=3)))
    assert len(partial) == 4 and verify_export(partial).ok
    assert not verify_export([partial[0], partial[1], partial[3]]).ok


@pytest.mark.parametrize("damage,bad_seq", [
    (lambda ls: ls[:3] + ls[4:], 3),            # an entry removed
    (lambda ls: ls[:-1], 6),                     # the last entry removed
    (lambda ls: ls[:2] + [ls[2].replace('"ali"', '"bob"')] + ls[3:], 2),  # an entry edited
])
def test_damaged_exports_fail(lines, damage, bad_seq):
    exported, _ = lines
    result = verify_export(damage(exported))
    assert not result.ok and result.first_bad_seq == bad_seq


def test_anchor_from_an_earlier_export(engine, lines):
    exported, _ = lines
    kept = ChainHead(4, json.loads(exported[4])["hash"])
    assert verify_export(exported, expected_head=kept).ok
    assert not verify_export(exported, expected_head=ChainHead(4, "0" * 64)).ok
    assert not verify_export(exported, expected_head=ChainHead(9, "0" * 64)).ok
    assert parse_head(f"6:{chain_head(engine).hash}") == chain_head(engine)


@pytest.mark.parametrize("text", ["", "6", "x:abc", "6:short"])
def test_bad_heads_are_refused(text):
    with pytest.raises(InvalidJSON):
        parse_head(text)


def test_not_an_export():
    assert not verify_export([]).ok and not verify_export(['{"format": "other"}']).ok
    with pytest.raises(InvalidJSON):
        verify_export([json.dumps({"format": EXPORT_FORMAT, "head": {"seq": 0, "hash": "0" * 64}}), "{not json"])
