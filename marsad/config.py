"""One settings object for the whole of Marsad.

Precedence, lowest first: built-in defaults < a TOML file < ``MARSAD_*`` environment variables < explicit
arguments (what the CLI passes from its flags). The file is ``$MARSAD_CONFIG`` if set, else ``marsad.toml``
in the data folder, if present. Every field below is documented where it is declared, and ``marsad config``
prints the values in force.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from marsad.errors import ConfigError

__all__ = ["Settings", "load_settings", "default_data_dir"]


def default_data_dir() -> Path:
    """The per-user data folder: ``$XDG_DATA_HOME/marsad`` or ``~/.local/share/marsad``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "marsad"


class Settings(BaseSettings):
    """Marsad's settings; each can be set in the TOML file or as ``MARSAD_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="MARSAD_", extra="ignore", frozen=True)

    data_dir: Path = Field(default_factory=default_data_dir, description="Folder for the SQLite file, keys, caches.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; e.g. postgresql+psycopg://user@host/db. Default: SQLite file in data_dir.",
    )
    host: str = Field(default="127.0.0.1", description="Address `marsad serve` listens on.")
    port: int = Field(default=8800, ge=1, le=65535, description="Port `marsad serve` listens on.")
    max_content_length: int = Field(
        default=50 * 1024 * 1024, ge=1024, description="Largest request body or import file accepted, in bytes."
    )
    max_objects_per_bundle: int = Field(default=100_000, ge=1, description="Largest bundle accepted, in objects.")
    page_size: int = Field(default=100, ge=1, description="Default page size of TAXII and API listings.")
    max_page_size: int = Field(default=1000, ge=1, description="Largest page a client may ask for.")
    default_language: str = Field(default="ar", description="Language of the interface and alerts: ar, en or fr.")
    secret_key: str | None = Field(
        default=None, description="Key that signs sessions and webhooks; generated into data_dir if unset."
    )
    log_level: str = Field(default="INFO", description="Python logging level.")
    public_url: str | None = Field(
        default=None, description="Address users reach this hub at, for links in alerts (default: http://host:port)."
    )
    map_tile_url: str | None = Field(
        default=None,
        description="Tile URL template for web maps, e.g. https://tiles.example.org/{z}/{x}/{y}.png (default: "
        "country shapes only, nothing fetched).",
    )
    membership_file: Path | None = Field(
        default=None,
        description="JSON file of the regional body and its member states (default: the bundled Arab League file).",
    )

    smtp_host: str | None = Field(
        default=None, description="SMTP server that sends alert e-mails (default: none, e-mail alerts are not sent)."
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_user: str | None = Field(default=None, description="User name to sign in to the SMTP server (optional).")
    smtp_password: str | None = Field(default=None, description="Password to sign in to the SMTP server (optional).")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection with STARTTLS.")
    mail_from: str = Field(default="marsad@localhost", description="Sender address of alert e-mails.")

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in {"ar", "en", "fr"}:
            raise ValueError("must be one of ar, en, fr")
        return value

    @property
    def resolved_database_url(self) -> str:
        """The database URL in force: the configured one, or the SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'marsad.db').as_posix()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")


def _config_path(data_dir: Any) -> Path | None:
    """The settings file in force: ``$MARSAD_CONFIG``, else ``marsad.toml`` in the data folder if present."""
    explicit = os.environ.get("MARSAD_CONFIG")
    if explicit:
        return Path(explicit)
    candidate = Path(data_dir or os.environ.get("MARSAD_DATA_DIR") or default_data_dir()) / "marsad.toml"
    return candidate if candidate.is_file() else None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read settings file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from exc
    return data.get("marsad", data)


def load_settings(config_file: Path | str | None = None, **overrides: Any) -> Settings:
    """Build the settings in force: defaults < file < environment < ``overrides`` (None values ignored)."""
    overrides = {k: v for k, v in overrides.items() if v is not None}
    path = Path(config_file) if config_file else _config_path(overrides.get("data_dir"))
    from_file = _read_file(path) if path else {}
    unknown = sorted(set(from_file) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(f"unknown setting(s) in {path}: {', '.join(unknown)}")
    # the environment ranks above the file: keep only file values the environment does not set
    layered = {k: v for k, v in from_file.items() if f"MARSAD_{k.upper()}" not in os.environ}
    try:
        env_and_defaults = Settings()
        chosen = {name: getattr(env_and_defaults, name) for name in env_and_defaults.model_fields_set}
        return Settings(**{**layered, **chosen, **overrides})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        raise ConfigError(f"invalid setting {where}: {first.get('msg')}") from exc
