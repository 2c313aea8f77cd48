"""The ``egov`` command: every Django management command, plus egov's own.

egov demo [--province NAME] [--host H] [--port P]   run egov with demo data (server + worker)
egov serve [--bind H:P] [--workers N]                  production web server
egov worker                                            background task worker (run beside serve)
egov audit verify                                      check the audit log's hash chain
egov <any Django command>                               e.g. migrate, createsuperuser
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "egov"
    from egov.config import ConfigurationError, redact_url

    try:
        from django.core.management import execute_from_command_line
        from django.db.utils import OperationalError

        try:
            execute_from_command_line(argv)
        except OperationalError as exc:
            from django.conf import settings

            url = redact_url(getattr(settings, "DATABASE_URL", ""))
            print(
                f"egov: cannot use the database at {url}.\n"
                f"  The database said: {str(exc).strip()}\n"
                "  Check DATABASE_URL, that the database server is running and reachable, "
                "and the user name and password.",
                file=sys.stderr,
            )
            return 2
    except ConfigurationError as exc:
        print(f"egov: configuration error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
