"""`reef sharing show|set KIND ID`: a record's label, shares and named readers.

    reef sharing show planning.need 12 --as focal@example.org [--json]
    reef sharing set planning.need 12 --as focal@example.org --tlp TLP:AMBER --countries BB,TT
    reef sharing set records.publication 3 --as focal@example.org --tlp TLP:RED \\
        --readers donor@example.org

The same services as the sharing page and the API (reef/core/sharing.py); a record
the user may not share is "Not found".
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reef.core import sharing
from reef.core.cli_identity import add_identity_argument, identity
from reef.core.errors import ServiceError


def _list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


class Command(BaseCommand):
    help = "Show or set a labelled record's label, shares and named readers."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="the record's sharing")
        show.add_argument("kind", help="app_label.model, e.g. planning.need")
        show.add_argument("id", type=int)
        show.add_argument("--json", action="store_true")
        add_identity_argument(show)
        put = sub.add_parser("set", help="change the label, shares or readers (others kept)")
        put.add_argument("kind")
        put.add_argument("id", type=int)
        put.add_argument("--tlp")
        put.add_argument("--countries", help="ISO codes, comma-separated ('' for none)")
        put.add_argument("--organisations", help="slugs, comma-separated ('' for none)")
        put.add_argument("--readers", help="e-mail addresses, comma-separated ('' for none)")
        put.add_argument("--json", action="store_true")
        add_identity_argument(put)

    def handle(self, *args: Any, **options: Any) -> None:
        user = identity(options)
        try:
            record = sharing.sharing_get(user, options["kind"], options["id"])
            if options["action"] == "set":
                countries = _list(options.get("countries"))
                organisations = _list(options.get("organisations"))
                sharing.record_sharing_update(
                    actor=user,
                    record=record,
                    expected_version=record.version,
                    tlp=options.get("tlp"),
                    countries=(
                        sharing.countries_by_code(countries) if countries is not None else None
                    ),
                    organisations=(
                        sharing.organisations_by_slug(organisations)
                        if organisations is not None
                        else None
                    ),
                    readers=_list(options.get("readers")),
                )
                record = type(record)._base_manager.get(pk=record.pk)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        state = sharing.sharing_of(record)
        if options["json"]:
            self.stdout.write(json.dumps(asdict(state), indent=2))
            return
        none = "-"
        self.stdout.write(f"{state.kind} {state.id} {state.tlp} (version {state.version})")
        self.stdout.write(f"countries: {', '.join(state.countries) or none}")
        self.stdout.write(f"organisations: {', '.join(state.organisations) or none}")
        self.stdout.write(f"readers: {', '.join(state.readers) or none}")
        self.stdout.write(f"always readers: {', '.join(state.kept_readers) or none}")
        if state.floor:
            self.stdout.write(f"derived from a {state.floor} record: at least {state.floor}")
