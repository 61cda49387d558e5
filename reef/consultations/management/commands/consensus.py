"""`reef consensus analyze FOLDER --json`: analyse a Polis export folder (public contract).

Prints opinion.analyze_folder(FOLDER) as JSON: participants (id, group, x, y, votes), groups
(id, size, representative statements), consensus (agree, disagree) and statements (id, agree,
disagree, pass, gic, divisive). A malformed file exits non-zero naming file, line and column.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reef.consultations import opinion
from reef.consultations.polis_io import PolisFormatError


class Command(BaseCommand):
    help = "Analyse a Polis export folder: `consensus analyze FOLDER --json`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["analyze", "analyse"])
        parser.add_argument("folder", help="comments.csv with votes.csv or participants-votes.csv")
        parser.add_argument("--json", action="store_true", help="print the analysis as JSON")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--replay",
            type=int,
            default=0,
            metavar="STEPS",
            help="replay votes.csv in time order through STEPS incremental updates",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"{folder}: not a folder (expected a Polis export folder).")
        try:
            result = opinion.analyze_folder(
                folder, seed=options["seed"], replay_steps=options["replay"]
            )
        except PolisFormatError as exc:
            raise CommandError(f"Bad Polis export: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {folder}: {exc}") from None
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"{len(result['participants'])} participants, {len(result['statements'])} "
            f"statements, {len(result['groups'])} opinion groups"
        )
        for g in result["groups"]:
            reps = ", ".join(f"{r['statement']} ({r['direction']})" for r in g["representative"])
            self.stdout.write(f"  group {g['id']}: {g['size']} participants; {reps or '-'}")
        self.stdout.write(
            f"consensus agree: {result['consensus']['agree']}; "
            f"disagree: {result['consensus']['disagree']}"
        )
