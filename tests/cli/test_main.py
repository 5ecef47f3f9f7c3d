"""The command line: help explains, errors are a message and a non-zero exit, options resolve everywhere."""

from typer.testing import CliRunner

from marsad import __version__
from marsad.cli.main import app

runner = CliRunner()


def test_help_and_version():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "serve" in result.output
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_data_dir_before_or_after_the_command(tmp_path):
    before = runner.invoke(app, ["--data-dir", str(tmp_path), "config"])
    after = runner.invoke(app, ["config", "--data-dir", str(tmp_path)])
    assert before.exit_code == after.exit_code == 0
    assert f"sqlite:///{tmp_path}" in before.output and f"sqlite:///{tmp_path}" in after.output


def test_password_is_hidden_in_config():
    result = runner.invoke(app, ["config", "--database-url", "postgresql+psycopg://u:secret@h/db"])
    assert result.exit_code == 0 and ":secret@" not in result.output and "u:***@h/db" in result.output


def test_marsad_errors_become_messages(tmp_path):
    (tmp_path / "marsad.toml").write_text("port = 'x'")
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "config"])
    assert result.exit_code == 1 and "invalid setting port" in result.output
    assert "Traceback" not in result.output
