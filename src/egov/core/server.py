"""Run egov's WSGI application under gunicorn, in-process (``egov serve`` and ``egov demo``)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.db import connections
from gunicorn.app.base import BaseApplication


class EgovServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        from egov.wsgi import application

        return application


def collect_static() -> None:
    """Gather static files for whitenoise; quick when nothing changed."""
    call_command("collectstatic", interactive=False, verbosity=0)


def run_server(*, bind: str, workers: int, threads: int, access_log: bool = True) -> None:
    # Forked workers must not share the master's database connections.
    connections.close_all()
    EgovServer(
        {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread" if threads > 1 else "sync",
            "accesslog": "-" if access_log else None,
            "timeout": 60,
            "graceful_timeout": 30,
            "forwarded_allow_ips": "*",
        }
    ).run()
