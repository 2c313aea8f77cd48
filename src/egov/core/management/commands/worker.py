from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from egov.core.db import check_database


class Command(BaseCommand):
    help = "Run the background task worker (Django tasks, database backend). Run several for scale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="*", help="Queues to work on (default: all).")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument("--batch", action="store_true", help="Exit when no task is left.")

    def handle(self, *args: Any, **options: Any) -> None:
        check_database()
        worker_args = [
            "--queue-name",
            options["queue_name"],
            "--interval",
            str(options["interval"]),
        ]
        if options["batch"]:
            worker_args.append("--batch")
        call_command("db_worker", *worker_args)
