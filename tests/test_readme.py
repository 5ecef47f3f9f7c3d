"""The README's two set-up commands are the ones CI runs: keep the docs honest."""

import re
from pathlib import Path

from typer.main import get_command

from marsad.cli.main import app
from marsad.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def _block_after(marker: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(re.escape(marker) + r"\s*```sh\n(.*?)```", text, re.S)
    assert match, f"README has no ```sh block after {marker}"
    return match.group(1).strip()


def test_readme_has_exactly_two_setup_commands():
    run, test = _block_after("<!-- run-command -->"), _block_after("<!-- test-command -->")
    assert ("marsad up" in run or "marsad init" in run) and "pip install" in run
    assert "pytest" in test and "pip install" in test
    assert (ROOT / "README.md").read_text(encoding="utf-8").count("```sh") == 2


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in ci and "MARSAD_TEST_POSTGRES_URL" in ci


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`MARSAD_{name.upper()}`" not in readme]
    assert not missing, f"document these settings in README.md: {missing}"


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = sorted(get_command(app).commands)
    missing = [name for name in commands if f"`marsad {name}" not in readme]
    assert commands and not missing, f"document these commands in README.md's table: {missing}"
