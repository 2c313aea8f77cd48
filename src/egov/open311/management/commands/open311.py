from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.core.errors import EgovError
from egov.open311.models import ApiClient
from egov.open311.services import api_client_create, api_client_revoke


class Command(BaseCommand):
    help = (
        "Open311 API keys of client applications: 'egov open311 issue NAME' prints a new key "
        "(once), 'egov open311 list' shows the clients, 'egov open311 revoke ID' revokes one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="Issue a key to a client application.")
        issue.add_argument("name", help="The application's name.")
        issue.add_argument("--contact", default="", help="Who to contact about it.")
        sub.add_parser("list", help="List the client applications and their keys' state.")
        revoke = sub.add_parser("revoke", help="Revoke a client's key.")
        revoke.add_argument("client_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "issue":
                client, key = api_client_create(
                    actor=None, name=options["name"], contact=options["contact"]
                )
                self.stdout.write(f"Client {client.pk}: {client.name}")
                self.stdout.write(f"api_key: {key}")
                self.stdout.write("Keep it now: it is stored only as a hash and not shown again.")
            elif options["action"] == "revoke":
                client = api_client_revoke(actor=None, client_id=options["client_id"])
                self.stdout.write(f"Revoked: {client.pk} {client.name}")
            else:
                for client in ApiClient.objects.order_by("pk"):
                    state = "revoked" if client.revoked_at else "active"
                    used = client.last_used_at.isoformat() if client.last_used_at else "never"
                    self.stdout.write(
                        f"{client.pk:>5}  {client.prefix}…  {state:<8} last used {used}  "
                        f"{client.name}"
                    )
        except EgovError as exc:
            details = "; ".join(m for msgs in exc.fields.values() for m in msgs)
            raise CommandError(details or exc.message) from None
