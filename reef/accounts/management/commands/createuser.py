from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reef.accounts.services import user_create
from reef.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create a user. The password comes from REEF_PASSWORD or the prompt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="")
        parser.add_argument("--superuser", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("REEF_PASSWORD")
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        try:
            user = user_create(
                email=options["email"],
                password=password,
                display_name=options["name"],
                is_superuser=options["superuser"],
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Created {user.email}.")
