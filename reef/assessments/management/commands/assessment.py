"""`reef assessment import FILE` and `reef assessment export ID --json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from reef.assessments import selectors, services
from reef.core.cli_identity import add_identity_argument, identity
from reef.core.errors import ServiceError
from reef.core.rules import OPERATOR_IMPORT


class Command(BaseCommand):
    help = (
        "Import an assessment (`assessment import FILE`, prints the new id) or export its "
        "result (`assessment export ID --json`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("target", help="FILE to import, or the assessment ID to export")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        add_identity_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = identity(options)
        target: str = options["target"]
        if options["action"] == "import":
            path = Path(target)
            if not path.is_file():
                raise CommandError(f"{target}: no such file")
            try:
                # Without --as the operator imports for the installation.
                assessment = services.assessment_import_text(
                    actor=user if user.is_authenticated else OPERATOR_IMPORT,
                    text=path.read_bytes(),
                    filename=path.name,
                )
            except ServiceError as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(str(assessment.pk))
            return
        try:
            assessment = selectors.assessment_get(user, target)
        except Http404:
            raise CommandError(f"Not found: assessment {target}") from None
        try:
            result = selectors.assessment_export(assessment)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(f"{assessment.title} [{assessment.tlp}] {assessment.status}")
            for key in ("aspects", "pillars"):
                for item in result.get(key, []):
                    value = item.get("stage", item.get("score"))
                    self.stdout.write(f"  {item['key']}\t{value}")
