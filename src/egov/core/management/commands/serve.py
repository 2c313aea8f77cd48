from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.core.db import check_database, pending_migrations
from egov.core.server import (
    PortUnavailable,
    check_port_free,
    collect_static,
    run_server,
    split_bind,
)


class Command(BaseCommand):
    help = (
        "Run egov's production web server (Granian). Run one per app server behind a load balancer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="Address and port (default 127.0.0.1:8000)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.EGOV_SERVE_WORKERS,
            help="Worker processes (EGOV_SERVE_WORKERS, default 2).",
        )
        parser.add_argument(
            "--threads", type=int, default=4, help="Threads per worker (default 4)."
        )
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="Skip gathering static files."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        try:
            host, port = split_bind(options["bind"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            check_port_free(host, port)  # at once, then again just before serving
        except PortUnavailable as exc:
            raise CommandError(str(exc)) from None
        check_database()
        pending = pending_migrations()
        if pending:
            raise CommandError(
                f"The database is missing {len(pending)} migration(s) (first: {pending[0]}). "
                "Run 'egov migrate' once, from one machine, then start the servers."
            )
        if not options["no_collectstatic"]:
            collect_static()
        try:
            run_server(bind=options["bind"], workers=options["workers"], threads=options["threads"])
        except PortUnavailable as exc:
            raise CommandError(str(exc)) from None
