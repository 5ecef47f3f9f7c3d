"""`marsad import gtd|acled`, `marsad trends`, `marsad warnings` through the real command line."""

from __future__ import annotations

import csv
import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from marsad.access import create_organisation, create_user, set_membership
from marsad.cli.main import app
from marsad.monitor.subscriptions import create_subscription
from marsad.store import make_engine
from marsad.store.incidents import incident_facts

runner = CliRunner()
HEADER = ["eventid", "iyear", "imonth", "iday", "country_txt", "provstate", "city", "attacktype1_txt", "gname",
          "nkill", "nwound"]


def _gtd_file(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _history(months=15, last=10):
    """Invented rows: Iraq 2 a month for ``months - 1`` months then ``last``; Syria 1 a month."""
    rows, n = [], 0
    for index in range(months):
        year, month = 2020 + index // 12, index % 12 + 1
        for country, count in (("Iraq", last if index == months - 1 else 2), ("Syria", 1)):
            for k in range(count):
                n += 1
                rows.append([f"{year}{month:02d}{k + 1:02d}{n:04d}", year, month, k + 1, country, "", "",
                             "Armed Assault", "Group A" if country == "Iraq" else "Group B", "1", ""])
    return rows


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("MARSAD_DATABASE_URL", raising=False)
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "init"])
    assert result.exit_code == 0, result.output
    return tmp_path


def _run(data_dir, *args):
    result = runner.invoke(app, [*args, "--data-dir", str(data_dir)])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_import_then_trends_by_country_equal_the_file(data_dir, tmp_path):
    rows = _history()
    path = _gtd_file(tmp_path / "gtd.csv", rows)
    out = _run(data_dir, "import", "gtd", str(path), "--tlp", "clear")
    assert f"{len(rows)} incidents added" in out
    doc = json.loads(_run(data_dir, "trends", "--by", "country", "--format", "json"))
    assert {line["key"]: line["incidents"] for line in doc["lines"]} == {"IQ": 2 * 14 + 10, "SY": 15}
    again = _run(data_dir, "import", "gtd", str(path), "--tlp", "clear")
    assert "0 incidents added" in again and f"{len(rows)} already present" in again
    monthly = json.loads(_run(data_dir, "trends", "--by", "group", "--period", "month", "--format", "json"))
    assert monthly["current"] == "2021-03-01" and monthly["previous"] == "2021-02-01"
    group_a = next(line for line in monthly["lines"] if line["key"] == "Group A")
    assert (group_a["current"]["incidents"], group_a["previous"]["incidents"], group_a["last_year"]["incidents"]) == \
        (10, 2, 2)
    assert group_a["change_previous_pct"] == 400.0
    table = _run(data_dir, "trends", "--by", "attack_type")
    assert "Armed Assault" in table


def test_warnings_flag_the_rise(data_dir, tmp_path):
    _run(data_dir, "import", "gtd", str(_gtd_file(tmp_path / "gtd.csv", _history())), "--tlp", "clear")
    doc = json.loads(_run(data_dir, "warnings", "--format", "json"))
    flagged = {(a["dimension"], a["key"]) for a in doc["alerts"]}
    assert ("country", "IQ") in flagged and ("group", "Group A") in flagged
    assert all(a["key"] not in ("SY", "Group B") for a in doc["alerts"])
    assert "country: IQ" in _run(data_dir, "warnings")


def test_without_as_only_clear_counts_and_with_as_the_users_view(data_dir, tmp_path):
    _run(data_dir, "import", "gtd", str(_gtd_file(tmp_path / "gtd.csv", _history(3, 2))))  # TLP:GREEN by default
    doc = json.loads(_run(data_dir, "trends", "--by", "country", "--format", "json"))
    assert doc["lines"] == []
    engine = make_engine(f"sqlite:///{(data_dir / 'marsad.db').as_posix()}")
    try:
        create_organisation(engine, "Jordan CT", "JO")
        create_user(engine, "ali", "Jordan CT", "analyst", "correct horse battery")
        set_membership(engine, "regional", "Jordan CT")
    finally:
        engine.dispose()
    seen = json.loads(_run(data_dir, "trends", "--by", "country", "--format", "json", "--as", "ali"))
    assert {line["key"]: line["incidents"] for line in seen["lines"]} == {"IQ": 6, "SY": 3}


def test_bad_options_are_user_errors(data_dir, tmp_path):
    result = runner.invoke(app, ["trends", "--by", "colour", "--data-dir", str(data_dir)])
    assert result.exit_code == 1 and "colour" in result.output
    result = runner.invoke(app, ["import", "gtd", str(tmp_path / "none.csv"), "--data-dir", str(data_dir)])
    assert result.exit_code == 1 and "no such file" in result.output
    path = _gtd_file(tmp_path / "g.csv", _history(1, 1))
    result = runner.invoke(app, ["import", "gtd", str(path), "--tlp", "purple", "--data-dir", str(data_dir)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    result = runner.invoke(app, ["trends", "--at", "yesterday", "--period", "month", "--data-dir", str(data_dir)])
    assert result.exit_code == 1 and "--at" in result.output


def _incident_id(data_dir, event_id: str) -> str:
    engine = make_engine(f"sqlite:///{(data_dir / 'marsad.db').as_posix()}")
    try:
        with engine.connect() as conn:
            return conn.execute(select(incident_facts.c.stix_id).where(
                incident_facts.c.source_event_id == event_id)).scalar_one()
    finally:
        engine.dispose()


def test_brief_in_three_languages_as_text_and_json(data_dir, tmp_path):
    rows = [["201605120001", 2016, 5, 12, "Iraq", "Baghdad", "Baghdad", "Bombing/Explosion", "Group A", "3", "2"],
            ["201604020001", 2016, 4, 2, "Iraq", "Baghdad", "Baghdad", "Bombing/Explosion", "Group A", "1", "0"]]
    _run(data_dir, "import", "gtd", str(_gtd_file(tmp_path / "gtd.csv", rows)), "--tlp", "clear")
    incident = _incident_id(data_dir, "201605120001")
    english = _run(data_dir, "brief", incident, "--lang", "en")
    assert "Bombing/Explosion in Baghdad, Iraq, 12 May 2016." in english and "3 killed, 2 wounded." in english
    assert "2 April 2016" in english  # the similar past incident
    arabic = _run(data_dir, "brief", incident, "--lang", "ar")
    assert "٣ قتلى وجريحان." in arabic
    doc = json.loads(_run(data_dir, "brief", incident, "--lang", "fr", "--format", "json"))
    assert doc["lang"] == "fr" and doc["similar"][0]["killed"] == 1
    assert all(s["fields"] for section in doc["sections"] for s in section["statements"])


def test_brief_of_a_hidden_or_unknown_incident_is_an_error(data_dir, tmp_path):
    rows = [["201605120001", 2016, 5, 12, "Iraq", "", "", "Armed Assault", "Group A", "1", ""]]
    _run(data_dir, "import", "gtd", str(_gtd_file(tmp_path / "gtd.csv", rows)))  # GREEN: not seen without --as
    incident = _incident_id(data_dir, "201605120001")
    for wanted in (incident, "incident--00000000-0000-4000-8000-000000000000"):
        result = runner.invoke(app, ["brief", wanted, "--lang", "en", "--data-dir", str(data_dir)])
        assert result.exit_code == 1 and "no incident" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["brief", incident, "--lang", "de", "--data-dir", str(data_dir)])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_warnings_alert_records_alerts_for_watching_subscriptions(data_dir, tmp_path):
    _run(data_dir, "import", "gtd", str(_gtd_file(tmp_path / "gtd.csv", _history())))  # GREEN
    engine = make_engine(f"sqlite:///{(data_dir / 'marsad.db').as_posix()}")
    try:
        create_organisation(engine, "Jordan CT", "JO")
        create_user(engine, "ali", "Jordan CT", "analyst", "correct horse battery")
        set_membership(engine, "regional", "Jordan CT")
        create_subscription(engine, "ali", "Iraq", {"countries": ["IQ"]}, language="en")
    finally:
        engine.dispose()
    out = _run(data_dir, "warnings", "--alert")
    assert out.startswith("Warning alerts sent: 1 (") and "views of 1 subscribers" in out
    assert _run(data_dir, "warnings", "--alert").startswith("Warning alerts sent: 0 (")
