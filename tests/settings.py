"""Settings for the test suite: egov's own, with a throw-away data directory.

DATABASE_URL is honoured, so the same suite runs on SQLite (default) and PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("EGOV_DATA_DIR", tempfile.mkdtemp(prefix="egov-test-"))

from egov.settings import *  # noqa: F403

# Tests render templates without running collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Argon2 is the production hasher (tests/test_settings.py checks it); a fast one keeps tests quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
