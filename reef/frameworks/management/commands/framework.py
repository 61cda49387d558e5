"""`reef framework import FILE` and `reef framework export SLUG[@VERSION]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from reef.core.cli_identity import add_identity_argument, identity
from reef.core.errors import ServiceError
from reef.core.rules import OPERATOR_IMPORT
from reef.frameworks import selectors, services
from reef.frameworks.models import Framework


class Command(BaseCommand):
    help = (
        "Import or export a framework: `framework import FILE` (JSON or YAML), "
        "`framework export SLUG[@VERSION] [--format json|yaml] [-o FILE]`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("target", help="FILE to import, or SLUG[@VERSION] to export")
        parser.add_argument("--format", choices=["json", "yaml"], default="json")
        parser.add_argument("-o", "--output", default="", help="write to FILE instead of stdout")
        add_identity_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = identity(options)
        target: str = options["target"]
        if options["action"] == "import":
            path = Path(target)
            if not path.is_file():
                raise CommandError(f"{target}: no such file")
            before = Framework.objects.count()
            try:
                # Without --as the operator imports for the installation.
                fw = services.framework_import(
                    actor=user if user.is_authenticated else OPERATOR_IMPORT, source=path
                )
            except ServiceError as exc:
                raise CommandError(exc.message) from None
            if Framework.objects.count() == before:
                # Same version, new translations: refreshed in place.
                self.stdout.write(f"Updated the translations of {fw.ref}: {fw.name}")
                return
            self.stdout.write(f"Imported {fw.ref}: {fw.name} ({fw.indicators.count()} indicators)")
            return
        try:
            fw = selectors.framework_by_ref(user, target)
        except Http404:
            raise CommandError(f"Not found: {target}") from None
        text = services.framework_export(framework=fw, fmt=options["format"])
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
