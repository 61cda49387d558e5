from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from reef.accounts.people import membership_grant
from reef.accounts.services import user_create
from reef.core.errors import ServiceError
from reef.core.roles import Role
from reef.core.rules import OPERATOR_IMPORT


class Command(BaseCommand):
    help = (
        "Create a user (its e-mail counts as verified: the operator vouches for it). "
        "The password comes from REEF_PASSWORD or the prompt. --admin makes a platform "
        "administrator (--superuser is an alias kept for old scripts)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--admin",
            action="store_true",
            help="a platform administrator: manages the directory, memberships and frameworks "
            "and reads the audit trail, but reads no country's AMBER or RED records",
        )
        parser.add_argument("--superuser", action="store_true", help="the same as --admin")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("REEF_PASSWORD")
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        admin = options["admin"] or options["superuser"]
        try:
            with transaction.atomic():
                user = user_create(
                    email=options["email"],
                    password=password,
                    display_name=options["name"],
                    actor=OPERATOR_IMPORT,
                    email_verified=True,
                )
                if admin:
                    membership_grant(
                        user=user, role=Role.ADMIN, actor=OPERATOR_IMPORT, notify=False
                    )
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        what = "administrator " if admin else ""
        self.stdout.write(f"Created {what}{user.email}.")
