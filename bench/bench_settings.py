"""Settings for bench/dossier_bench.py only: egov's own settings, with a URL map that adds the
baseline views (``baseline_urls``) and persistent database connections. Never used by the
product.

    DJANGO_SETTINGS_MODULE=bench_settings PYTHONPATH=bench egov serve
"""

from egov.settings import *  # noqa: F403

ROOT_URLCONF = "baseline_urls"

# Keep each thread's PostgreSQL connection for the server's life. With egov's default
# (EGOV_DB_CONN_MAX_AGE=60 s) a connection is replaced every minute, and the CPU its backend
# used since the last reading is lost to the per-request database CPU the bench reports.
DATABASES["default"]["CONN_MAX_AGE"] = None  # noqa: F405
