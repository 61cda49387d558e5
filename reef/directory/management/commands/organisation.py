from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from reef.core.cli_identity import add_identity_argument, identity
from reef.directory.selectors import organisation_get, organisations_for


class Command(BaseCommand):
    help = "List or show organisations you may see: `organisation list`, `organisation show SLUG`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "show"])
        parser.add_argument("slug", nargs="?")
        add_identity_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = identity(options)
        if options["action"] == "list":
            for org in organisations_for(user):
                self.stdout.write(f"{org.slug}\t{org.tlp}\t{org.name}")
            return
        if not options["slug"]:
            raise CommandError("organisation show needs a SLUG.")
        try:
            org = organisation_get(user, options["slug"])
        except Http404:
            raise CommandError(f"Not found: {options['slug']}") from None
        self.stdout.write(
            json.dumps(
                {
                    "slug": org.slug,
                    "name": org.name,
                    "kind": org.kind,
                    "tlp": org.tlp,
                    "country": org.country.code if org.country else None,
                },
                indent=2,
            )
        )
