"""`reef review remind [--days N]`: remind reviewers before a review window closes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.tasks import TaskResultStatus

from reef.core import context
from reef.experts.tasks import send_review_reminders


class Command(BaseCommand):
    help = (
        "Review rounds. `review remind` queues the reminder task for reviewers whose "
        "window closes within --days days (default 3)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["remind"])
        parser.add_argument("--days", type=int, default=3, help="days before the window closes")

    def handle(self, *args: Any, **options: Any) -> None:
        days = int(options["days"])
        if days < 0:
            raise CommandError("--days must not be negative.")
        context.set_current(context.RequestContext(ip="", via="cli"))
        result = send_review_reminders.enqueue(days_before=days)
        if result.status == TaskResultStatus.SUCCESSFUL:
            self.stdout.write(f"Reminders sent: {result.return_value}.")
        elif result.status == TaskResultStatus.FAILED:
            raise CommandError("The reminder task failed; see the log.")
        else:
            self.stdout.write(f"Reminder task queued: {result.id}.")
