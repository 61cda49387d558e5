"""`reef consultation import|export|remind`: Polis exports in and out, and reminders.

reef consultation import FOLDER --as EMAIL --owner SLUG|CC [--title T] [--tlp LABEL]
reef consultation export ID FOLDER --as EMAIL
reef consultation remind
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from reef.consultations import selectors, services
from reef.consultations.models import Participation
from reef.core.cli_identity import add_identity_argument, identity
from reef.core.errors import ServiceError
from reef.core.rules import WORKER
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation


class Command(BaseCommand):
    help = "Import or export a consultation as a Polis export, or send closing reminders."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a Polis export folder")
        imp.add_argument("folder")
        imp.add_argument(
            "--owner", required=True, help="owning organisation (slug) or country (ISO code)"
        )
        imp.add_argument("--title", default="")
        imp.add_argument("--tlp", default=TLP.GREEN, choices=TLP.values)
        imp.add_argument(
            "--participation", default=Participation.NAMED, choices=Participation.values
        )
        add_identity_argument(imp)
        exp = sub.add_parser("export", help="export a consultation as a Polis export folder")
        exp.add_argument("id", type=int)
        exp.add_argument("folder")
        add_identity_argument(exp)
        sub.add_parser("remind", help="mail reminders for consultations about to close")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "import":
                self._import(options)
            elif action == "export":
                self._export(options)
            else:
                sent = services.consultation_send_reminders(actor=WORKER)
                self.stdout.write(f"reminders sent for {sent} consultation(s)")
        except ServiceError as exc:
            raise CommandError(exc.message) from None

    def _import(self, options: dict[str, Any]) -> None:
        user = identity(options)
        if not user.is_authenticated:
            raise CommandError("consultation import needs --as EMAIL (an editor of the owner).")
        owner = options["owner"].strip()
        org = Organisation.objects.filter(slug=owner).first()
        country = None if org else Country.objects.filter(code=owner.upper()).first()
        if org is None and country is None:
            raise CommandError(f"No organisation or country {owner!r}.")
        folder = Path(options["folder"])
        consultation = services.consultation_import_polis(
            actor=user,
            folder=folder,
            title=options["title"] or f"Polis: {folder.name}",
            owner_organisation=org,
            owner_country=country,
            tlp=options["tlp"],
            participation=options["participation"],
        )
        self.stdout.write(
            f"imported consultation {consultation.pk}: {consultation.statements.count()} "
            f"statements, {consultation.participants.count()} participants, "
            f"{consultation.votes.count()} votes"
        )

    def _export(self, options: dict[str, Any]) -> None:
        user = identity(options)
        try:
            consultation = selectors.consultation_get(user, options["id"])
        except Http404:
            raise CommandError(f"Not found: consultation {options['id']}.") from None
        services.consultation_export_polis(
            actor=user, consultation=consultation, folder=options["folder"]
        )
        self.stdout.write(f"exported consultation {consultation.pk} to {options['folder']}")
