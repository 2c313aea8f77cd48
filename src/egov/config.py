"""Read egov's configuration from the environment.

Every setting an operator may change is an environment variable documented in the README.
This module only reads and validates them; ``egov.settings`` turns them into Django settings.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import platformdirs


class ConfigurationError(Exception):
    """A configuration value is missing or malformed; the message tells the operator which."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = env_str(name)
    if not raw:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if not raw:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """The directory holding the embedded database, uploaded files and the generated secret."""
    raw = env_str("EGOV_DATA_DIR")
    path = Path(raw).expanduser() if raw else Path(platformdirs.user_data_dir("egov"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """``SECRET_KEY`` from the environment, else one generated once and kept in the data dir.

    Several app servers must share one key: production sets ``SECRET_KEY`` explicitly.
    """
    from_env = env_str("SECRET_KEY")
    if from_env:
        return from_env
    key_file = directory / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    # Create with 0600 so that other local users cannot read it.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def redact_url(url: str) -> str:
    """The URL with its password replaced, safe to print in an error message."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


@dataclass(frozen=True)
class DatabaseConfig:
    url: str
    is_default_sqlite: bool


def database_url(directory: Path) -> DatabaseConfig:
    url = env_str("DATABASE_URL")
    if url:
        return DatabaseConfig(url=url, is_default_sqlite=False)
    return DatabaseConfig(url=f"sqlite:///{directory / 'egov.sqlite3'}", is_default_sqlite=True)
