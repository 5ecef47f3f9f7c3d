"""`marsad extract`: the JSON Lines contract (fields, order, error lines, stdin, exit codes)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from marsad.cli import main as cli_main
from marsad.cli.main import app
from marsad.monitor.extract import FIELDS

runner = CliRunner()
REPORTS = [
    {"id": "1", "text": "A bomb exploded at a bus station on Monday, killing three people.", "published": "2024-01-08"},
    {"id": "2", "text": "Les ministres ont adopté une stratégie commune contre le terrorisme.", "lang": "fr"},
    {"id": "3", "text": "اختطف مسلحون خمسة عمال في شركة نفطية."},
]


def _jsonl(rows) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows)


def _outputs(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_file_input_gives_one_record_per_line_in_order(tmp_path):
    path = tmp_path / "reports.jsonl"
    path.write_text(_jsonl(REPORTS), encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    outs = _outputs(result)
    assert [o["id"] for o in outs] == ["1", "2", "3"]
    assert all(tuple(o) == FIELDS for o in outs)
    assert outs[0]["is_incident"] and outs[0]["date"] == "2024-01-08"
    assert not outs[1]["is_incident"] and outs[1]["lang"] == "fr"
    assert outs[2]["lang"] == "ar"


@pytest.mark.parametrize("args", [["extract", "-"], ["extract"]])
def test_standard_input(args):
    result = runner.invoke(app, args, input=_jsonl(REPORTS[:2]))
    assert result.exit_code == 0, result.output
    assert [o["id"] for o in _outputs(result)] == ["1", "2"]


def test_bad_lines_become_error_lines_and_the_run_goes_on():
    rows = [REPORTS[0], "this is not json", {"id": "no-text"}, REPORTS[2]]
    result = runner.invoke(app, ["extract", "-"], input=_jsonl(rows))
    assert result.exit_code == 0
    outs = _outputs(result)
    assert len(outs) == 4
    assert outs[0]["id"] == "1" and "error" not in outs[0]
    assert set(outs[1]) == {"error"}
    assert outs[2]["id"] == "no-text" and outs[2]["error"]
    assert outs[3]["id"] == "3"


def test_missing_file_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 1
    assert "nope.jsonl" in result.output and "Traceback" not in result.output


def test_registered_on_the_marsad_command_when_assembled():
    names = {c.name or c.callback.__name__ for c in cli_main.app.registered_commands}
    if "extract" not in names and "extract_command" not in names:
        pytest.skip("marsad.cli.main does not register the extract module yet")
    result = runner.invoke(cli_main.app, ["extract", "-"], input=_jsonl(REPORTS[:1]))
    assert result.exit_code == 0 and _outputs(result)[0]["id"] == "1"
