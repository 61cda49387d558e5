"""Who a CLI command acts as. CLI reads go through the same access layer as pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import CommandError, CommandParser

from reef.core import context


def add_identity_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_user",
        default=settings.REEF_CLI_USER,
        help="e-mail of the user to act as (default: REEF_CLI_USER, else anonymous)",
    )


def identity(options: dict[str, Any]) -> Any:
    from reef.accounts.models import User

    context.set_current(context.RequestContext(ip="", via="cli"))
    email = (options.get("as_user") or "").strip().lower()
    if not email:
        return AnonymousUser()
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user {email}.")
    return user
