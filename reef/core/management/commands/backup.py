from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reef.core.audit import audit_append
from reef.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write an online backup of the database to FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            info = backup(options["file"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        audit_append(action="backup", detail={"file": info.path.name, "engine": info.engine})
        self.stdout.write(f"Backup written to {info.path} ({info.engine}, {info.size} bytes)")
