"""``egov worker``: runs background tasks, and sweeps what apps must check periodically.

Tasks are django-tasks' database backend, run by its ``db_worker``. Besides, every
``--outbox-interval`` seconds (default 1) a thread calls each app's sweep: the
``worker_sweep()`` method of an app config that has one (notifications: it sends every outbox
message that is due, the only way messages are sent; stats: it folds the queued dossier
changes into the figures). core depends on no other app, hence the method instead of an
import.

With ``--batch`` (for tests and cron): sweep once, run tasks until none is ready, exit.

``egov demo`` runs one as its child process, with ``--notifications-to-files`` and
``--parent`` (its own process id: the worker stops when that process is gone, even when it
was killed without a chance to stop its worker).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from egov.core.db import check_database

logger = logging.getLogger("egov.worker")

# How long a stopping worker waits for a sweep in progress to finish its sends. A message
# still being sent after that is sent again once its lease runs out (at least once).
SWEEP_STOP_TIMEOUT = 30.0


def app_sweeps() -> list[tuple[str, Callable[[], Any]]]:
    return [
        (config.label, config.worker_sweep)  # type: ignore[attr-defined]
        for config in apps.get_app_configs()
        if callable(getattr(config, "worker_sweep", None))
    ]


def run_sweeps() -> None:
    for label, sweep in app_sweeps():
        try:
            result = sweep()
        except Exception:
            logger.exception("the %s sweep failed; trying again at the next one", label)
        else:
            if getattr(result, "attempted", 0):
                logger.info("%s sweep: %s", label, result)


def notifications_to_files() -> Path:
    """Send this process's notifications to files under ``<data dir>/notifications/``, on
    each channel whose backend the environment does not choose: SMS and Zalo through the
    ``file`` backend (``sms.jsonl``, ``zalo.jsonl``), email through Django's file backend
    (one file per message in ``email/``) when no ``EMAIL_HOST`` is set. Returns the folder."""
    folder = Path(settings.DATA_DIR) / "notifications"
    for name in ("EGOV_SMS_BACKEND", "EGOV_ZALO_BACKEND"):
        if not os.environ.get(name, "").strip():
            setattr(settings, name, "file")
    if not settings.EMAIL_HOST:
        settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
        settings.EMAIL_FILE_PATH = str(folder / "email")
    return folder


class SweepThread(threading.Thread):
    def __init__(self, interval: float, parent: int | None = None) -> None:
        super().__init__(name="egov-sweep", daemon=True)
        self.interval = interval
        self.parent = parent
        self.stopping = threading.Event()

    def parent_gone(self) -> bool:
        return self.parent is not None and os.getppid() != self.parent

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                if self.parent_gone():
                    logger.warning("the process that started this worker is gone: stopping")
                    os.kill(os.getpid(), signal.SIGTERM)  # db_worker's own clean stop
                    return
                close_old_connections()
                run_sweeps()
                self.stopping.wait(self.interval)
        finally:
            connection.close()


class Command(BaseCommand):
    help = (
        "Run the background task worker (Django tasks, database backend) and sweep the "
        "notification outbox. Run several for scale."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="*", help="Queues to work on (default: all).")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--outbox-interval",
            type=float,
            default=1.0,
            help="Seconds between sweeps of the notification outbox and the statistics queue "
            "(default: 1): how long a notification may wait to be sent.",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Sweep once, run the tasks that are ready, and exit when none is left.",
        )
        parser.add_argument(
            "--notifications-to-files",
            action="store_true",
            help="For demos and trials: write SMS, Zalo and email notifications to files in "
            "the data directory's notifications/ folder instead of the console, on each "
            "channel whose backend is not configured (egov demo uses it).",
        )
        # Used by egov demo: stop when the process with this id is no longer the parent.
        parser.add_argument("--parent", type=int, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["parent"] is not None and os.getppid() != options["parent"]:
            logger.warning("the process that started this worker is gone: not starting")
            return
        check_database()
        if options["notifications_to_files"]:
            folder = notifications_to_files()
            logger.info("notifications without a configured backend go to files in %s", folder)
        worker_args = [
            "--queue-name",
            options["queue_name"],
            "--interval",
            str(options["interval"]),
        ]
        if options["batch"]:
            run_sweeps()
            call_command("db_worker", *worker_args, "--batch", "--no-startup-delay")
            return
        sweeper = SweepThread(max(options["outbox_interval"], 0.1), parent=options["parent"])
        sweeper.start()
        try:
            call_command("db_worker", *worker_args)
        finally:
            # db_worker ends on SIGTERM or Ctrl+C (SystemExit): let a sweep finish its sends.
            sweeper.stopping.set()
            sweeper.join(SWEEP_STOP_TIMEOUT)
