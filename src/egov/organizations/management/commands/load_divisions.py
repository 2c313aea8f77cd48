from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.organizations.selectors import UnknownProvince, province_find
from egov.organizations.services import divisions_load_province


class Command(BaseCommand):
    help = "Load a province and its communes from the vietnam-provinces package (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province", required=True, help="Name or code of one of the 34 provinces."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            province = province_find(options["province"])
        except UnknownProvince as exc:
            raise CommandError(exc.message) from None
        unit = divisions_load_province(actor=None, province=province)
        self.stdout.write(
            self.style.SUCCESS(f"{unit.name}: {unit.children.count()} communes loaded.")
        )
