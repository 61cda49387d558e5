"""Experts of the region with a review round, missions and mentoring."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping, Organisation


@dataclass
class ExpertNetwork:
    profiles: list[Any] = field(default_factory=list)
    rounds: list[Any] = field(default_factory=list)
    missions: list[Any] = field(default_factory=list)


SECTORS = ("government", "private", "academia", "civil_society", "international")


def make_experts(
    *,
    count: int = 200,
    countries: Sequence[Country],
    proposals: int = 30,
    missions: int | None = None,
) -> ExpertNetwork:
    """`count` consenting experts of the region (no accounts: the coordinator adds
    them), one open review round with `proposals` proposals and its reviewers invited,
    a mission per country (or `missions`) with a team proposed, mentoring pairs."""
    from reef.experts import services as expert_services
    from reef.experts.models import ExpertiseTag

    rng = random.Random(f"experts-{count}")  # nosec B311
    tags = list(ExpertiseTag.objects.order_by("key"))
    roles = [t for t in tags if t.kind == ExpertiseTag.Kind.ROLE]
    today = timezone.localdate()
    network = ExpertNetwork()
    orgs = list(Organisation.objects.order_by("slug")[:40])
    for n in range(count):
        with transaction.atomic():
            country = countries[n % len(countries)]
            chosen = [roles[n % len(roles)], *rng.sample(tags, 3)]
            profile = expert_services.profile_create(
                actor=DEMO,
                name=f"Expert {n:03d} (scale)",
                sector=SECTORS[n % len(SECTORS)],
                country=country,
                organisation=orgs[n % len(orgs)] if n % 3 == 0 else None,
                expertise=list({t.pk: t for t in chosen}.values()),
                languages=["en", "es"] if n % 4 == 0 else ["en"],
                seniority=("junior", "mid", "senior")[n % 3],
                bio="Works on national cyber security capacity (scale).",
                max_reviews_per_quarter=3,
                is_public=n % 2 == 0,
                contact_email=f"expert{n:03d}@scale.example.org",
                contact_tlp=TLP.GREEN,
                consent=True,
            )
            expert_services.availability_add(
                actor=DEMO,
                profile=profile,
                start=today - dt.timedelta(days=30),
                end=today + dt.timedelta(days=400),
            )
        network.profiles.append(profile)
    caricom = Grouping.objects.get(slug="caricom")
    impacs = Organisation.objects.get(slug="caricom-impacs")
    opens = today - dt.timedelta(days=today.weekday())
    with transaction.atomic():
        round_ = expert_services.round_create(
            actor=DEMO,
            title=f"Programmes offered to the region, {count} experts (scale)",
            grouping=caricom,
            opens_on=opens,
            closes_on=opens + dt.timedelta(days=25),
            reviewers_per_proposal=3,
            organisation=impacs,
        )
        for n in range(proposals):
            expert_services.proposal_add(
                actor=DEMO,
                round=round_,
                title=f"Programme {n} (scale)",
                text="Training and equipment for incident response teams (scale).",
                author_organisation=orgs[n % len(orgs)],
                country=countries[n % len(countries)] if n % 2 else None,
            )
        expert_services.round_open(actor=DEMO, round=round_)
    network.rounds.append(round_)
    for n, country in enumerate(countries[: missions if missions is not None else None]):
        start = today + dt.timedelta(days=60 + 7 * n)
        start += dt.timedelta(days=(7 - start.weekday()) % 7)
        with transaction.atomic():
            mission = expert_services.mission_request_create(
                actor=DEMO,
                title=f"Assessment mission to {country.name} (scale)",
                country=country,
                start=start,
                end=start + dt.timedelta(days=4),
                size=3,
                expertise=rng.sample(tags, 3),
            )
            expert_services.mission_team_propose(actor=DEMO, mission=mission)
        network.missions.append(mission)
    with transaction.atomic():
        expert_services.mentoring_pairs_propose(actor=DEMO, today=today)
    return network
