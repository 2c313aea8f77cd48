"""``egov dossier_files_cleanup``: remove stored dossier files no dossier refers to."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.dossiers.services import dossier_files_orphans_remove


class Command(BaseCommand):
    help = (
        "Delete files under dossiers/ in the storage that no dossier refers to (left by a "
        "transaction rolled back after its files were written) and older than --hours."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours", type=int, default=24, help="Only files older than this (default 24)."
        )
        parser.add_argument("--dry-run", action="store_true", help="List them, delete nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["hours"] < 1:
            raise CommandError("--hours must be at least 1: younger files may be mid-transaction.")
        names = dossier_files_orphans_remove(
            older_than=timedelta(hours=options["hours"]), dry_run=options["dry_run"]
        )
        for name in names:
            self.stdout.write(name)
        verb = "would be removed" if options["dry_run"] else "removed"
        self.stdout.write(self.style.SUCCESS(f"{len(names)} files no dossier refers to {verb}."))
