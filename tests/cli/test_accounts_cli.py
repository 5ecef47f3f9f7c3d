"""`marsad org|user|key|collection`: the fixed interface works end to end on both backends, errors are messages."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from marsad.access.audit import export_entries
from marsad.access.auth import authenticate_basic, authenticate_key
from marsad.errors import AuthenticationError
from marsad.cli.main import app

PASSWORD = "correct horse battery"


APP = app  # the real command line, with every group registered


@pytest.fixture
def run(database_url, engine):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, ok: bool = True):
        result = runner.invoke(APP, [*args, "--database-url", database_url], input=input)
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result

    invoke.engine = engine
    return invoke


def test_org_user_key_flow(run):
    out = run("org", "add", "Saudi CT Unit", "--country", "SA").output
    assert "identity--" in out
    run("org", "add", "Secretariat", "--country", "EG", "--secretariat")
    orgs = json.loads(run("org", "list", "--json").output)
    assert [(o["name"], o["secretariat"]) for o in orgs] == [("Saudi CT Unit", False), ("Secretariat", True)]
    run("user", "add", "ali", "--org", "Saudi CT Unit", "--role", "analyst", "--password-stdin",
        input=PASSWORD + "\n")
    assert authenticate_basic(run.engine, "ali", PASSWORD).org_name == "Saudi CT Unit"
    key = run("key", "create", "ali").stdout.strip()
    assert key.startswith("msd_") and authenticate_key(run.engine, key).username == "ali"
    listed = json.loads(run("key", "list", "ali", "--json").output)
    assert len(listed) == 1 and key not in json.dumps(listed)
    run("key", "revoke", listed[0]["prefix"])
    with pytest.raises(AuthenticationError):
        authenticate_key(run.engine, key)
    users = json.loads(run("user", "list", "--json").output)
    assert users[0]["username"] == "ali" and users[0]["role"] == "analyst"
    actors = {e["actor"] for e in export_entries(run.engine)}
    assert len(actors) == 1 and actors.pop().startswith("cli")
    assert PASSWORD not in json.dumps(list(export_entries(run.engine)))


def test_collections_membership_and_grants(run):
    run("org", "add", "SA CT", "--country", "SA")
    run("org", "add", "Secretariat", "--country", "EG", "--secretariat")
    run("collection", "create", "Shared", "--alias", "shared")
    run("collection", "grant", "shared", "SA CT", "--write")
    run("collection", "open", "shared")
    run("collection", "grant-read", "shared", "Secretariat", "--max-tlp", "green", "--reason", "annual report")
    listed = json.loads(run("collection", "list", "--json").output)
    assert listed[0]["alias"] == "shared" and listed[0]["members"] == "SA CT:rw" and listed[0]["open"]
    changes = [e["detail"]["change"] for e in export_entries(run.engine)][-3:]
    assert changes == ["collection.member", "collection.open", "collection.grant_read"]
    run("collection", "grant-read", "shared", "Secretariat", "--revoke")
    run("collection", "revoke", "shared", "SA CT")


@pytest.mark.parametrize("args,input,message", [
    (("org", "add", "X", "--country", "XX"), None, "not an ISO 3166-1"),
    (("user", "add", "ali", "--org", "Nobody", "--role", "analyst", "--password-stdin"), PASSWORD + "\n",
     "no organisation"),
    (("user", "add", "ali", "--org", "SA CT", "--role", "analyst", "--password-stdin"), "short\n", "too short"),
    (("user", "add", "ali", "--org", "SA CT", "--role", "analyst"), "", "--password-stdin"),
    (("key", "revoke", "nope"), None, "no API key"),
    (("collection", "grant", "nope", "SA CT"), None, "no collection"),
])
def test_errors_are_user_messages(run, args, input, message):
    run("org", "add", "SA CT", "--country", "SA")
    result = run(*args, input=input, ok=False)
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_uninitialised_database_is_refused(tmp_path):
    result = CliRunner().invoke(APP, ["org", "list", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and "marsad init" in result.output
