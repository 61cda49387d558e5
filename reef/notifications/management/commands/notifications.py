"""`reef notifications digest`: mail each digest user their day's notifications.

Run it once a day (cron or a systemd timer), e.g. `0 6 * * * reef notifications digest`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reef.core.errors import ServiceError
from reef.notifications.mailing import notifications_send_digest


class Command(BaseCommand):
    help = "Send the daily digest of notifications to users who chose it."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("digest", help="mail the daily digest (run once a day)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            sent = notifications_send_digest()
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"digests sent: {sent}")
