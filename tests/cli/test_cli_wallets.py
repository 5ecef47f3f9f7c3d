"""`marsad wallet`: validate offline, add and check as a named user, errors as messages."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from marsad.access.accounts import create_organisation, create_user
from marsad.access.memberships import set_membership
from marsad.cli import wallets
from marsad.cli.main import MarsadGroup
from marsad.store import Store
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade

ETH = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
runner = CliRunner()


@pytest.fixture
def cli(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = make_engine(url)
    upgrade(engine)
    for code in ("SA", "JO", "EG"):
        create_organisation(engine, f"{code} unit", code)
        create_user(engine, code.lower(), f"{code} unit", "analyst", "a long enough password")
    Store(engine).create_collection("Regional", alias="regional")
    for code in ("SA", "JO", "EG"):
        set_membership(engine, "regional", f"{code} unit", read=True, write=True)
    engine.dispose()
    app = typer.Typer(cls=MarsadGroup)

    @app.callback()
    def root() -> None:
        """test root"""

    wallets.register(app)
    return lambda *args: runner.invoke(app, [*args, "--database-url", url] if args[:2] != ("wallet", "validate")
                                       else list(args))


def test_validate_offline(cli):
    result = cli("wallet", "validate", ETH.lower())
    assert result.exit_code == 0 and ETH in result.output and "ethereum" in result.output
    bad = cli("wallet", "validate", ETH[:-1] + "D")
    assert bad.exit_code == 1 and "checksum" in bad.output and "Traceback" not in bad.output


def test_add_and_check(cli):
    added = cli("wallet", "add", ETH, "--as", "sa", "--actor", "Group X", "--tlp", "amber", "--release-to", "JO")
    assert added.exit_code == 0, added.output
    seen = cli("wallet", "check", ETH.lower(), "--as", "jo", "--json")
    assert seen.exit_code == 0, seen.output
    body = json.loads(seen.output)
    assert body["known"] and body["matches"][0]["sighting_id"]
    unseen = cli("wallet", "check", ETH, "--as", "eg")
    assert unseen.exit_code == 0 and "no indicator you may see" in unseen.output


def test_unknown_user_is_an_error(cli):
    result = cli("wallet", "check", ETH, "--as", "nobody")
    assert result.exit_code == 1 and "nobody" in result.output
