"""`marsad source`: add/list/remove/test through the real root command, errors as messages, exit codes."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from marsad.cli.main import app

runner = CliRunner()


@pytest.fixture
def run(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"

    def invoke(*args):
        return runner.invoke(app, ["--database-url", url, "source", *args])

    return invoke


def test_add_list_remove(run, tmp_path):
    added = run("add", "wire", "--feed", "https://wire.example/rss", "--interval", "120")
    assert added.exit_code == 0, added.output
    assert "added feed source 'wire'" in added.output
    assert run("add", "drop", "--folder", str(tmp_path)).exit_code == 0
    listed = run("list")
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert lines[0].startswith("drop\tfolder") and lines[1].startswith("wire\tfeed\thttps://wire.example/rss")
    assert "every 120 s" in lines[1] and "\tok\t" in lines[1]
    assert run("remove", "wire").exit_code == 0
    assert "wire" not in run("list").output


@pytest.mark.parametrize("args, message", [
    (("add", "x"), "exactly one of"),
    (("add", "x", "--feed", "https://a.example/", "--page", "https://b.example/"), "exactly one of"),
    (("add", "x", "--feed", "file:///etc/passwd"), "not an http(s) URL"),
    (("add", "x", "--feed", "https://a.example/", "--interval", "1"), "at least"),
    (("remove", "nothing"), "no source called 'nothing'"),
    (("test", "nothing"), "no source called 'nothing'"),
])
def test_errors_are_messages(run, args, message):
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_duplicate_name(run):
    run("add", "wire", "--feed", "https://wire.example/rss")
    result = run("add", "wire", "--page", "https://other.example/")
    assert result.exit_code == 1 and "already exists" in result.output


def test_test_prints_items_and_health(run, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "a.jsonl").write_text('{"id": "1", "title": "First report", "text": "t", "published": "2026-11-01"}\n'
                                  '{"id": "2", "title": "First report", "text": "t"}\n')
    run("add", "drop", "--folder", str(drop))
    result = run("test", "drop")
    assert result.exit_code == 0, result.output
    assert "drop: 1 item(s) (2 before removing duplicates)" in result.output
    assert "[2026-11-01] First report" in result.output and "health: ok" in result.output
    again = run("test", "drop")  # stores nothing: the same file is read again
    assert "1 item(s)" in again.output


def test_test_of_a_failing_source_shows_the_error_and_exits_1(run):
    run("add", "local", "--feed", "http://127.0.0.1:9/feed")  # loopback, not allowed
    result = run("test", "local")
    assert result.exit_code == 1
    assert "failing (1 in a row)" in result.output and "non-public address 127.0.0.1" in result.output
    assert "FAILING x1" in run("list").output
