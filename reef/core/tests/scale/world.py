"""The whole region (`make_world`), a small one to grow (`grow_region`) and the
query-count helpers of the `test_queries.py` modules."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from reef.accounts.models import User
from reef.assessments.models import Assessment
from reef.core.tests.scale.assessments import make_assessments, make_reports
from reef.core.tests.scale.common import assessors, region_countries
from reef.core.tests.scale.consultations import make_consultations
from reef.core.tests.scale.experts import ExpertNetwork, make_experts
from reef.core.tests.scale.records import make_records
from reef.core.tlp import TLP
from reef.directory.models import Country


@dataclass
class World:
    countries: list[Country]
    assessments: list[Assessment]
    regional_plan: Any
    experts: ExpertNetwork
    consultations: list[Any]
    records: dict[str, int]
    reports: int


def make_world(
    *,
    countries: int | None = None,
    cycles: Sequence[str] = ("2081", "2084", "2087"),
    actions: int = 2000,
    needs_per_country: int = 20,
    experts: int = 200,
    proposals: int = 30,
    consultations: int = 20,
    participants: int = 2000,
    statements: int = 60,
    votes_each: int = 20,
    records: int = 1000,
    say: Any = None,
) -> World:
    """The whole region: `countries` of CARICOM (all 20 by default) with their assessments,
    plans (`make_region`: needs, actions, commitments), experts, consultations and records.
    The bench's default is the brief's size; tests pass small numbers."""
    import time

    from reef.planning.models import Need
    from reef.planning.tests.scale import make_region

    def step(name: str, started: float) -> float:
        now = time.perf_counter()
        if say is not None:
            say(f"  {name}: {now - started:.1f} s")
        return now

    t = time.perf_counter()
    chosen = region_countries(countries)
    made = make_assessments(countries=chosen, cycles=cycles)
    t = step(f"assessments ({len(made)})", t)
    reports = make_reports(assessments=made)
    t = step(f"reports ({reports})", t)
    with transaction.atomic():
        regional = make_region(actions=actions, needs_per_country=needs_per_country)
    t = step(f"region ({actions} actions)", t)
    network = make_experts(count=experts, countries=chosen, proposals=proposals)
    t = step(f"experts ({experts})", t)
    held = make_consultations(
        count=consultations,
        participants=participants,
        statements=statements,
        votes_each=votes_each,
        countries=chosen,
    )
    t = step(f"consultations ({consultations} x {participants})", t)
    needs = list(Need.objects.filter(plan__country__in=chosen).order_by("pk")[:50])
    counted = make_records(count=records, countries=chosen, needs=needs)
    step(f"records ({records})", t)
    return World(chosen, made, regional, network, held, counted, reports)


# ------------------------------------------------------------------------ query-count tests


def grow_region(countries: Sequence[Country], *, size: int, tag: str) -> World:
    """A few rows of everything for `countries`, `size` times over (tests pin query counts
    by building this for two countries, measuring, then for three more and measuring
    again). On the staged example framework: the page code is the same as on reef-cmm."""
    from reef.assessments.tests.helpers import example_framework
    from reef.planning.tests.scale import make_region

    made = make_assessments(
        countries=countries, cycles=("2081", "2084"), framework=example_framework("staged")
    )
    reports = make_reports(assessments=made)
    with transaction.atomic():
        regional = make_region(
            actions=10 * size,
            needs_per_country=2,
            cycle=f"2090-{tag}",
            countries=list(countries),
            tlp=TLP.GREEN,  # the community's: donors see the needs and offer
        )
    network = make_experts(
        count=5 * size, countries=countries, proposals=2 * size, missions=len(countries)
    )
    held = make_consultations(
        count=len(countries),
        participants=10 * size,
        statements=6,
        votes_each=3,
        countries=countries,
    )
    counted = make_records(count=10 * size, countries=countries)
    return World(list(countries), made, regional, network, held, counted, reports)


def queries_of(client: Any, url: str) -> int:
    """The number of queries one GET of `url` makes (after a first GET: caches warm)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(url)
    assert first.status_code == 200, (url, first.status_code)
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url)
    assert again.status_code == 200, (url, again.status_code)
    return len(ctx.captured_queries)


def assessor_client() -> Any:
    """A client signed in as the region's first assessor (on every team `make_world` names)."""
    from django.test import Client

    client = Client()
    client.force_login(assessors()[0])
    return client


def split_countries() -> tuple[list[Country], list[Country]]:
    """Two countries to start with (Grenada, the focal point persona's, and Trinidad and
    Tobago, the expert persona's) and three more to grow into."""
    countries = region_countries()
    first = [c for c in countries if c.code in ("GD", "TT")]
    more = [c for c in countries if c.code not in ("GD", "TT")][:3]
    return first, more


def expert_persona_profile(user: User) -> Any:
    """The expert persona's own profile (the demo makes it; the test world does not)."""
    from reef.experts import services as expert_services
    from reef.experts.models import ExpertProfile

    found = ExpertProfile.objects.filter(user=user).first()
    if found is not None:
        return found
    profile = expert_services.profile_create(
        actor=user,
        user=user,
        name="Expert persona (scale)",
        sector="private",
        country=Country.objects.get(code="TT"),
        languages=["en"],
        seniority="senior",
        is_public=True,
        consent=True,
    )
    today = timezone.localdate()
    expert_services.availability_add(
        actor=user, profile=profile, start=today, end=today + dt.timedelta(days=400)
    )
    return profile


def assert_counts_stable(
    pages: dict[str, tuple[Any, str]], grow: Any, pinned: dict[str, int]
) -> dict[str, int]:
    """Each page's query count, measured, then measured again after `grow()`: equal, and
    at most the pinned number. Returns the counts (for a message when a pin is wrong)."""
    before = {name: queries_of(client, url) for name, (client, url) in pages.items()}
    grow()
    after = {name: queries_of(client, url) for name, (client, url) in pages.items()}
    assert after == before, {n: (before[n], after[n]) for n in after if after[n] != before[n]}
    # REEF_SHOW_COUNTS=1 lists every count (to pin a new page).
    show = os.environ.get("REEF_SHOW_COUNTS") is not None
    over = {n: (after[n], pinned.get(n)) for n in after if show or after[n] > pinned.get(n, 0)}
    assert not over, f"over the pinned query counts: {over}"
    return after
