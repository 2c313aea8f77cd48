from __future__ import annotations

import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.core.db import check_database
from egov.core.server import (
    PortUnavailable,
    WorkerProcess,
    check_port_free,
    collect_static,
    run_server,
)
from egov.organizations.selectors import UnknownProvince, province_find


def _stop(signum: int, frame: FrameType | None) -> None:
    """SIGTERM before Granian has set its own handler: stop as Ctrl+C would."""
    raise SystemExit(128 + signum)


class Command(BaseCommand):
    help = (
        "Run egov with demo data: migrate the database, load a demo province with its agencies, "
        "communes, staff and citizens, print the sign-ins, and start the server with the "
        "background worker beside it (notifications, statistics)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            default="Tây Ninh",
            help="Any of the 34 provinces, by name or code (default: Tây Ninh).",
        )
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1)."
        )
        parser.add_argument("--port", type=int, default=8000, help="Port (default 8000).")
        parser.add_argument(
            "--no-serve", action="store_true", help="Load the data and exit without serving."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from egov.demo import demo_load, demo_stats_load

        try:
            province = province_find(options["province"])
        except UnknownProvince as exc:
            raise CommandError(exc.message) from None
        if not 1 <= options["port"] <= 65535:
            raise CommandError("--port must be between 1 and 65535.")
        host, port = options["host"], options["port"]
        if not options["no_serve"]:
            try:
                check_port_free(host, port)  # before the data is loaded, and again to serve
            except PortUnavailable as exc:
                raise CommandError(str(exc)) from None
        check_database()
        self.stdout.write(f"Database: {settings.DATABASES['default']['NAME']}")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Loading the demo for {province.name}…")
        result = demo_load(province)
        if result.created:
            self.stdout.write(
                f"  {result.agencies} agencies, {result.communes} commune People's Committees, "
                f"{result.procedures} procedures, {result.dossiers} dossiers."
            )
            self.stdout.write(f"  {demo_stats_load():,} dossiers of history for the statistics.")
        else:
            self.stdout.write("  Already loaded.")
        shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host  # noqa: S104
        if host not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS.append(host)
        url = f"http://{shown_host}:{port}/"
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"egov is at {url}  (admin: {url}admin/, API: {url}api/v1/docs)")
        )
        self.stdout.write(f"Demo sign-ins (password for all: {result.sign_ins[0][2]}):")
        for who, sign_in, _password in result.sign_ins:
            self.stdout.write(f"  {sign_in:<32} {who}")
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        if options["no_serve"]:
            return
        collect_static()
        signal.signal(signal.SIGTERM, _stop)
        worker = WorkerProcess(
            ["--notifications-to-files"], write=self._worker_line, on_exit=self._worker_died
        )
        try:
            pid = worker.start()
            self.stdout.write(
                f"Background worker (PID {pid}, its lines start with {worker.PREFIX.strip()!r}): "
                "sends the notifications and keeps the statistics up to date."
            )
            self.stdout.write(
                "Notifications are written to files in "
                f"{Path(settings.DATA_DIR) / 'notifications'} (sms.jsonl, zalo.jsonl, email/) "
                "unless their channels are configured."
            )
            self.stdout.write("Press Ctrl+C to stop.\n")
            run_server(
                bind=f"{host}:{port}" if ":" not in host else f"[{host}]:{port}",
                workers=2,
                threads=4,
                allowed_host=host,
            )
        except PortUnavailable as exc:
            raise CommandError(str(exc)) from None
        finally:
            returncode = worker.stop()
            if returncode not in (0, -signal.SIGTERM, None):  # -SIGTERM: stopped while starting
                self.stderr.write(f"The background worker stopped with exit code {returncode}.")
            else:
                self.stdout.write("Background worker stopped.")

    def _worker_line(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def _worker_died(self, returncode: int) -> None:
        self.stderr.write(
            self.style.ERROR(
                f"The background worker stopped (exit code {returncode}): notifications are no "
                "longer sent and the statistics no longer move. Its last lines are above; "
                "restart egov demo."
            )
        )
        sys.stderr.flush()
