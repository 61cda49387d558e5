"""Small factories for the expert network tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reef.accounts.models import User
from reef.core.rules import DEMO
from reef.directory.models import Country, Grouping, Organisation
from reef.experts import services
from reef.experts.models import ExpertiseTag, ExpertProfile, MissionRequest, ReviewRound

MISSION_START = dt.date(2026, 3, 2)
MISSION_END = dt.date(2026, 3, 6)
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
# A review window of exactly 10 working days: Monday 2 March to Friday 13 March 2026.
OPEN, CLOSE = dt.date(2026, 3, 2), dt.date(2026, 3, 13)


def tags(*keys: str) -> list[ExpertiseTag]:
    found = list(ExpertiseTag.objects.filter(key__in=keys))
    assert len(found) == len(keys), keys
    return found


def expert(
    name: str,
    *,
    sector: str = "private",
    country: str = "TT",
    roles: Sequence[str] = ("technical",),
    languages: Sequence[str] = ("en",),
    seniority: str = "mid",
    organisation: str | None = None,
    available: tuple[dt.date, dt.date] | None = YEAR,
    user: User | None = None,
    bio: str = "",
    max_reviews: int = 3,
    public: bool = False,
) -> ExpertProfile:
    profile = services.profile_create(
        actor=DEMO,
        user=user,
        name=name,
        sector=sector,
        country=Country.objects.get(code=country),
        organisation=Organisation.objects.get(slug=organisation) if organisation else None,
        expertise=tags(*roles),
        languages=languages,
        seniority=seniority,
        bio=bio,
        max_reviews_per_quarter=max_reviews,
        is_public=public,
        contact_email=f"{name.split()[0].lower()}@example.org",
        consent=True,
    )
    if available is not None:
        services.availability_add(actor=DEMO, profile=profile, start=available[0], end=available[1])
    return profile


def mission(
    *,
    country: str = "GD",
    start: dt.date = MISSION_START,
    end: dt.date = MISSION_END,
    languages: Sequence[str] = ("en",),
    organisations: Sequence[str] = (),
    nascent_seat: bool = True,
    size: int = 3,
) -> MissionRequest:
    return services.mission_request_create(
        actor=DEMO,
        title=f"Assessment mission to {country}",
        country=Country.objects.get(code=country),
        start=start,
        end=end,
        languages=languages,
        size=size,
        nascent_seat=nascent_seat,
        organisations=list(Organisation.objects.filter(slug__in=organisations)),
    )


def review_round(
    *, opens_on: dt.date, closes_on: dt.date, k: int = 2, objective: str = "total"
) -> ReviewRound:
    return services.round_create(
        actor=DEMO,
        title="Review of offered programmes",
        grouping=Grouping.objects.get(slug="caricom"),
        opens_on=opens_on,
        closes_on=closes_on,
        reviewers_per_proposal=k,
        objective=objective,
        organisation=Organisation.objects.get(slug="caricom-impacs"),
    )
