"""`reef requeue_tasks --older-than SECONDS`: recover tasks left RUNNING by a dead worker."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reef.core.errors import ServiceError
from reef.core.taskqueue import tasks_requeue_stale


class Command(BaseCommand):
    help = (
        "Put tasks RUNNING for longer than --older-than seconds back in the queue "
        "(a worker that died mid-task leaves them RUNNING). Choose an age longer "
        "than any task takes, or 0 when no worker is running."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, required=True, metavar="SECONDS")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ids = tasks_requeue_stale(older_than=timedelta(seconds=options["older_than"]))
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"requeued {len(ids)} task(s)")
