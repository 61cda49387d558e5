"""`records snapshot` freezes today's open data; `records export DATASET --format csv|json`
prints a public dataset; `records search QUERY` searches what the identity may see."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reef.accounts.models import User
from reef.core.cli_identity import add_identity_argument, identity
from reef.core.errors import ServiceError
from reef.core.rules import WORKER
from reef.records import opendata, services
from reef.records.search import search


class Command(BaseCommand):
    help = "The public record: snapshot the open data, export a dataset, search."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["snapshot", "export", "search"])
        parser.add_argument("argument", nargs="?", default="")
        parser.add_argument("--format", choices=list(opendata.FORMATS), default="csv")
        add_identity_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = identity(options)
        action = options["action"]
        if action == "snapshot":
            # Without --as, the operator freezes as the daily task would.
            actor = user if isinstance(user, User) else WORKER
            try:
                frozen = services.snapshot_freeze(actor=actor)
            except ServiceError as exc:
                raise CommandError(exc.message) from None
            for snap in frozen:
                self.stdout.write(f"{snap.date.isoformat()}\t{snap.dataset}\t{snap.rows} rows")
            return
        if action == "export":
            dataset = options["argument"]
            if dataset not in opendata.DATASETS:
                raise CommandError(f"Datasets: {', '.join(opendata.DATASETS)}.")
            rows = opendata.rows(dataset)
            if options["format"] == "csv":
                self.stdout.write(opendata.to_csv(dataset, rows), ending="")
            else:
                self.stdout.write(opendata.to_json(dataset, rows))
            return
        if not options["argument"].strip():
            raise CommandError("records search needs a QUERY.")
        results = search(user, options["argument"])
        self.stdout.write(
            json.dumps(
                {
                    "query": results.query,
                    "total": results.total,
                    "counts": results.counts,
                    "hits": [
                        {"kind": h.kind, "title": h.title, "url": h.url, "rank": h.rank}
                        for h in results.hits
                    ],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
