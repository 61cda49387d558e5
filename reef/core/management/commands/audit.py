from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reef.core.audit import audit_verify


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` checks every link of the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        from reef.core.models import AuditEntry
        from reef.core.progress import Progress

        progress = Progress("audit entries", AuditEntry.objects.count())
        result = audit_verify(on_entry=progress.advance)
        if not result.ok:
            for problem in result.problems[:50]:
                self.stderr.write(problem)
            raise CommandError(f"Audit chain broken: {len(result.problems)} problem(s).")
        self.stdout.write(f"Audit chain verified: {result.entries} entries.")
