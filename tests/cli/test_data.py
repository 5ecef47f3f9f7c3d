"""`marsad init`, `db`, `import`, `export` through the real command line, on a temporary data folder."""

import json

import pytest
from typer.testing import CliRunner

from marsad.cli.main import app
from marsad.model import tlp_marking

runner = CliRunner()
TLP_CLEAR = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
TLP_RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"


def _indicator(n: int, marking: str = TLP_CLEAR) -> dict:
    return {
        "type": "indicator", "spec_version": "2.1", "id": f"indicator--00000000-0000-4000-8000-{n:012d}",
        "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
        "name": f"wallet {n}", "pattern": f"[ipv4-addr:value = '10.0.0.{n % 250}']", "pattern_type": "stix",
        "valid_from": "2026-01-01T00:00:00Z", "object_marking_refs": [marking],
    }


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("MARSAD_DATABASE_URL", raising=False)
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "init"])
    assert result.exit_code == 0, result.output
    return tmp_path


def test_init_is_idempotent_and_reports(data_dir):
    again = runner.invoke(app, ["init", "--data-dir", str(data_dir)])
    assert again.exit_code == 0 and " 0 reference objects added" in again.output
    current = runner.invoke(app, ["db", "current", "--data-dir", str(data_dir)])
    assert current.exit_code == 0 and "empty" not in current.output


def test_import_then_export_clear_only_without_user(data_dir, tmp_path):
    bundle = {"type": "bundle", "id": "bundle--6f6c5d0c-0000-4000-8000-000000000001",
              "objects": [_indicator(1), _indicator(2, TLP_RED)]}
    path = tmp_path / "in.json"
    path.write_text(json.dumps(bundle))
    result = runner.invoke(app, ["import", str(path), "--data-dir", str(data_dir)])
    assert result.exit_code == 0 and "2 added" in result.output, result.output
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["export", "--data-dir", str(data_dir), "-c", "regional", "-o", str(out)])
    assert result.exit_code == 0, result.output
    ids = {o["id"] for o in json.loads(out.read_text())["objects"]}
    assert _indicator(1)["id"] in ids and _indicator(2)["id"] not in ids


def test_import_jsonl_from_stdin(data_dir):
    lines = "\n".join(json.dumps(_indicator(n)) for n in range(3, 6))
    result = runner.invoke(app, ["import", "-", "--data-dir", str(data_dir)], input=lines)
    assert result.exit_code == 0 and "3 added" in result.output, result.output


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "JSON"),
        (json.dumps({"type": "indicator", "id": "indicator--x"}), "indicator--x"),
        (json.dumps({**_indicator(7), "spec_version": "2.0"}), "spec_version"),
        (json.dumps({**_indicator(8), "object_marking_refs": ["marking-definition--11111111-2222-4333-8444-555555555555"]}),
         "marking"),
    ],
)
def test_bad_imports_fail_clearly_and_store_nothing(data_dir, tmp_path, content, message):
    good_then_bad = tmp_path / "bad.jsonl"
    good_then_bad.write_text(json.dumps(_indicator(9)) + "\n" + content + "\n")
    result = runner.invoke(app, ["import", str(good_then_bad), "--data-dir", str(data_dir)])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    out = tmp_path / "out.json"
    runner.invoke(app, ["export", "--data-dir", str(data_dir), "--type", "indicator", "-o", str(out)])
    assert _indicator(9)["id"] not in out.read_text()


def test_oversized_and_missing_files(data_dir, tmp_path, monkeypatch):
    missing = runner.invoke(app, ["import", str(tmp_path / "absent.json"), "--data-dir", str(data_dir)])
    assert missing.exit_code == 1 and "no such file" in missing.output
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"type": "bundle", "id": "bundle--x", "objects": [_indicator(1)] * 200}))
    monkeypatch.setenv("MARSAD_MAX_CONTENT_LENGTH", "2048")
    result = runner.invoke(app, ["import", str(big), "--data-dir", str(data_dir)])
    assert result.exit_code == 1 and "larger than" in result.output


def test_unknown_export_user_is_an_error(data_dir):
    result = runner.invoke(app, ["export", "--as", "nobody", "--data-dir", str(data_dir)])
    assert result.exit_code == 1 and "nobody" in result.output


def test_tlp_marking_helper_matches_constant():
    assert tlp_marking("clear")["id"] == TLP_CLEAR


def test_unknown_import_format(data_dir, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n")
    result = runner.invoke(app, ["import", "nosuchformat", str(path), "--data-dir", str(data_dir)])
    assert result.exit_code == 1 and "unknown import format" in result.output


def test_explicit_stix_format(data_dir, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(_indicator(42)))
    result = runner.invoke(app, ["import", "stix", str(path), "--data-dir", str(data_dir)])
    assert result.exit_code == 0 and "1 added" in result.output, result.output
