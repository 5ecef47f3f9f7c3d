"""`marsad sync`: credentials never on the command line, clear errors, positions listed and reset."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from marsad.cli import sync
from marsad.cli.main import MarsadGroup
from marsad.store import Store
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade
from marsad.store.sync_state import SyncKey, SyncState, save_state

runner = CliRunner()
REMOTE = "http://127.0.0.1:9/taxii2/marsad/"  # port 9 (discard): nothing listens


@pytest.fixture
def cli(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = make_engine(url)
    upgrade(engine)
    mirror = Store(engine).create_collection("Mirror", alias="mirror").id
    engine.dispose()
    app = typer.Typer(cls=MarsadGroup)

    @app.callback()
    def root() -> None:
        """test root"""

    sync.register(app)

    def invoke(*args, **kwargs):
        return runner.invoke(app, ["sync", *args, "--database-url", url], **kwargs)

    invoke.url, invoke.mirror = url, mirror
    return invoke


def test_status_empty_then_listed_then_reset(cli):
    assert "no sync has run yet" in cli("status").output
    engine = make_engine(cli.url)
    with engine.begin() as conn:
        save_state(conn, SyncState(SyncKey(REMOTE, "regional", cli.mirror, "pull"), "2026-01-01T00:00:00.5Z",
                                   objects_total=7, runs=2))
    engine.dispose()
    listed = cli("status")
    assert listed.exit_code == 0 and "2026-01-01T00:00:00.5Z" in listed.output and "objects 7" in listed.output
    reset = cli("reset", "--remote", REMOTE.rstrip("/"), "--collection", "regional", "--local", "mirror",
                "--direction", "pull")
    assert reset.exit_code == 0 and "forgotten" in reset.output
    assert "no sync has run yet" in cli("status").output


def test_unreachable_remote_is_a_message_and_is_remembered(cli):
    result = cli("pull", "--from", REMOTE, "--collection", "regional", "--into", "mirror", "--quiet")
    assert result.exit_code == 1 and "cannot reach" in result.output and "Traceback" not in result.output
    assert "last error: cannot reach" in cli("status").output


def test_credential_options(cli, monkeypatch):
    both = cli("pull", "--from", REMOTE, "--collection", "c", "--into", "mirror", "--user", "u",
               "--api-key-env", "K")
    assert both.exit_code == 1 and "not both" in both.output
    monkeypatch.delenv("MARSAD_TEST_UNSET_KEY", raising=False)
    unset = cli("pull", "--from", REMOTE, "--collection", "c", "--into", "mirror", "--api-key-env",
                "MARSAD_TEST_UNSET_KEY")
    assert unset.exit_code == 1 and "MARSAD_TEST_UNSET_KEY" in unset.output
    no_user = cli("pull", "--from", REMOTE, "--collection", "c", "--into", "mirror", "--password-stdin", input="pw\n")
    assert no_user.exit_code == 1 and "--user" in no_user.output
    bad_url = cli("pull", "--from", "ftp://x", "--collection", "c", "--into", "mirror")
    assert bad_url.exit_code == 1 and "http" in bad_url.output
