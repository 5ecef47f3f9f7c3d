"""`marsad monitor --once`, `marsad incidents` and `marsad up` through the real root command."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from marsad.access.auth import authenticate_basic
from marsad.cli import monitor as monitor_cli
from marsad.cli.main import COMMAND_MODULES, app
from marsad.store.engine import make_engine
from marsad.store.pipeline_items import pipeline_items

runner = CliRunner()
REPORTS = [
    {"id": "r1", "published": "2026-11-20", "lang": "en", "title": "Car bomb kills four in Mosul",
     "text": "MOSUL, Iraq (Nov. 20, 2026) - A car bomb exploded near a market in Mosul on Thursday, killing four "
             "civilians and wounding eleven others, police said."},
    {"id": "r2", "published": "2026-11-21", "lang": "en", "title": "Ministers meet on water policy",
     "text": "Ministers of agriculture met in Rabat on Friday to discuss water policy and irrigation budgets."},
]


@pytest.fixture
def run(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"

    def invoke(*args, input=None):
        return runner.invoke(app, ["--database-url", url, "--data-dir", str(tmp_path), *args], input=input)

    invoke.url = url
    return invoke


def test_registered():
    assert monitor_cli in COMMAND_MODULES


def test_monitor_needs_an_initialised_hub(run):
    result = run("monitor", "--once")
    assert result.exit_code == 1 and "marsad init" in result.output and "Traceback" not in result.output


def test_once_polls_processes_and_incidents_lists_them(run, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "reports.jsonl").write_text("\n".join(json.dumps(r) for r in REPORTS) + "\n", encoding="utf-8")
    assert run("init").exit_code == 0
    assert run("source", "add", "drop", "--folder", str(folder)).exit_code == 0
    once = run("monitor", "--once")
    assert once.exit_code == 0, once.output
    assert "polled 1 source(s): 2 new item(s)" in once.output and "processed 2" in once.output
    again = run("monitor", "--once")
    assert "processed 0" in again.output
    lines = run("incidents", "--format", "jsonl").stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == 1 and rows[0]["country"] == "IQ" and rows[0]["report_count"] == 1
    assert rows[0]["report_ids"][0].startswith("report--") and rows[0]["tlp"] == "clear"
    table = run("incidents", "--format", "table").stdout.splitlines()
    assert table[0].split("\t") == list(monitor_cli.TABLE_COLUMNS) and "\tIQ\t" in table[1]
    assert run("incidents", "--country", "MA", "--format", "jsonl").stdout.strip() == ""


@pytest.mark.parametrize("args, message", [
    (("incidents", "--format", "xml"), "unknown format"),
    (("incidents", "--as", "nobody"), "no active user"),
    (("incidents", "--attack-type", "Bombing"), "attack_type"),
])
def test_incidents_errors_are_one_line(run, args, message):
    assert run("init").exit_code == 0
    result = run(*args)
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_up_creates_an_admin_once_and_feeds_the_sample_once(run, monkeypatch):
    served = []

    def fake_serve(application, host, port, log_level):  # stands in for uvicorn: wait for the pipeline
        served.append((host, port))
        engine = application.state.engine
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                waiting = conn.execute(select(func.count()).select_from(pipeline_items).where(
                    pipeline_items.c.status == "pending")).scalar_one()
                total = conn.execute(select(func.count()).select_from(pipeline_items)).scalar_one()
            if total == 100 and waiting == 0:
                return
            time.sleep(0.2)

    monkeypatch.setattr(monitor_cli.uvicorn, "run", fake_serve)
    first = run("up", "--port", "18999", "--rate", "200")
    assert first.exit_code == 0, first.output
    assert "http://127.0.0.1:18999/" in first.output and "/taxii2/" in first.output
    assert "Feeding 100 bundled ISAF press releases" in first.output
    password = first.output.split("one-time password: ")[1].split()[0]
    engine = make_engine(run.url)
    assert authenticate_basic(engine, "admin", password).has_role("admin")
    listed = run("incidents", "--as", "admin", "--format", "jsonl").stdout.splitlines()
    assert len(listed) > 10
    second = run("up", "--port", "18999")
    assert second.exit_code == 0 and "one-time password" not in second.output and "Feeding" not in second.output
    assert "existing user" in second.output and served == [("127.0.0.1", 18999)] * 2
    engine.dispose()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_monitor_runs_until_sigint_or_sigterm(run, tmp_path, sig):
    assert run("init").exit_code == 0
    process = subprocess.Popen([sys.executable, "-m", "marsad", "--database-url", run.url, "--data-dir", str(tmp_path),
                                "monitor"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert "monitoring" in process.stdout.readline()
        time.sleep(1.0)
        assert process.poll() is None  # still running
        process.send_signal(sig)
        output, _ = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0 and "stopped" in output and "Traceback" not in output


def test_once_with_extraction_processes_files_the_same(run, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "reports.jsonl").write_text("\n".join(json.dumps(r) for r in REPORTS) + "\n", encoding="utf-8")
    assert run("init").exit_code == 0
    assert run("source", "add", "drop", "--folder", str(folder)).exit_code == 0
    once = run("monitor", "--once", "--extract-processes", "2")
    assert once.exit_code == 0, once.output
    assert "processed 2" in once.output and "incidents opened 1" in once.output and "failed 0" in once.output
    refused = run("monitor", "--once", "--extract-processes", "-1")
    assert refused.exit_code == 2 and "Traceback" not in refused.output


def test_monitor_owns_its_engine_s_wal_checkpoints_and_up_leaves_them_to_its_web_app(run, tmp_path, monkeypatch):
    """``marsad monitor`` runs its pipeline with background WAL checkpoints; ``marsad up`` shares its engine with
    the web app, whose lifespan checkpoints it, so its pipeline starts none (one checkpointer per engine)."""
    made = []
    real = monitor_cli.Pipeline
    monkeypatch.setattr(monitor_cli, "Pipeline", lambda *args, **kw: made.append(kw) or real(*args, **kw))
    assert run("init").exit_code == 0
    once = run("monitor", "--once", "--no-poll")
    assert once.exit_code == 0, once.output
    assert made[-1]["wal_checkpoints"] is True
    engine = make_engine(run.url)
    assert monitor_cli._pipeline(monitor_cli.Settings(), engine)._checkpointer is None  # what up makes
    engine.dispose()
