"""The region's countries, the shipped framework and the people the builders act as."""

from __future__ import annotations

from reef.accounts.models import Membership, User
from reef.accounts.people import membership_grant
from reef.core.roles import Role
from reef.core.rules import DEMO
from reef.directory.models import Country, Grouping, GroupingMember
from reef.frameworks.models import Framework

#: The demo's assessors (reef/assessments/demo.py); the bench signs in as the first.
ASSESSOR_EMAILS = ("assessor.technical@demo.reef", "assessor.legal@demo.reef")
COORDINATOR_EMAIL = "coordinator@demo.reef"
VALUES = ("met", "partial", "not_met")


def region_countries(limit: int | None = None) -> list[Country]:
    """CARICOM's countries (20 with the associates), in a fixed order."""
    caricom = Grouping.objects.get(slug="caricom")
    members = (
        GroupingMember.objects.filter(grouping=caricom)
        .select_related("country")
        .order_by("country__code")
    )
    countries = [m.country for m in members]
    return countries[:limit] if limit is not None else countries


def shipped_framework(slug: str = "reef-cmm") -> Framework:
    """The shipped framework, imported when the database does not hold it yet."""
    fw: Framework | None = Framework.objects.filter(slug=slug).order_by("-created_at").first()
    if fw is None:
        from reef.frameworks import demo as frameworks_demo

        frameworks_demo.load(lambda _line: None)
        fw = Framework.objects.filter(slug=slug).order_by("-created_at").first()
    assert fw is not None, f"{slug} is not shipped"
    return fw


def _user(email: str, name: str) -> User:
    from reef.accounts.demo import verify_address

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, display_name=name)
        user.set_unusable_password()
        user.save()
    verify_address(user)
    return user


def focal_point(country: Country) -> User:
    """A manager of the country (the demo's focal point where it has one)."""
    held = (
        Membership.objects.filter(role=Role.MANAGER, country=country)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if held is not None:
        return held.user
    user = _user(f"focal.{country.code.lower()}@scale.reef", f"Focal point of {country.name}")
    membership_grant(user=user, role=Role.MANAGER, actor=DEMO, country=country, notify=False)
    return user


def assessors() -> list[User]:
    """The region's assessors: the demo's two (made here when the demo is not loaded)."""
    return [_user(email, f"Assessor {n} (scale)") for n, email in enumerate(ASSESSOR_EMAILS)]
