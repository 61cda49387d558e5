"""Demo personas that can sign in (illustrative)."""

from __future__ import annotations

from collections.abc import Callable

from reef.accounts.models import Membership, User
from reef.accounts.people import membership_grant
from reef.core.demo import DEMO_PASSWORD
from reef.core.roles import Role
from reef.core.rules import DEMO
from reef.directory.models import Country, Grouping, Organisation

# email, what they are, memberships as (role, kind, key)
PERSONAS: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    (
        "focal.grenada@demo.reef",
        "national focal point of Grenada",
        [(Role.MANAGER, "country", "GD")],
    ),
    (
        "coordinator@demo.reef",
        "regional coordinator at CARICOM IMPACS",
        [
            (Role.COORDINATOR, "grouping", "caricom"),
            (Role.EDITOR, "organisation", "caricom-impacs"),
        ],
    ),
    (
        "oas.officer@demo.reef",
        "OAS programme officer (donor / consortium member)",
        [(Role.EDITOR, "organisation", "oas")],
    ),
    (
        "expert.tt@demo.reef",
        "private-sector expert in Trinidad and Tobago",
        [(Role.EDITOR, "organisation", "tt-secure-networks")],
    ),
    ("public@demo.reef", "member of the public", []),
    (
        "admin@demo.reef",
        "platform administrator at the secretariat",
        [(Role.ADMIN, "platform", "")],
    ),
    (
        "focal.barbados@demo.reef",
        "national focal point of Barbados",
        [(Role.MANAGER, "country", "BB")],
    ),
]


def verify_address(user: User) -> None:
    """Demo and test personas count as having verified their e-mail addresses."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": True}
    )


def load(say: Callable[[str], None]) -> None:
    for email, label, roles in PERSONAS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(
                email=email, display_name=label[:1].upper() + label[1:], demo_mfa_exempt=True
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        verify_address(user)
        for role, kind, key in roles:
            target: dict[str, Country | Organisation | Grouping]
            if kind == "platform":
                target = {}
            elif kind == "country":
                target = {"country": Country.objects.get(code=key)}
            elif kind == "organisation":
                target = {"organisation": Organisation.objects.get(slug=key)}
            else:
                target = {"grouping": Grouping.objects.get(slug=key)}
            if not Membership.objects.filter(user=user, role=role, **target).exists():
                membership_grant(user=user, role=role, actor=DEMO, notify=False, **target)  # type: ignore[arg-type]
    say(f"demo accounts: {len(PERSONAS)}")
