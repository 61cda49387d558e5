"""`reef rules [--markdown]`: every write rule, as the table in docs/access.md."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reef.core.rules import RULES, rules_markdown


class Command(BaseCommand):
    help = (
        "List every write rule (role x action x record); --markdown prints docs/access.md's table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--markdown", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["markdown"]:
            self.stdout.write(rules_markdown(), ending="")
            return
        for name in sorted(RULES):
            r = RULES[name]
            self.stdout.write(f"{r.name}\t{r.record}\t{r.roles}")
