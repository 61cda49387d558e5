"""`reef worker`: django_tasks_db's worker, which also seals the audit chain."""

from __future__ import annotations

import os
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from reef.core.taskqueue import AuditSealer


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not 0 < number < 3600:
        raise ArgumentTypeError("must be more than 0 and less than 3600 seconds")
    return number


class Command(DbWorkerCommand):
    help = (
        "Run queued tasks (database task backend), and every --seal-every seconds seal the "
        "audit entries that no after-commit seal took (a seal that failed, a process killed)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--seal-every",
            type=_seconds,
            default=5.0,
            metavar="SECONDS",
            help="seconds between two seals of the audit chain (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every: float = options.pop("seal_every")
        # With --reload the command runs twice: in the watching parent, which only
        # restarts the child, and in the child, which works. Seal in the working one.
        reloads = options.get("reload") and not options.get("batch")
        sealer = None
        if not reloads or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            sealer = AuditSealer(every)
            sealer.start()
        try:
            super().handle(*args, **options)
        finally:
            if sealer is not None:
                sealer.stop()
