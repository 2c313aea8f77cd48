import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
application = get_wsgi_application()

from egov.core.server import freeze_startup_heap  # noqa: E402  (after Django's set-up)

freeze_startup_heap()
