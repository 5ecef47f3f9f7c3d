"""`marsad subscription`: add, list and remove as a named user; bad filters are messages, not tracebacks."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from marsad.cli import alerts, main
from marsad.cli.main import MarsadGroup
from tests.monitor.alert_world import alert_world

runner = CliRunner()


@pytest.fixture
def cli(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    alert_world(url)[0].dispose()
    app = typer.Typer(cls=MarsadGroup)

    @app.callback()
    def root() -> None:
        """test root"""

    alerts.register(app)
    return lambda *args: runner.invoke(app, [*args, "--database-url", url])


def test_registered_in_the_main_command():
    assert alerts in main.COMMAND_MODULES


def test_add_list_remove(cli):
    added = cli("subscription", "add", "Maghreb bombings", "--as", "JO", "--region", "maghreb=MA,DZ,tn",
                "--attack-type", "Bombing/Explosion", "--min-killed", "2", "--keyword", "سوق",
                "--webhook", "https://hooks.example.org/m", "--language", "fr")
    assert added.exit_code == 0, added.output
    assert "webhook secret (shown once)" in added.output
    listed = json.loads(cli("subscription", "list", "--as", "jo", "--json").output)
    assert listed[0]["filters"] == {"regions": {"maghreb": ["MA", "DZ", "TN"]}, "attack_types": ["Bombing/Explosion"],
                                    "keywords": ["سوق"], "min_killed": 2}
    assert "no subscriptions" in cli("subscription", "list", "--as", "sa").output
    assert cli("subscription", "remove", str(listed[0]["id"]), "--as", "sa").exit_code == 1
    assert cli("subscription", "remove", str(listed[0]["id"]), "--as", "jo").exit_code == 0
    assert json.loads(cli("subscription", "list", "--as", "jo", "--json").output) == []


@pytest.mark.parametrize("args, named", [
    (("--attack-type", "Cyber"), "Cyber"),
    (("--country", "ZZ"), "ZZ"),
    (("--region", "nameless"), "NAME=CODE"),
    (("--email", "nobody"), "e-mail"),
    (("--webhook", "http://10.0.0.1/h"), "private"),
])
def test_bad_input_is_an_error_message(cli, args, named):
    result = cli("subscription", "add", "x", "--as", "jo", *args)
    assert result.exit_code == 1 and named in result.output and "Traceback" not in result.output
