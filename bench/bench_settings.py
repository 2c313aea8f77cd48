"""Settings for bench/dossier_bench.py only: egov's own settings, with a URL map that adds the
baseline view (``baseline_urls``). Never used by the product.

    DJANGO_SETTINGS_MODULE=bench_settings PYTHONPATH=bench egov serve
"""

from egov.settings import *  # noqa: F403

ROOT_URLCONF = "baseline_urls"
