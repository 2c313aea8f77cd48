from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from egov.notifications.models import OutboxMessage, OutboxStatus
from egov.notifications.selectors import outbox_summary
from egov.notifications.services import outbox_message_retry, outbox_sweep


class Command(BaseCommand):
    help = (
        "Work with the notification outbox. 'egov outbox send' delivers the due messages now; "
        "'egov outbox list' shows counts and the last errors; 'egov outbox retry' gives failed "
        "messages a fresh series of attempts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("send", help="Deliver every due message now and print the counts.")
        listing = sub.add_parser("list", help="Counts by status and the last errors.")
        listing.add_argument("--errors", type=int, default=10, help="How many errors to show.")
        retry = sub.add_parser("retry", help="Retry failed messages.")
        retry.add_argument("ids", nargs="*", type=int, help="Message numbers to retry.")
        retry.add_argument("--all-failed", action="store_true", help="Retry every failed one.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "send":
            report = outbox_sweep()
            self.stdout.write(
                f"Sent {report.sent}, to retry later {report.retrying}, failed {report.failed}."
            )
        elif action == "list":
            self._list(options["errors"])
        else:
            self._retry(options["ids"], options["all_failed"])

    def _list(self, errors: int) -> None:
        summary = outbox_summary(errors=errors)
        counts = ", ".join(f"{status} {n}" for status, n in summary.counts.items())
        self.stdout.write(f"Outbox: {counts}.")
        if summary.due and summary.oldest_due_at:
            oldest = timezone.localtime(summary.oldest_due_at)
            self.stdout.write(
                f"{summary.due} pending messages are due, the oldest since "
                f"{oldest:%Y-%m-%d %H:%M:%S %Z}. Is 'egov worker' running?"
            )
        if summary.counts[OutboxStatus.FAILED]:
            self.stdout.write(
                self.style.ERROR(
                    f"{summary.counts[OutboxStatus.FAILED]} messages failed: "
                    "see below, fix the cause, then 'egov outbox retry --all-failed'."
                )
            )
        for message in summary.recent_errors:
            self.stdout.write(
                f"#{message.pk} {message.status} {message.channel} → {message.recipient}, "
                f"{message.attempts} attempts: {message.last_error}"
            )

    def _retry(self, ids: list[int], all_failed: bool) -> None:
        if not ids and not all_failed:
            raise CommandError("Give message numbers, or --all-failed.")
        messages = OutboxMessage.objects.filter(status=OutboxStatus.FAILED)
        if not all_failed:
            messages = messages.filter(pk__in=ids)
            missing = set(ids) - set(messages.values_list("pk", flat=True))
            if missing:
                raise CommandError(
                    "No failed message numbered " + ", ".join(str(n) for n in sorted(missing))
                )
        count = 0
        for message in messages.order_by("pk"):
            outbox_message_retry(actor=None, message=message, check_permission=False)
            count += 1
        self.stdout.write(self.style.SUCCESS(f"{count} messages will be sent again."))
