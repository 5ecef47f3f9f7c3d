"""`marsad graph` (export as GraphML / STIX / JSON, neighbours, path, communities, centrality) through the real
command line, on incidents imported from a small invented GTD file."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from marsad.analysis.graph import place_id
from marsad.cli.main import app
from marsad.model.actors import threat_actor_id

runner = CliRunner()
HEADER = ["eventid", "iyear", "imonth", "iday", "country_txt", "provstate", "city", "attacktype1_txt", "gname",
          "nkill", "nwound"]
ROWS = [["202001010001", 2020, 1, 1, "Iraq", "Nineveh", "Mosul", "Armed Assault", "Group A", "1", ""],
        ["202001020001", 2020, 1, 2, "Iraq", "Nineveh", "Mosul", "Armed Assault", "Group A", "0", ""],
        ["202001030001", 2020, 1, 3, "Syria", "", "", "Armed Assault", "Group B", "0", ""],
        ["202001040001", 2020, 1, 4, "Iraq", "", "", "Armed Assault", "Group B", "0", ""]]
GROUP_A, GROUP_B = threat_actor_id("Group A"), threat_actor_id("Group B")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("MARSAD_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["--data-dir", str(tmp_path), "init"]).exit_code == 0
    path = tmp_path / "gtd.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    result = runner.invoke(app, ["import", "gtd", str(path), "--tlp", "clear", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    return tmp_path


def _run(data_dir, *args):
    result = runner.invoke(app, ["graph", *args, "--data-dir", str(data_dir)])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_export_json_graphml_and_stix(data_dir, tmp_path):
    doc = json.loads(_run(data_dir, "--format", "json"))
    kinds = {n["id"]: n["kind"] for n in doc["nodes"]}
    assert kinds[GROUP_A] == "group" and kinds[place_id("IQ")] == "place"
    assert sum(kind == "incident" for kind in kinds.values()) == 4
    active = next(e for e in doc["edges"] if e["source"] == GROUP_A and e["kind"] == "active-in")
    assert (active["weight"], active["first_seen"], active["last_seen"]) == (2, "2020-01-01", "2020-01-02")
    _run(data_dir, "--out", str(tmp_path / "g.graphml"))
    assert set(nx.read_graphml(tmp_path / "g.graphml").nodes) == set(kinds)
    _run(data_dir, "--format", "stix", "--out", str(tmp_path / "g.json"))
    bundle = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert bundle["type"] == "bundle" and any(o["id"] == GROUP_B for o in bundle["objects"])


def test_questions(data_dir):
    near = json.loads(_run(data_dir, "neighbours", GROUP_A, "--json"))
    assert place_id("IQ") in {n["id"] for n in near}
    path = json.loads(_run(data_dir, "path", GROUP_A, GROUP_B, "--json"))
    assert [p["id"] for p in path] == [GROUP_A, place_id("IQ"), GROUP_B]
    top = json.loads(_run(data_dir, "centrality", "--kind", "group", "--json"))
    assert {n["id"] for n in top} == {GROUP_A, GROUP_B}
    assert json.loads(_run(data_dir, "communities", "--json"))
    assert "Group A" in _run(data_dir, "centrality")


def test_errors_are_messages(data_dir):
    result = runner.invoke(app, ["graph", "neighbours", "threat-actor--nope", "--data-dir", str(data_dir)])
    assert result.exit_code == 1 and "Error: no node" in result.output
    result = runner.invoke(app, ["graph", "--since", "yesterday", "--data-dir", str(data_dir)])
    assert result.exit_code == 1 and "Error: --since" in result.output
