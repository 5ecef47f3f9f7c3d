"""`marsad audit verify|export|head`: an intact trail passes, a tampered one exits 1 naming the entry, exports
verify on their own and against a kept head."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, update
from typer.testing import CliRunner

from marsad.access.audit import record_read
from marsad.access.audit_export import HOW_TO_VERIFY
from marsad.store.audit import audit_log
from marsad.cli.main import app


APP = app  # the real command line, with every group registered


@pytest.fixture
def run(database_url, engine):
    for n in range(5):
        record_read(engine, "ali", [f"indicator--{n}"], remote_addr="192.0.2.1")
    runner = CliRunner()

    def invoke(*args: str, code: int = 0, input: str | None = None):
        result = runner.invoke(APP, ["audit", *args, "--database-url", database_url], input=input)
        assert result.exit_code == code, (result.output, result.exception)
        return result

    invoke.engine = engine
    return invoke


def test_verify_intact_and_broken(run):
    assert "intact: 5 entries" in run("verify").output
    with run.engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 2).values(object_ids=["indicator--other"]))
    result = run("verify", "--json", code=1)
    assert json.loads(result.stdout)["first_bad_seq"] == 2
    assert "BROKEN at entry 2" in run("verify", code=1).output


def test_export_verifies_independently_and_anchors(run, tmp_path):
    kept = run("head").output.strip()
    assert kept.startswith("5:")
    target = tmp_path / "audit.jsonl"
    run("export", "--output", str(target))
    lines = target.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["head"]["seq"] == 5 and header["how_to_verify"] == HOW_TO_VERIFY and len(lines) == 6
    assert "intact: 5 entries" in run("verify", "--file", str(target), "--expect-head", kept).output
    # the export was itself audited, so the database moved on; the kept head is still on the chain
    assert "intact: 6 entries" in run("verify", "--expect-head", kept).output
    edited = json.loads(lines[3])
    edited["actor"] = "mallory"
    target.write_text("\n".join([*lines[:3], json.dumps(edited), *lines[4:]]), encoding="utf-8")
    assert "BROKEN at entry 3" in run("verify", "--file", str(target), code=1).output
    target.write_text("\n".join(lines[:-1]), encoding="utf-8")
    assert "BROKEN at entry 5" in run("verify", "--file", str(target), code=1).output


def test_cut_tail_is_caught_by_kept_head(run):
    kept = run("head").output.strip()
    with run.engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 5))
    assert "BROKEN at entry 5" in run("verify", "--expect-head", kept, code=1).output


def test_export_since_to_stdout_and_bad_input(run):
    out = run("export", "--since", "2000-01-01").stdout.splitlines()
    assert json.loads(out[0])["since"].startswith("2000-01-01") and len(out) == 6
    assert "Error: --since" in run("export", "--since", "yesterday", code=1).output
    assert "Error:" in run("verify", "--expect-head", "nonsense", code=1).output
