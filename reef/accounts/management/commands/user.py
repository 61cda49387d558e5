"""`reef user deactivate EMAIL`: end an account's access at once (sessions and tokens)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reef.accounts.management.commands.member import acting
from reef.accounts.models import User
from reef.accounts.services import user_deactivate
from reef.core.cli_identity import add_identity_argument
from reef.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "`user deactivate EMAIL`: the account can no longer sign in; its sessions and API "
        "tokens stop at once. Without --as, acts as the console operator."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["deactivate"])
        parser.add_argument("email")
        add_identity_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting(options)
        email = options["email"].strip().lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"No user {email}.")
        try:
            user_deactivate(user=user, actor=actor)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Deactivated {email}: its sessions and API tokens have ended.")
