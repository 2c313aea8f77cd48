"""Django settings for egov, built from environment variables (see README, "Configuration")."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from egov import config

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key(DATA_DIR)
DEBUG = config.env_bool("EGOV_DEBUG", False)
ALLOWED_HOSTS = config.env_list("EGOV_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = config.env_list("EGOV_CSRF_TRUSTED_ORIGINS", [])

# Behind a load balancer that terminates TLS (README, "Deploying at scale").
if config.env_bool("EGOV_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
if config.env_bool("EGOV_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = config.env_bool("EGOV_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = config.env_int("EGOV_HSTS_SECONDS", 31536000)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "egov.core",
    "egov.organizations",
    "egov.accounts",
    "egov.worktime",
    "egov.procedures",
    "egov.notifications",
    "egov.dossiers",
    "egov.stats",
    "egov.feedback",
    "egov.open311",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "egov.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into a clear answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "egov.urls"
WSGI_APPLICATION = "egov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "egov.organizations.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
_db = config.database_url(DATA_DIR)
DATABASE_URL = _db.url
try:
    _default_db = dj_database_url.parse(
        _db.url,
        conn_max_age=config.env_int("EGOV_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
except ValueError as exc:
    raise config.ConfigurationError(
        f"DATABASE_URL is not a database URL this egov understands ({config.redact_url(_db.url)}): {exc}"
    ) from None
if _default_db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at the
    # start of a transaction so that two writers queue instead of failing half-way. Each
    # thread keeps its connection (EGOV_DB_CONN_MAX_AGE, as for PostgreSQL): opening one and
    # running the PRAGMAs cost about 1.4 ms, more than a whole public lookup.
    _default_db["CONN_HEALTH_CHECKS"] = False
    _default_db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _default_db["TEST"] = {"NAME": config.env_str("EGOV_TEST_SQLITE_NAME") or None}
elif _default_db["ENGINE"] == "django.db.backends.postgresql" and config.env_bool(
    "EGOV_DB_PREPARE", True
):
    # Django turns psycopg's prepared statements off (prepare_threshold None). Its own cursors
    # bind on the client and never prepare anyway; this lets the hot queries that ask for it
    # (the public lookup, and everything inside core.db.prepared_statements: the transitions,
    # API-token checks) be planned once per connection. EGOV_DB_PREPARE=false for a PgBouncer
    # in transaction mode older than 1.21.
    _default_db.setdefault("OPTIONS", {})["prepare_threshold"] = 5
DATABASES = {"default": _default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and authentication ---------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses sign-in attempts from a locked-out user or address.
    "axes.backends.AxesStandaloneBackend",
    "egov.accounts.backends.EmailOrPhoneBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Throttling of failed sign-ins (django-axes): after AXES_FAILURE_LIMIT failures for one
# identifier or one address, further attempts are refused for the cool-off period.
AXES_FAILURE_LIMIT = config.env_int("EGOV_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=config.env_int("EGOV_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "egov.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = config.env_int("EGOV_PROXY_COUNT", 0) or None

# --- Internationalization ----------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = config.env_str("EGOV_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
# Dates, date-times and number separators per language: egov/formats/<lang>/formats.py, shown
# through egov.core.formats (the |when, |day, |money, |number filters of core/templatetags/egov).
FORMAT_MODULE_PATH = ["egov.formats"]

# --- Static and media files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(config.env_str("EGOV_MEDIA_ROOT") or DATA_DIR / "media")
_media_backend = config.env_str("EGOV_MEDIA_STORAGE", "local")
if _media_backend == "local":
    _media_storage: dict[str, object] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
    }
elif _media_backend == "s3":
    # Any S3-compatible store (MinIO, Ceph, a cloud provider), through django-storages.
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": config.env_str("EGOV_S3_BUCKET"),
            "endpoint_url": config.env_str("EGOV_S3_ENDPOINT_URL") or None,
            "region_name": config.env_str("EGOV_S3_REGION") or None,
            "access_key": config.env_str("EGOV_S3_ACCESS_KEY") or None,
            "secret_key": config.env_str("EGOV_S3_SECRET_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if not config.env_str("EGOV_S3_BUCKET"):
        raise config.ConfigurationError("EGOV_MEDIA_STORAGE=s3 needs EGOV_S3_BUCKET")
else:
    raise config.ConfigurationError(
        f"EGOV_MEDIA_STORAGE must be 'local' or 's3', not {_media_backend!r}"
    )
STORAGES = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Email -------------------------------------------------------------------------------
EMAIL_HOST = config.env_str("EMAIL_HOST")
EMAIL_PORT = config.env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = config.env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = config.env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = config.env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = config.env_str("DEFAULT_FROM_EMAIL", "egov <no-reply@localhost>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# --- Cache -------------------------------------------------------------------------------
# The database by default, so that counters (lookup throttling) hold across several app
# servers without another service; the table is created by a migration of core.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "egov_cache",
    },
    # Per process, for values every page reads and that may be a few minutes stale (the
    # site's name and province): no database query on each request.
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "egov-local"},
}

# --- Background tasks (Django tasks API, database backend) ---------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- egov --------------------------------------------------------------------------------
# The agency identifier code (shared/docs/domain.md): four dot-separated groups, e.g.
# 000.00.04.H40. The exact structure is to be verified, so the pattern is configuration.
EGOV_AGENCY_CODE_PATTERN = config.env_str(
    "EGOV_AGENCY_CODE_PATTERN", r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$"
)
EGOV_SITE_NAME = config.env_str("EGOV_SITE_NAME")
EGOV_SERVE_WORKERS = config.env_int("EGOV_SERVE_WORKERS", 2)
EGOV_API_TOKEN_DAYS = config.env_int("EGOV_API_TOKEN_DAYS", 90)
# Audit chains written in parallel: a transaction appends to whichever chain's head is free,
# so up to this many transactions write audit records at once without waiting for each other.
EGOV_AUDIT_CHAINS = config.env_int("EGOV_AUDIT_CHAINS", 16)
# The site's public address (e.g. https://dichvucong.tayninh.gov.vn), for links that leave
# the site: the lookup URL in the QR code of the slips. Empty: the address of the request.
EGOV_PUBLIC_URL = config.env_str("EGOV_PUBLIC_URL").rstrip("/")
if EGOV_PUBLIC_URL and not EGOV_PUBLIC_URL.startswith(("https://", "http://")):
    raise config.ConfigurationError(
        f"EGOV_PUBLIC_URL must start with https:// or http://, not {EGOV_PUBLIC_URL!r}"
    )

# Dossiers: how many apologies with a new date a dossier may get (Decree 118/2025 allows one),
# and the largest file a citizen or an officer may upload.
EGOV_APOLOGY_LIMIT = config.env_int("EGOV_APOLOGY_LIMIT", 1)
EGOV_MAX_UPLOAD_MB = config.env_int("EGOV_MAX_UPLOAD_MB", 10)
# Citizen feedback (egov.feedback); docs/operations.md describes each.
EGOV_FEEDBACK_PHOTO_MAX_MB = config.env_int("EGOV_FEEDBACK_PHOTO_MAX_MB", 8)
EGOV_FEEDBACK_MAX_PHOTOS = config.env_int("EGOV_FEEDBACK_MAX_PHOTOS", 5)
EGOV_FEEDBACK_REOPEN_DAYS = config.env_int("EGOV_FEEDBACK_REOPEN_DAYS", 7)
EGOV_FEEDBACK_DUPLICATE_METERS = config.env_int("EGOV_FEEDBACK_DUPLICATE_METERS", 200)
EGOV_FEEDBACK_DUPLICATE_DAYS = config.env_int("EGOV_FEEDBACK_DUPLICATE_DAYS", 30)
EGOV_FEEDBACK_NOTIFY = tuple(
    c.strip()
    for c in config.env_str("EGOV_FEEDBACK_NOTIFY", "sms,zalo,email").split(",")
    if c.strip()
)
EGOV_ZALO_WEBHOOK_SECRET = config.env_str("EGOV_ZALO_WEBHOOK_SECRET")
# The map's base layer: a tile server the province runs (a URL template with {z}, {x} and {y},
# absolute or on egov's own host). None by default: no tile ever comes from an outside host, and
# maps show their markers on a plain grid with a message saying that no base map is configured.
EGOV_MAP_TILE_URL = config.env_str("EGOV_MAP_TILE_URL")
EGOV_MAP_ATTRIBUTION = config.env_str("EGOV_MAP_ATTRIBUTION")
if EGOV_MAP_TILE_URL and (
    not EGOV_MAP_TILE_URL.startswith(("https://", "http://", "/"))
    or not all(part in EGOV_MAP_TILE_URL for part in ("{z}", "{x}", "{y}"))
):
    raise config.ConfigurationError(
        "EGOV_MAP_TILE_URL must be a URL template with {z}, {x} and {y} "
        f"(e.g. https://tiles.tinh.gov.vn/{{z}}/{{x}}/{{y}}.png), not {EGOV_MAP_TILE_URL!r}"
    )
# Or a raster MBTiles file (an offline extract of the province) that egov serves itself at
# /feedback/tiles/{z}/{x}/{y}.png; used when EGOV_MAP_TILE_URL is unset.
EGOV_MAP_TILES_FILE = config.env_str("EGOV_MAP_TILES_FILE")
if EGOV_MAP_TILES_FILE:
    import sqlite3 as _sqlite3

    try:
        _tiles = _sqlite3.connect(
            Path(EGOV_MAP_TILES_FILE).resolve().as_uri() + "?mode=ro", uri=True
        )
        _format = dict(_tiles.execute("SELECT name, value FROM metadata").fetchall()).get(
            "format", "png"
        )
        _tiles.execute("SELECT 1 FROM tiles LIMIT 1").fetchall()
        _tiles.close()
    except _sqlite3.Error as _exc:
        raise config.ConfigurationError(
            f"EGOV_MAP_TILES_FILE must be a readable MBTiles file: {EGOV_MAP_TILES_FILE!r} ({_exc})"
        ) from None
    if str(_format).lower() not in ("png", "jpg", "jpeg", "webp"):
        raise config.ConfigurationError(
            f"EGOV_MAP_TILES_FILE must hold raster tiles (png, jpg or webp), not {_format!r}"
        )
EGOV_MAP_CENTER = config.env_str("EGOV_MAP_CENTER", "10.5353,106.4134")
if unknown := set(EGOV_FEEDBACK_NOTIFY) - {"sms", "zalo", "email"}:
    raise config.ConfigurationError(
        f"EGOV_FEEDBACK_NOTIFY lists sms, zalo and email; it has {', '.join(sorted(unknown))}"
    )
try:
    _lat, _long = (float(x) for x in EGOV_MAP_CENTER.split(","))
except ValueError:
    raise config.ConfigurationError(
        f"EGOV_MAP_CENTER must be 'latitude,longitude', not {EGOV_MAP_CENTER!r}"
    ) from None
# The Open311 GeoReport v2 server (egov.open311): the jurisdiction_id it answers to (empty:
# any), and the texts and endpoint type its discovery document shows.
EGOV_OPEN311_JURISDICTION = config.env_str("EGOV_OPEN311_JURISDICTION")
EGOV_OPEN311_CONTACT = config.env_str("EGOV_OPEN311_CONTACT")
EGOV_OPEN311_KEY_SERVICE = config.env_str("EGOV_OPEN311_KEY_SERVICE")
EGOV_OPEN311_ENDPOINT_TYPE = config.env_str("EGOV_OPEN311_ENDPOINT_TYPE", "production")
if EGOV_OPEN311_ENDPOINT_TYPE not in ("production", "test"):
    raise config.ConfigurationError(
        f"EGOV_OPEN311_ENDPOINT_TYPE must be production or test, not {EGOV_OPEN311_ENDPOINT_TYPE!r}"
    )
# How citizens hear of their dossiers: any of sms, zalo (to the same mobile number) and email.
EGOV_DOSSIER_NOTIFY = tuple(
    c.strip()
    for c in config.env_str("EGOV_DOSSIER_NOTIFY", "sms,zalo,email").split(",")
    if c.strip()
)
if unknown := set(EGOV_DOSSIER_NOTIFY) - {"sms", "zalo", "email"}:
    raise config.ConfigurationError(
        f"EGOV_DOSSIER_NOTIFY lists sms, zalo and email; it has {', '.join(sorted(unknown))}"
    )

# Notifications (notifications/conf.py documents each; email uses Django's EMAIL_* above).
# SMS and Zalo go through a "console" (default), "file" or "http" backend; the http backend
# POSTs to the gateway the interface in notifications/backends.py describes.
EGOV_SMS_BACKEND = config.env_str("EGOV_SMS_BACKEND", "console")
EGOV_SMS_FILE = config.env_str("EGOV_SMS_FILE")  # empty: <EGOV_DATA_DIR>/notifications/sms.jsonl
EGOV_SMS_HTTP_URL = config.env_str("EGOV_SMS_HTTP_URL")
EGOV_SMS_HTTP_TOKEN = config.env_str("EGOV_SMS_HTTP_TOKEN")
EGOV_SMS_HTTP_TIMEOUT = config.env_int("EGOV_SMS_HTTP_TIMEOUT", 10)
EGOV_ZALO_BACKEND = config.env_str("EGOV_ZALO_BACKEND", "console")
EGOV_ZALO_FILE = config.env_str("EGOV_ZALO_FILE")
EGOV_ZALO_HTTP_URL = config.env_str("EGOV_ZALO_HTTP_URL")
EGOV_ZALO_HTTP_TOKEN = config.env_str("EGOV_ZALO_HTTP_TOKEN")
EGOV_ZALO_HTTP_TIMEOUT = config.env_int("EGOV_ZALO_HTTP_TIMEOUT", 10)
EGOV_OUTBOX_MAX_ATTEMPTS = config.env_int("EGOV_OUTBOX_MAX_ATTEMPTS", 8)
EGOV_OUTBOX_LEASE_SECONDS = config.env_int("EGOV_OUTBOX_LEASE_SECONDS", 300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.env_str("EGOV_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
CSRF_FAILURE_VIEW = "egov.core.views.csrf_failure"
FORM_RENDERER = "egov.core.forms.EgovFormRenderer"
