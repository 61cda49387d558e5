"""`reef consensus analyze FOLDER --json`: analyse a Polis export folder (public contract).

Prints opinion.analyze_folder(FOLDER) as JSON: participants (id, group, x, y, votes), groups
(id, size, representative statements), consensus (agree, disagree) and statements (id, agree,
disagree, pass, gic, divisive). A malformed file exits non-zero naming file, line and column.
`reef consensus analyze` runs reef.consultations.consensus_cli without loading Django; this
command is the same code for manage.py and call_command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reef.consultations import consensus_cli


class Command(BaseCommand):
    help = "Analyse a Polis export folder: `consensus analyze FOLDER --json`."

    def add_arguments(self, parser: CommandParser) -> None:
        consensus_cli.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = consensus_cli.analyze(
                Path(options["folder"]), seed=options["seed"], replay=options["replay"]
            )
        except consensus_cli.AnalyzeError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(consensus_cli.to_json(result).decode())
            return
        for line in consensus_cli.summary(result):
            self.stdout.write(line)
