"""`reef report ID --format pdf|html [--language es] -o FILE`: the needs assessment report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import translation

from reef.assessments import report, selectors
from reef.core.cli_identity import add_identity_argument, identity


class Command(BaseCommand):
    help = "Write the needs assessment report of an assessment as PDF or HTML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("assessment_id")
        parser.add_argument("--format", choices=["pdf", "html"], default="pdf")
        parser.add_argument("-o", "--output", required=True, help="file to write")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="the report's language, framework texts included",
        )
        add_identity_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = identity(options)
        try:
            assessment = selectors.assessment_get(user, options["assessment_id"])
        except Http404:
            raise CommandError(f"Not found: assessment {options['assessment_id']}") from None
        if not assessment.results_open:
            raise CommandError("The report is available once rating has closed.")
        out = Path(options["output"])
        with translation.override(options["language"]):
            if options["format"] == "pdf":
                out.write_bytes(report.render_pdf(user, assessment))
            else:
                out.write_text(report.render_html(user, assessment), encoding="utf-8")
        self.stdout.write(f"Wrote {out}")
