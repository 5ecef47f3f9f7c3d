"""Settings precedence: defaults < file < environment < explicit flags; bad values are clear errors."""

import pytest

from marsad.config import load_settings
from marsad.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("MARSAD_CONFIG", "MARSAD_PORT", "MARSAD_DATA_DIR", "MARSAD_DATABASE_URL", "MARSAD_HOST"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_use_sqlite_in_data_dir(tmp_path):
    settings = load_settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.as_posix()}/marsad.db"
    assert settings.is_sqlite and settings.port == 8800 and settings.host == "127.0.0.1"


def test_file_then_env_then_flags(tmp_path, monkeypatch):
    (tmp_path / "marsad.toml").write_text('port = 9001\nhost = "0.0.0.0"\n')
    assert load_settings(data_dir=tmp_path).port == 9001
    monkeypatch.setenv("MARSAD_PORT", "9002")
    settings = load_settings(data_dir=tmp_path)
    assert settings.port == 9002 and settings.host == "0.0.0.0"
    assert load_settings(data_dir=tmp_path, port=9003).port == 9003


def test_env_data_dir_and_database_url(tmp_path, monkeypatch):
    monkeypatch.setenv("MARSAD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MARSAD_DATABASE_URL", "postgresql+psycopg://db.example/marsad")
    settings = load_settings()
    assert settings.data_dir == tmp_path
    assert settings.resolved_database_url.startswith("postgresql") and not settings.is_sqlite


def test_marsad_config_env_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "other.toml"
    path.write_text("[marsad]\ndefault_language = 'fr'\n")
    monkeypatch.setenv("MARSAD_CONFIG", str(path))
    assert load_settings().default_language == "fr"


@pytest.mark.parametrize(
    "content, fragment",
    [("port = 'x'", "port"), ("default_language = 'de'", "default_language"), ("nonsense = 1", "unknown"),
     ("port = ", "not valid TOML")],
)
def test_bad_settings_are_clear_errors(tmp_path, content, fragment):
    (tmp_path / "marsad.toml").write_text(content)
    with pytest.raises(ConfigError) as info:
        load_settings(data_dir=tmp_path)
    assert fragment in info.value.message


def test_missing_config_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "absent.toml")
