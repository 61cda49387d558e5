"""`reef plan export COUNTRY --json|--csv|--iati [-o FILE]`, `reef plan import FILE [--cycle C]`.

Acts as the user given by --as (or REEF_CLI_USER); a plan that user may not see is
"Not found", exactly as in pages and the API.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from reef.core.cli_identity import add_identity_argument, identity
from reef.core.errors import ServiceError
from reef.planning import exchange, selectors

MAX_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Export a country's latest national plan (JSON, CSV, or its commitments as IATI 2.03 "
        "XML) or import a plan file: `plan export COUNTRY --json`, `plan import FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "import"])
        parser.add_argument("target", help="ISO country code (export) or a file (import)")
        fmt = parser.add_mutually_exclusive_group()
        fmt.add_argument("--json", dest="fmt", action="store_const", const="json")
        fmt.add_argument("--csv", dest="fmt", action="store_const", const="csv")
        fmt.add_argument("--iati", dest="fmt", action="store_const", const="iati")
        parser.add_argument(
            "--cycle", default="", help="cycle: which plan to export, or the cycle to import under"
        )
        parser.add_argument("-o", "--output", default="", help="write to FILE instead of stdout")
        add_identity_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = identity(options)
        try:
            if options["action"] == "export":
                self._export(user, options)
            else:
                self._import(user, options)
        except ServiceError as exc:
            if exc.code == "not_found":
                raise CommandError(f"Not found: {options['target']}") from None
            raise CommandError(exc.message) from None

    def _export(self, user: Any, options: dict[str, Any]) -> None:
        code = options["target"]
        try:
            if options["cycle"]:
                plan = (
                    selectors.plans_for(user)
                    .filter(kind="national", country__code=code.upper(), cycle=options["cycle"])
                    .first()
                )
                if plan is None:
                    raise Http404
            else:
                plan = selectors.national_plan_for(user, code)
        except Http404:
            raise CommandError(f"Not found: {code}") from None
        fmt = options["fmt"] or "json"
        if fmt == "json":
            data: bytes = json.dumps(
                exchange.plan_to_dict(user, plan), indent=2, ensure_ascii=False
            ).encode()
        elif fmt == "csv":
            data = exchange.plan_to_csv(user, plan).encode()
        else:
            data = exchange.plan_to_iati(user, plan)
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            self.stderr.write(f"wrote {options['output']}")
        else:
            self.stdout.write(data.decode(), ending="" if data.endswith(b"\n") else "\n")

    def _import(self, user: Any, options: dict[str, Any]) -> None:
        if not user.is_authenticated:
            raise CommandError("Importing a plan needs --as EMAIL of a country manager.")
        path = Path(options["target"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError("The file is too large.")
        data = exchange.plan_data_from_file(path.read_bytes(), path.name, max_bytes=MAX_BYTES)
        plan = exchange.plan_import(
            actor=user, data=data, cycle=options["cycle"] or None, filename=path.name
        )
        self.stdout.write(
            json.dumps(
                {
                    "plan": plan.pk,
                    "country": plan.country.code if plan.country else None,
                    "cycle": plan.cycle,
                    "needs": plan.needs.count(),
                }
            )
        )
