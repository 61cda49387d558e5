from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reef.core.audit import audit_verify
from reef.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database's content with the backup in FILE, then verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restore(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                "Restored, but the audit chain does not verify: " + "; ".join(result.problems[:5])
            )
        self.stdout.write(
            f"Restored from {options['file']}; audit chain verified ({result.entries} entries)."
        )
