"""A region at scale, for query-count tests and bench/pages_bench.py.

Builders for what `reef.planning.tests.scale.make_region` does not make: assessments on
the shipped reef-cmm framework over several cycles, experts with a review round,
missions and mentoring, consultations with participants and votes, and the public
record (events, publications, briefings). `make_world` calls them all.

The workflow goes through the services (requests, teams, ratings, decisions, targets,
reports, profiles, records), so states, TLP labels, memberships and the audit trail
are what the application makes. Rows that come in tens of thousands are inserted in
bulk, as `consultation_import_polis` does: the community's user accounts (verified
addresses, no role, unusable passwords), consultation participants, statements and
votes, each labelled like their consultation (`copy_label`). Ratings use
`ratings_bulk_submit`, which is itself one statement per batch.

Everything is deterministic (seeded); the names say "(scale)" so that nobody takes them
for real data.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from reef.accounts.models import Membership, User
from reef.accounts.people import membership_grant
from reef.assessments import services as assessment_services
from reef.assessments.models import Assessment, Status
from reef.assessments.selectors import assessment_result
from reef.core.roles import Role
from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping, GroupingMember, Organisation
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


# ------------------------------------------------------------------------ assessments


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


# ------------------------------------------------------------------------ experts


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


# ------------------------------------------------------------------------ consultations


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


# ------------------------------------------------------------------------ public record


def make_records(
    *, count: int = 1000, countries: Sequence[Country], needs: Sequence[Any] = ()
) -> dict[str, int]:
    """`count` records: two fifths events, two fifths publications, a fifth briefings,
    owned by countries and organisations in turn, two thirds published, under varied labels
    (ten make a public event and a public publication)."""
    from reef.records import services as r
    from reef.records.models import Event, Publication

    orgs = list(Organisation.objects.order_by("slug")[:20])
    labels = (TLP.CLEAR, TLP.CLEAR, TLP.GREEN, TLP.AMBER)
    start = dt.date(2080, 1, 6)
    events = publications = briefings = 0
    made_events: list[Event] = []
    for n in range(count):
        country = countries[n % len(countries)]
        owner = {"owner_country": country} if n % 2 else {"owner_organisation": orgs[n % len(orgs)]}
        tlp = labels[n % len(labels)]
        kind = n % 5
        with transaction.atomic():
            if kind in (0, 1):
                day = start + dt.timedelta(days=3 * n)
                event = r.event_create(
                    actor=DEMO,
                    title=f"Workshop {n} in {country.name} (scale)",
                    kind=Event.Kind.WORKSHOP if n % 3 else Event.Kind.TRAINING,
                    start_date=day,
                    end_date=day + dt.timedelta(days=2),
                    country=country,
                    venue="National conference centre",
                    summary="Two days on incident response and cooperation (scale).",
                    hosts=[orgs[n % len(orgs)]],
                    tlp=tlp,
                    **owner,
                )
                if n % 3:
                    r.event_publish(actor=DEMO, event=event)
                made_events.append(event)
                events += 1
            elif kind in (2, 3):
                p = r.publication_create(
                    actor=DEMO,
                    title=f"Publication {n} on {country.name} (scale)",
                    kind=(Publication.Kind.REPORT, Publication.Kind.BRIEF)[n % 2],
                    authors="Regional secretariat (scale)",
                    abstract="Findings and recommendations (scale).",
                    tlp=tlp,
                    countries=[country, countries[(n + 1) % len(countries)]],
                    events=made_events[-1:],
                    **owner,
                )
                if n % 3:
                    r.publication_submit(actor=DEMO, publication=p)
                    r.publication_publish(actor=DEMO, publication=p)
                publications += 1
            else:
                r.briefing_create(
                    actor=DEMO,
                    title=f"Threat briefing {n} (scale)",
                    threat="Ransomware",
                    published_on=start + dt.timedelta(days=2 * n),
                    summary="A campaign against public bodies (scale).",
                    sources=[{"title": "Advisory", "url": "https://example.org/advisory"}],
                    countries=[country],
                    needs=[needs[n % len(needs)]] if needs else [],
                    tlp=tlp,
                    **owner,
                )
                briefings += 1
    return {"events": events, "publications": publications, "briefings": briefings}


# ------------------------------------------------------------------------ all of it


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
