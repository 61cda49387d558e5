"""`reef grouping list`, `reef grouping set SLUG --name N --members CC,CC [--associates CC,..]`.

Groupings (regions) come with the schema; administrators (or the console operator,
without --as) change them. Setting a grouping replaces its member list.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reef.accounts.management.commands.member import acting
from reef.core.cli_identity import add_identity_argument
from reef.core.errors import ServiceError
from reef.directory.models import Grouping
from reef.directory.services import grouping_set_members


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


class Command(BaseCommand):
    help = (
        "Groupings: `grouping list`; `grouping set SLUG --name N --members CC,CC "
        "[--associates CC,CC] [--description D]` (replaces the members; administrators)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "set"])
        parser.add_argument("slug", nargs="?")
        parser.add_argument("--name", default="")
        parser.add_argument("--members", default="")
        parser.add_argument("--associates", default="")
        parser.add_argument("--description", default=None)
        add_identity_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for g in Grouping.objects.prefetch_related("memberships__country"):
                codes = sorted(m.country.code for m in g.memberships.all())
                self.stdout.write(f"{g.slug}\t{g.name}\t{','.join(codes)}")
            return
        actor = acting(options)
        slug = (options["slug"] or "").strip()
        members = _codes(options["members"])
        if not slug or not members:
            raise CommandError("grouping set needs a SLUG and --members CC,CC.")
        current = Grouping.objects.filter(slug=slug).first()
        name = options["name"].strip() or (current.name if current else "")
        if not name:
            raise CommandError("A new grouping needs --name.")
        description = options["description"]
        if description is None:
            description = current.description if current else ""
        try:
            grouping = grouping_set_members(
                slug=slug,
                name=name,
                members=members,
                associates=_codes(options["associates"]),
                description=description,
                actor=actor,
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{grouping.slug}: {grouping.memberships.count()} countries.")
