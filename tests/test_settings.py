from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from egov import config


def test_env_bool_and_int(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert config.env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(config.ConfigurationError, match="X_FLAG"):
        config.env_bool("X_FLAG")
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(config.ConfigurationError, match="X_INT"):
        config.env_int("X_INT", 1)


def test_secret_key_is_generated_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(tmp_path)
    assert len(first) > 40 and config.secret_key(tmp_path) == first
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert config.secret_key(tmp_path) == "from-env"


def test_default_database_is_sqlite_in_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    db = config.database_url(tmp_path)
    assert db.is_default_sqlite and db.url.endswith("egov.sqlite3")


def test_redact_url():
    assert config.redact_url("postgres://u:pw@h/db") == "postgres://u:***@h/db"


def test_production_settings():
    import egov.settings as production

    assert "Argon2" in production.PASSWORD_HASHERS[0]
    assert production.LANGUAGE_CODE == "vi"
    assert production.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert production.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def settings_in_subprocess(env: dict[str, str], code: str) -> str:
    full = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    full.update({"DJANGO_SETTINGS_MODULE": "egov.settings", **env})
    script = "import django; django.setup(); from django.conf import settings; " + code
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=full, check=True
    ).stdout


def test_sqlite_uses_wal(tmp_path):
    out = settings_in_subprocess(
        {"EGOV_DATA_DIR": str(tmp_path), "DATABASE_URL": ""},
        "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
    )
    assert out.strip() == "wal"


def test_sqlite_connections_are_kept_like_postgresql_ones(tmp_path):
    code = "print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    base = {"EGOV_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    assert settings_in_subprocess(base, code).strip() == "60"
    assert settings_in_subprocess({**base, "EGOV_DB_CONN_MAX_AGE": "0"}, code).strip() == "0"


def test_s3_media_storage(tmp_path):
    out = settings_in_subprocess(
        {
            "EGOV_DATA_DIR": str(tmp_path),
            "EGOV_MEDIA_STORAGE": "s3",
            "EGOV_S3_BUCKET": "egov-media",
            "EGOV_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "EGOV_S3_ACCESS_KEY": "k",
            "EGOV_S3_SECRET_KEY": "s",
        },
        "from django.core.files.storage import storages; s = storages['default']; print(type(s).__name__, s.bucket_name, s.endpoint_url)",
    )
    assert out.split() == ["S3Storage", "egov-media", "http://127.0.0.1:9000"]


def test_allowed_hosts_and_email_from_env(tmp_path):
    out = settings_in_subprocess(
        {
            "EGOV_DATA_DIR": str(tmp_path),
            "EGOV_ALLOWED_HOSTS": "dvc.tayninh.gov.vn, egov.local",
            "EMAIL_HOST": "smtp.example",
        },
        "print(settings.ALLOWED_HOSTS, settings.EMAIL_BACKEND)",
    )
    assert "['dvc.tayninh.gov.vn', 'egov.local']" in out and "smtp.EmailBackend" in out
