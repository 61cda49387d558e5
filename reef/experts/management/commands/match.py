"""`reef match reviewers|team|mentors FILE --json`: run the matching engine on a JSON file."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reef.experts.matching import MatchingInputError, run_cli


class Command(BaseCommand):
    help = (
        "Match reviewers to proposals, experts to mission teams or mentors to nascent "
        "specialists, from a JSON file (see docs/matching.md). Prints the result as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["reviewers", "team", "mentors"])
        parser.add_argument("file", help="path of the JSON input")
        parser.add_argument(
            "--json", action="store_true", help="print JSON (the only output format)"
        )
        parser.add_argument("--indent", type=int, default=2, help="JSON indentation (0: compact)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = str(options["file"])
        try:
            result = run_cli(str(options["kind"]), path)
        except MatchingInputError as exc:  # one line per problem: file, where, what
            raise CommandError(str(exc)) from None
        indent = options["indent"] or None
        self.stdout.write(json.dumps(result, indent=indent, ensure_ascii=False))
