"""``egov worker``: runs background tasks, and sweeps what apps must check periodically.

Tasks are django-tasks' database backend, run by its ``db_worker``. Besides, every
``--outbox-interval`` seconds (default 1) a thread calls each app's sweep: the
``worker_sweep()`` method of an app config that has one (notifications: it sends every outbox
message that is due, the only way messages are sent; stats: it folds the queued dossier
changes into the figures). core depends on no other app, hence the method instead of an
import.

With ``--batch`` (for tests and cron): sweep once, run tasks until none is ready, exit.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.apps import apps
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


class SweepThread(threading.Thread):
    def __init__(self, interval: float) -> None:
        super().__init__(name="egov-sweep", daemon=True)
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
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

    def handle(self, *args: Any, **options: Any) -> None:
        check_database()
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
        sweeper = SweepThread(max(options["outbox_interval"], 0.1))
        sweeper.start()
        try:
            call_command("db_worker", *worker_args)
        finally:
            # db_worker ends on SIGTERM or Ctrl+C (SystemExit): let a sweep finish its sends.
            sweeper.stopping.set()
            sweeper.join(SWEEP_STOP_TIMEOUT)
