"""`reef member grant|revoke|list`: roles from the console.

Without --as the command acts as the console's operator (the system actor
"import", recorded as system:import in the audit trail): whoever runs commands on
the server already holds the database. With --as EMAIL it acts as that user and
the same rules as the pages apply.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reef.accounts import rules
from reef.accounts.models import Membership, User
from reef.accounts.people import membership_grant, membership_revoke
from reef.core.cli_identity import add_identity_argument, identity
from reef.core.errors import ServiceError
from reef.core.roles import Role
from reef.core.rules import OPERATOR_IMPORT, Actor, allowed
from reef.core.scope import email_verified, verified_address
from reef.directory.models import Country, Grouping, Organisation


def acting(options: dict[str, Any]) -> Actor:
    """The user named by --as, else the console operator."""
    if not (options.get("as_user") or "").strip():
        identity(options)  # records that this runs from the CLI
        return OPERATOR_IMPORT
    user: User = identity(options)
    return user


def place(options: dict[str, Any]) -> dict[str, Any]:
    """The place named by --country, --organisation or --grouping ({} for none)."""
    given = [k for k in ("country", "organisation", "grouping") if options.get(k)]
    if len(given) > 1:
        raise CommandError("Name one place: --country, --organisation or --grouping.")
    if not given:
        return {}
    kind = given[0]
    key = str(options[kind]).strip()
    if kind == "country":
        found: Any = Country.objects.filter(code=key.upper()).first()
        if found is None:
            raise CommandError(f"Unknown ISO 3166 code {key!r}.")
    elif kind == "organisation":
        found = Organisation.objects.filter(slug=key).first()
        if found is None:
            raise CommandError(f"No organisation {key!r}.")
    else:
        found = Grouping.objects.filter(slug=key).first()
        if found is None:
            raise CommandError(f"No grouping {key!r}.")
    return {kind: found}


def as_json(m: Membership) -> dict[str, Any]:
    return {
        "id": m.pk,
        "email": m.user.email,
        "role": m.role,
        "country": m.country.code if m.country else None,
        "organisation": m.organisation.slug if m.organisation else None,
        "grouping": m.grouping.slug if m.grouping else None,
        "since": m.created_at.isoformat(),
        "email_verified": bool(m.user_verified),  # type: ignore[attr-defined]  # annotated by _list
        "active": m.user.is_active,
    }


class Command(BaseCommand):
    help = (
        "Roles: `member grant EMAIL --role ROLE (--country CC | --organisation SLUG | "
        "--grouping SLUG)`, `member revoke EMAIL (--country ...)`, `member list "
        "[--country CC | --organisation SLUG | --grouping SLUG | --email EMAIL] [--json]`. "
        "Roles: viewer, editor, manager (country or organisation), coordinator (grouping), "
        "admin (no place). Without --as, acts as the console operator."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["grant", "revoke", "list"])
        parser.add_argument("email", nargs="?")
        parser.add_argument("--role", choices=[r.value for r in Role])
        parser.add_argument("--country", help="ISO 3166-1 alpha-2 code")
        parser.add_argument("--organisation", help="organisation slug")
        parser.add_argument("--grouping", help="grouping slug (coordinator role)")
        parser.add_argument("--email", dest="filter_email", help="list: only this person")
        parser.add_argument("--json", action="store_true")
        add_identity_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting(options)
        where = place(options)
        if options["action"] == "list":
            self._list(actor, where, options)
            return
        email = (options["email"] or "").strip().lower()
        if not email:
            raise CommandError(f"member {options['action']} needs an EMAIL.")
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"No user {email} (create one with `reef createuser {email}`).")
        try:
            if options["action"] == "grant":
                self._grant(actor, user, where, options)
            else:
                self._revoke(actor, user, where, options)
        except ServiceError as exc:
            raise CommandError(exc.message) from None

    def _grant(
        self, actor: Actor, user: User, where: dict[str, Any], options: dict[str, Any]
    ) -> None:
        role = options["role"]
        if not role:
            raise CommandError("member grant needs --role.")
        if not where and role != Role.ADMIN:
            raise CommandError("Name the place: --country, --organisation or --grouping.")
        m = membership_grant(user=user, role=role, actor=actor, **where)
        self.stdout.write(f"{user.email} is {m.role} of {m.target_label}.")
        if not email_verified(user):
            self.stdout.write(
                f"Note: {user.email} has not verified their e-mail address; "
                "the role takes effect once they do."
            )

    def _revoke(
        self, actor: Actor, user: User, where: dict[str, Any], options: dict[str, Any]
    ) -> None:
        if not where and options["role"] != Role.ADMIN:
            raise CommandError("Name the place: --country, --organisation or --grouping.")
        lookup = where or {"role": Role.ADMIN}
        held = Membership.objects.filter(user=user, **lookup).first()
        if held is None:
            raise CommandError(f"{user.email} holds no role there.")
        if options["role"] and options["role"] != held.role:
            raise CommandError(
                f"{user.email} is {held.role} there, not {options['role']}; nothing changed."
            )
        membership_revoke(membership=held, actor=actor)
        self.stdout.write(f"{user.email} is no longer {held.role} of {held.target_label}.")

    def _list(self, actor: Actor, where: dict[str, Any], options: dict[str, Any]) -> None:
        qs = Membership.objects.select_related(
            "user", "country", "organisation", "grouping"
        ).annotate(user_verified=verified_address())
        if where:
            qs = qs.filter(**where)
        if options["filter_email"]:
            qs = qs.filter(user__email=options["filter_email"].strip().lower())
        rows = [
            m
            for m in qs.order_by("user__email", "role")
            if allowed(rules.may_manage_members, actor, rules.Grant.of(m))
            or (isinstance(actor, User) and m.user_id == actor.pk)
        ]
        if options["json"]:
            self.stdout.write(json.dumps([as_json(m) for m in rows], indent=2))
            return
        for m in rows:
            self.stdout.write(f"{m.user.email}\t{m.role}\t{m.target_label}")
