"""Assessments through the services over several cycles, and their reports."""

from __future__ import annotations

import random
from collections.abc import Sequence

from django.db import transaction

from reef.accounts.models import User
from reef.assessments import services as assessment_services
from reef.assessments.models import Assessment, Status
from reef.assessments.selectors import assessment_result
from reef.core.tests.scale.common import (
    COORDINATOR_EMAIL,
    VALUES,
    assessors,
    focal_point,
    shipped_framework,
)
from reef.core.tlp import TLP
from reef.directory.models import Country
from reef.frameworks.models import Framework


def _ratings(
    rng: random.Random, keys: Sequence[str], level: float, members: int
) -> list[list[tuple[str, str, str]]]:
    """Each member's sheet: a shared consensus, a few disagreements, a little evidence."""
    consensus = {}
    for n, key in enumerate(keys):
        stage = 1 + n * 5 // max(1, len(keys))
        consensus[key] = "met" if stage <= level else rng.choice(VALUES[1:])
    sheets: list[list[tuple[str, str, str]]] = []
    for i in range(members):
        sheet = []
        for key in keys:
            value = consensus[key]
            if i and rng.random() < 0.03:
                value = rng.choice([v for v in VALUES if v != value])
            evidence = (
                "Interview notes and documents reviewed (scale)." if rng.random() < 0.1 else ""
            )
            sheet.append((key, value, evidence))
        sheets.append(sheet)
    return sheets


def make_assessment(
    *,
    country: Country,
    cycle: str,
    until: str,
    framework: Framework,
    coordinator: User,
    team: Sequence[User],
    seed: str = "",
    previous: Assessment | None = None,
) -> Assessment:
    """One assessment through the services up to `until`: requested by the country's focal
    point, accepted, team named (coordinator leads), every indicator rated by every member
    (half of them while rating is open), disputes decided, targets set and agreed."""
    rng = random.Random(f"{country.code}-{cycle}-{seed}")  # nosec B311
    focal = focal_point(country)
    a = assessment_services.assessment_request(
        actor=focal,
        country=country,
        framework=framework,
        cycle=cycle,
        title=f"{country.name}: assessment {cycle} (scale)",
    )
    if previous is not None:
        Assessment.objects.filter(pk=a.pk).update(previous=previous)
    assessment_services.assessment_accept(actor=coordinator, assessment=a)
    members = [coordinator, *team]
    assessment_services.assessment_assign_team(
        actor=coordinator,
        assessment=a,
        members=members,
        lead=coordinator,
        roles={members[-1].pk: "criminal_justice"},
    )
    keys = list(framework.indicators.order_by("position").values_list("key", flat=True))
    level = 1.5 + rng.random() * 2
    sheets = _ratings(rng, keys, level, len(members))
    for n, (user, sheet) in enumerate(zip(members, sheets, strict=True)):
        if until == Status.RATING and n == 0:
            sheet = sheet[: len(sheet) // 2]  # the lead is half-way
        assessment_services.ratings_bulk_submit(actor=user, assessment=a, ratings=sheet)
    if until == Status.RATING:
        return a
    assessment_services.assessment_close_rating(actor=coordinator, assessment=a)
    disputed = list(assessment_result(a).disputed)
    for key in disputed[:-1] if until == Status.CONSOLIDATION else disputed:
        assessment_services.decision_record(
            actor=coordinator,
            assessment=a,
            indicator=key,
            value="partial",
            note="The team weighed the evidence (scale).",
            dissent=[str(members[-1])],
        )
    if until == Status.CONSOLIDATION:
        return a
    assessment_services.assessment_set_summary(
        actor=coordinator, assessment=a, summary=f"Summary of {a.title}."
    )
    assessment_services.assessment_finish_consolidation(actor=coordinator, assessment=a)
    result = assessment_result(a)
    targets = {x.key: min(5, x.stage + 1) for x in result.aspects if x.stage <= 3}
    assessment_services.target_set(
        actor=coordinator, assessment=a, targets=dict(list(targets.items())[:18])
    )
    if until == Status.TARGETS:
        return a
    assessment_services.assessment_agree_targets(actor=focal, assessment=a)
    return a


#: Where the last cycle stops, by country (the earlier cycles are complete).
LAST_CYCLE = (Status.RATING, Status.CONSOLIDATION, Status.TARGETS, Status.COMPLETE)


def make_assessments(
    *,
    countries: Sequence[Country],
    cycles: Sequence[str] = ("2081", "2084", "2087"),
    framework: Framework | None = None,
) -> list[Assessment]:
    """`len(cycles)` assessments per country, each linked to the one before; all but the
    last are complete, the last stops at a state that varies by country."""
    fw = framework or shipped_framework()
    coordinator = User.objects.get(email=COORDINATOR_EMAIL)
    team = assessors()
    made = []
    for i, country in enumerate(countries):
        previous = None
        for n, cycle in enumerate(cycles):
            last = n == len(cycles) - 1
            with transaction.atomic():
                previous = make_assessment(
                    country=country,
                    cycle=cycle,
                    until=LAST_CYCLE[i % len(LAST_CYCLE)] if last else Status.COMPLETE,
                    framework=fw,
                    coordinator=coordinator,
                    team=team,
                    previous=previous,
                )
            made.append(previous)
    return made


def make_reports(*, assessments: Sequence[Assessment]) -> int:
    """Needs assessment reports of complete assessments: the earlier cycles' published
    (submitted, released and published by the focal point), the last one's in review."""
    from reef.records import services as records_services
    from reef.records.models import Publication

    made = 0
    by_country: dict[int, list[Assessment]] = {}
    for a in assessments:
        by_country.setdefault(a.country_id, []).append(a)
    for cycle_list in by_country.values():
        for n, a in enumerate(cycle_list):
            a.refresh_from_db()
            if a.status != Status.COMPLETE:
                continue
            focal = focal_point(a.country)
            with transaction.atomic():
                p = records_services.publication_create(
                    actor=focal,
                    title=f"Report: {a.title}",
                    kind=Publication.Kind.ASSESSMENT_REPORT,
                    owner_country=a.country,
                    abstract=a.summary,
                    tlp=TLP.GREEN,
                    countries=[a.country],
                    assessment=a,
                )
                records_services.publication_submit(actor=focal, publication=p)
                if n < len(cycle_list) - 1:
                    records_services.publication_release(actor=focal, publication=p)
                    records_services.publication_publish(actor=focal, publication=p)
            made += 1
    return made
