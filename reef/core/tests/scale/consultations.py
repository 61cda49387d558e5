"""Consultations with the community's participants, statements and votes (in bulk)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from reef.accounts.models import User
from reef.core.rules import DEMO
from reef.core.tests.scale.common import region_countries
from reef.core.tlp import TLP
from reef.directory.models import Country


def make_community(*, count: int = 2000, prefix: str = "member") -> list[User]:
    """`count` signed-up people without a role (verified addresses, unusable passwords)."""
    from allauth.account.models import EmailAddress

    emails = [f"{prefix}{n:05d}@scale.reef" for n in range(count)]
    have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(
                email=e,
                display_name=f"Member {e[len(prefix) : -len('@scale.reef')]} (scale)",
                password=unusable,
            )
            for e in emails
            if e not in have
        ],
        batch_size=1000,
    )
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in users],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return users


def make_consultation(
    *,
    country: Country,
    people: Sequence[User],
    statements: int = 60,
    votes_each: int = 20,
    participation: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    seed: str = "",
) -> Any:
    """One consultation owned by `country`, created by the service; each of `people` took
    part (sector and country given), the statements were accepted (one in ten rejected
    or pending), each participant voted on `votes_each` of them (bulk, as an import)."""
    from reef.consultations import services as c_services
    from reef.consultations.models import Participant, Participation, Sector, Statement, Vote

    rng = random.Random(f"consultation-{country.code}-{seed}")  # nosec B311
    named = participation == Participation.NAMED
    consultation = c_services.consultation_create(
        actor=DEMO,
        title=f"Consultation of {country.name} {seed} (scale)",
        description="What should the national strategy do first? (scale)",
        opens_at=opens_at,
        closes_at=closes_at,
        owner_country=country,
        tlp=TLP.GREEN if named else TLP.CLEAR,
        participation=participation,
        members=list(people) if named else (),
    )
    label = {
        "tlp": consultation.tlp,
        "owner_country_id": consultation.owner_country_id,
        "owner_organisation_id": consultation.owner_organisation_id,
    }
    countries = region_countries()
    sectors = list(Sector.values)
    Participant.objects.bulk_create(
        [
            Participant(
                consultation=consultation,
                number=n + 1,
                user=u,
                sector=sectors[n % len(sectors)],
                country=countries[n % len(countries)],
                **label,
            )
            for n, u in enumerate(people)
        ],
        batch_size=1000,
    )
    participants = list(consultation.participants.order_by("number"))
    status = Statement.Status
    Statement.objects.bulk_create(
        [
            Statement(
                consultation=consultation,
                number=n + 1,
                author=participants[(n * 37) % len(participants)] if n % 3 else None,
                body=f"Statement {n + 1} of {consultation.pk}: priority {n % 12} (scale)",
                status=(
                    status.ACCEPTED if n % 10 else (status.REJECTED if n % 20 else status.PENDING)
                ),
                submitted_at=opens_at,
                **label,
            )
            for n in range(statements)
        ]
    )
    accepted = list(consultation.statements.filter(status=status.ACCEPTED).order_by("number"))
    span = max(1, int((min(closes_at, timezone.now()) - opens_at).total_seconds()))
    votes = []
    for p in participants:
        leaning = rng.choice((-1, 1))
        for s in rng.sample(accepted, min(votes_each, len(accepted))):
            value = leaning if (s.number + p.number) % 3 else rng.choice((-1, 0, 1))
            votes.append(
                Vote(
                    consultation=consultation,
                    participant=p,
                    statement=s,
                    value=value,
                    voted_at=opens_at + dt.timedelta(seconds=rng.randrange(span)),
                    **label,
                )
            )
    Vote.objects.bulk_create(votes, batch_size=5000)
    c_services._analysis_inputs_changed(consultation)
    return consultation


def make_consultations(
    *,
    count: int = 20,
    participants: int = 2000,
    statements: int = 60,
    votes_each: int = 20,
    countries: Sequence[Country],
    analyse: bool = True,
) -> list[Any]:
    """`count` consultations over the countries, a third named (the participants are its
    members), the rest public; half still open. Then the worker's opinion analysis."""
    from reef.consultations import services as c_services
    from reef.consultations.models import Participation

    people = make_community(count=participants)
    now = timezone.now()
    made = []
    for n in range(count):
        open_now = n % 2 == 0
        opens_at = now - dt.timedelta(days=20 + n)
        closes_at = now + dt.timedelta(days=10 + n) if open_now else now - dt.timedelta(days=5)
        with transaction.atomic():
            made.append(
                make_consultation(
                    country=countries[n % len(countries)],
                    people=people,
                    statements=statements,
                    votes_each=votes_each,
                    participation=Participation.NAMED if n % 3 == 0 else Participation.PUBLIC,
                    opens_at=opens_at,
                    closes_at=closes_at,
                    seed=str(n),
                )
            )
    if analyse:  # what the worker does (the immediate task backend already did it)
        for c in made:
            c.refresh_from_db()
            if c.analysis_stale:
                c_services.consultation_analyse(consultation=c)
    return made
