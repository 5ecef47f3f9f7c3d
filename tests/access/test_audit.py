"""The audit API: entries for each kind of event, and verify_chain catching every kind of tampering."""

from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, text, update

from marsad.access.audit import (
    chain_head,
    export_entries,
    record,
    record_admin,
    record_denial,
    record_export,
    record_login,
    record_read,
    record_write,
    verify_chain,
)
from marsad.access.context import Viewer
from marsad.errors import InputError
from marsad.store.audit import ChainHead, audit_head, audit_log, entry_fields, entry_hash

ALI = Viewer(username="ali", org_name="SA CT", identity_id="identity--1", country="SA")


def _fill(engine, n: int = 6) -> None:
    for i in range(n):
        record_read(engine, ALI, [f"indicator--{i}", f"indicator--{i}"], remote_addr="192.0.2.7", page=i)


def test_each_kind_of_event_is_recorded_without_content(engine):
    record_read(engine, ALI, ["indicator--b", "indicator--a"], remote_addr="192.0.2.7", collection="c1")
    record_write(engine, ALI, ["incident--1"])
    record_export(engine, ALI, ["incident--1"], format="stix-bundle")
    record_denial(engine, ALI, "read", ["incident--2"], reason="tlp:red, not a recipient")
    record_login(engine, ALI, method="password")
    record_admin(engine, "system", "user.add", user="bob")
    entries = list(export_entries(engine))
    assert [e["action"] for e in entries] == ["read", "write", "export", "deny", "login", "admin"]
    assert entries[0]["object_ids"] == ["indicator--a", "indicator--b"]
    assert entries[0]["actor"] == "ali" and entries[0]["org"] == "SA CT" and entries[0]["remote_addr"] == "192.0.2.7"
    assert entries[3]["detail"] == {"attempted": "read", "reason": "tlp:red, not a recipient"}
    assert entries[5]["actor"] == "system" and entries[5]["org"] is None
    assert verify_chain(engine).ok and chain_head(engine).seq == 6


def test_unknown_action_and_missing_actor_are_refused(engine):
    with pytest.raises(InputError):
        record(engine, ALI, "delete-everything")
    with pytest.raises(InputError):
        record(engine, "", "read")


def test_entry_in_callers_transaction_rolls_back_with_it(engine):
    with pytest.raises(RuntimeError):
        with engine.begin() as conn:
            record_write(conn, ALI, ["incident--1"])
            raise RuntimeError("the write failed")
    assert chain_head(engine).seq == 0 and verify_chain(engine).ok


def test_intact_chain_verifies_and_empty_chain_too(engine):
    assert verify_chain(engine).ok
    _fill(engine)
    result = verify_chain(engine)
    assert result.ok and result.entries == 6 and result.first_bad_seq is None


def _sql(engine, statement) -> None:
    with engine.begin() as conn:
        conn.execute(statement)


def test_edited_entry_is_found(engine):
    _fill(engine)
    _sql(engine, update(audit_log).where(audit_log.c.seq == 3).values(actor="mallory"))
    result = verify_chain(engine)
    assert not result.ok and result.first_bad_seq == 3 and "altered" in result.reason


def test_edited_entry_with_recomputed_hash_breaks_the_next_link(engine):
    _fill(engine)
    with engine.begin() as conn:
        row = conn.execute(audit_log.select().where(audit_log.c.seq == 3)).one()
        fields = entry_fields(3, row.at, "mallory", row.org, row.action, row.object_ids, row.detail, row.remote_addr)
        conn.execute(update(audit_log).where(audit_log.c.seq == 3)
                     .values(actor="mallory", hash=entry_hash(row.prev_hash, fields)))
    result = verify_chain(engine)
    assert not result.ok and result.first_bad_seq == 4


def test_deleted_entry_is_found(engine):
    _fill(engine)
    _sql(engine, delete(audit_log).where(audit_log.c.seq == 2))
    result = verify_chain(engine)
    assert not result.ok and result.first_bad_seq == 2 and "missing" in result.reason


def test_deleted_last_entries_are_found_by_the_head(engine):
    _fill(engine)
    _sql(engine, delete(audit_log).where(audit_log.c.seq >= 5))
    result = verify_chain(engine)
    assert not result.ok and result.first_bad_seq == 5 and "removed" in result.reason


def test_rewritten_tail_and_head_are_found_by_an_outside_anchor(engine):
    _fill(engine)
    anchor = chain_head(engine)
    _sql(engine, delete(audit_log).where(audit_log.c.seq >= 5))
    with engine.begin() as conn:
        last = conn.execute(audit_log.select().where(audit_log.c.seq == 4)).one()
        conn.execute(update(audit_head).values(seq=4, hash=last.hash))
    assert verify_chain(engine).ok, "inside the database the cut is now invisible…"
    result = verify_chain(engine, expected_head=anchor)
    assert not result.ok and result.first_bad_seq == 5, "…but not against the exported head"
    assert not verify_chain(engine, expected_head=ChainHead(3, "f" * 64)).ok
    assert verify_chain(engine, expected_head=ChainHead(3, list(export_entries(engine))[2]["hash"])).ok


def test_inserted_entries_are_found(engine):
    _fill(engine)
    with engine.begin() as conn:
        row = conn.execute(audit_log.select().where(audit_log.c.seq == 6)).one()
        forged = entry_fields(7, row.at, "mallory", None, "read", [], {}, None)
        conn.execute(insert(audit_log).values(seq=7, at=row.at, actor="mallory", org=None, action="read",
                                              object_ids=[], detail={}, remote_addr=None, prev_hash=row.hash,
                                              hash=entry_hash(row.hash, forged)))
    result = verify_chain(engine)
    assert not result.ok and result.first_bad_seq == 7 and "outside the trail" in result.reason
    _sql(engine, delete(audit_log).where(audit_log.c.seq == 7))
    _sql(engine, text("UPDATE audit_log SET seq = seq + 10 WHERE seq = 6"))
    result = verify_chain(engine)
    assert not result.ok and result.first_bad_seq == 6


def test_long_actor_and_address_are_cut_and_bad_detail_refused(engine):
    entry = record_denial(engine, "x" * 500, "sign-in", reason="wrong credentials", remote_addr="f" * 100)
    assert len(entry.actor) == 64 and len(entry.remote_addr) == 64 and verify_chain(engine).ok
    with pytest.raises(InputError):
        record(engine, ALI, "read", detail={"when": object()})


def test_forged_entry_numbered_zero_is_found(engine):
    _fill(engine, 3)
    with engine.begin() as conn:
        row = conn.execute(audit_log.select().where(audit_log.c.seq == 1)).one()
        conn.execute(insert(audit_log).values(seq=0, at=row.at, actor="mallory", org=None, action="read",
                                              object_ids=[], detail={}, remote_addr=None, prev_hash="0" * 64,
                                              hash="0" * 64))
    result = verify_chain(engine)
    assert not result.ok and result.first_bad_seq == 0


def test_verifying_a_live_trail_gives_no_false_alarm(engine):
    _fill(engine, 3)
    stop, results = threading.Event(), []

    def verifier() -> None:
        while not stop.is_set():
            results.append(verify_chain(engine))

    thread = threading.Thread(target=verifier)
    thread.start()
    try:
        for n in range(40):
            record_write(engine, ALI, [f"incident--{n}"])
    finally:
        stop.set()
        thread.join()
    assert results and all(r.ok for r in results), [r for r in results if not r.ok][:1]


def test_deleted_head_record_is_found(engine):
    _fill(engine, 3)
    _sql(engine, delete(audit_head))
    result = verify_chain(engine)
    assert not result.ok and "head" in result.reason


FIELDS = {"actor": "mallory", "org": "Other Org", "action": "write", "object_ids": ["indicator--forged"],
          "detail": {"forged": 1}, "remote_addr": "198.51.100.9", "prev_hash": "1" * 64, "hash": "2" * 64}
tamper_st = st.one_of(
    st.tuples(st.just("edit"), st.integers(1, 5), st.sampled_from(sorted(FIELDS))),
    st.tuples(st.just("delete"), st.sets(st.integers(1, 5), min_size=1), st.none()),
    st.tuples(st.just("swap"), st.integers(1, 4), st.none()),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tamper=tamper_st)
def test_any_tampering_is_detected(engine, tamper):
    with engine.begin() as conn:
        conn.execute(delete(audit_log))
        conn.execute(delete(audit_head))
    _fill(engine, 5)
    kind, target, field = tamper
    with engine.begin() as conn:
        if kind == "edit":
            conn.execute(update(audit_log).where(audit_log.c.seq == target).values({field: FIELDS[field]}))
        elif kind == "delete":
            conn.execute(delete(audit_log).where(audit_log.c.seq.in_(sorted(target))))
        else:  # two neighbours exchange places
            conn.execute(update(audit_log).where(audit_log.c.seq == target).values(seq=-1))
            conn.execute(update(audit_log).where(audit_log.c.seq == target + 1).values(seq=target))
            conn.execute(update(audit_log).where(audit_log.c.seq == -1).values(seq=target + 1))
    result = verify_chain(engine)
    assert not result.ok and result.first_bad_seq is not None
    first_touched = target if kind != "delete" else min(target)
    assert result.first_bad_seq <= first_touched + 1
