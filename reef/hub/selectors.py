"""Reads for the role homes and the country hubs.

Everything here goes through the apps' selectors or `for_user`: a section shows only
the records its reader may see, and counts count only those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from reef.assessments.models import Assessment, Rating, Status
from reef.assessments.selectors import assessment_result, assessments_for
from reef.consultations.models import Consultation
from reef.consultations.selectors import consultations_for
from reef.core.access import scope_for
from reef.core.roles import Action
from reef.directory.models import Country, Organisation, OrganisationKind
from reef.experts.models import MentorPair, MissionRequest, ReviewAssignment, TeamMember
from reef.experts.selectors import missions_for, own_profile
from reef.frameworks.models import Indicator
from reef.frameworks.selectors import shown as framework_shown
from reef.notifications.models import Notification
from reef.notifications.render import Rendered, render_all
from reef.notifications.selectors import inbox_for, preference_for, unread_count
from reef.planning.models import Area, Commitment, Need, Plan
from reef.planning.selectors import (
    commitments_for,
    needs_for,
    plan_overview,
    plans_for,
    twinning_opportunities,
)
from reef.records.models import Briefing, Event, Publication
from reef.records.selectors import briefings_for, events_for, publications_for

#: How many items a home section lists before "see all".
SECTION_LIMIT = 8
#: A consultation or review window closing within this many days is flagged.
CLOSING_SOON = timedelta(days=14)
#: Commitments that cover a need (an offer alone does not).
COVERING = [
    Commitment.Status.ACCEPTED,
    Commitment.Status.IN_PROGRESS,
    Commitment.Status.DELIVERED,
    Commitment.Status.VERIFIED,
]
#: Organisations whose members see the funding desk.
FUNDER_KINDS = [OrganisationKind.DONOR, OrganisationKind.INTERNATIONAL]


# --- the home of a signed-in person ---------------------------------------------------


@dataclass
class GapLine:
    """A gap of the latest results: how far an aspect (or pillar) is below its target."""

    assessment: Assessment
    key: str
    name: str
    current: float
    target: float

    @property
    def distance(self) -> float:
        return round(self.target - self.current, 2)


#: How many gaps the home shows per country (the largest first).
HOME_GAPS = 3


def _largest_gaps(assessment: Assessment) -> list[GapLine]:
    """The gaps of `assessment` (results open: rating has closed), largest distance first."""
    fw = framework_shown(assessment.framework)  # names in the reader's language
    names = {a.key: a.name for a in fw.aspects} | {p.key: p.name for p in fw.pillars}
    lines = [
        GapLine(
            assessment,
            g.key,
            names.get(g.key, g.key),
            float(g.stage or 0) if g.score is None else float(g.score),
            float(g.target),
        )
        for g in assessment_result(assessment).gaps
    ]
    lines.sort(key=lambda g: (-g.distance, g.key))
    return lines[:HOME_GAPS]


@dataclass
class CountryCycle:
    """A managed country's cycle: where each assessment stands and what waits for it."""

    country: Country
    assessments: list[Assessment] = field(default_factory=list)
    targets_to_agree: list[Assessment] = field(default_factory=list)
    reports_to_review: list[Publication] = field(default_factory=list)
    offers: list[Commitment] = field(default_factory=list)
    closing: list[Consultation] = field(default_factory=list)
    gaps: list[GapLine] = field(default_factory=list)

    @property
    def requests(self) -> list[Assessment]:
        return [a for a in self.assessments if a.status == Status.REQUESTED]

    @property
    def waiting(self) -> int:
        return len(self.targets_to_agree) + len(self.reports_to_review) + len(self.offers)


@dataclass
class RegionQueue:
    requests: list[Assessment]
    missions: list[MissionRequest]
    overlaps: int


@dataclass
class FundingDesk:
    organisations: list[Organisation]
    interests: list[Area]
    unfunded: list[Need]
    commitments: list[Commitment]


@dataclass
class ExpertDesk:
    invitations: list[ReviewAssignment]
    reviews: list[ReviewAssignment]
    mentoring: list[MentorPair]
    missions: list[TeamMember]

    @property
    def empty(self) -> bool:
        return not (self.invitations or self.reviews or self.mentoring or self.missions)


@dataclass
class RatingWork:
    assessment: Assessment
    total: int
    rated: int

    @property
    def left(self) -> int:
        return max(self.total - self.rated, 0)


@dataclass
class Home:
    cycles: list[CountryCycle]
    region: RegionQueue | None
    funding: FundingDesk | None
    expert: ExpertDesk | None
    rating: list[RatingWork]
    has_role: bool
    invitations: list[Consultation]
    notifications: list[tuple[Notification, Rendered]]
    unread: int

    @property
    def sections(self) -> int:
        return sum(
            bool(s) for s in (self.cycles, self.region, self.funding, self.expert, self.rating)
        )


def _country_cycles(user: Any, country_ids: set[int]) -> list[CountryCycle]:
    if not country_ids:
        return []
    now = timezone.now()
    cycles = {
        c.pk: CountryCycle(c) for c in Country.objects.filter(pk__in=country_ids).order_by("name")
    }
    for a in (
        assessments_for(user).filter(country_id__in=country_ids).order_by("-created_at", "-pk")
    ):
        cycle = cycles[a.country_id]
        # Every open assessment, and the latest complete one for context.
        if a.status != Status.COMPLETE or not any(
            x.status == Status.COMPLETE for x in cycle.assessments
        ):
            cycle.assessments.append(a)
        if a.status == Status.TARGETS and a.targets_agreed_by_id is None:
            cycle.targets_to_agree.append(a)
    for cycle in cycles.values():
        # The latest results the reader may see (the list is newest first).
        latest = next((a for a in cycle.assessments if a.results_open), None)
        if latest is not None:
            cycle.gaps = _largest_gaps(latest)
    for p in (
        publications_for(user)
        .filter(status=Publication.Status.REVIEW, countries__in=country_ids)
        .distinct()
        .order_by("-submitted_at", "pk")
    ):
        for c in p.countries.all():
            if c.pk in cycles:
                cycles[c.pk].reports_to_review.append(p)
    for offer in (
        commitments_for(user)
        .filter(status=Commitment.Status.OFFERED, need__plan__country_id__in=country_ids)
        .select_related("need__plan")
        .order_by("offered_on", "pk")
    ):
        country_id = offer.need.plan.country_id
        if country_id in cycles:
            cycles[country_id].offers.append(offer)
    for consultation in (
        consultations_for(user)
        .filter(
            owner_country_id__in=country_ids,
            opens_at__lte=now,
            closes_at__gt=now,
            closes_at__lte=now + CLOSING_SOON,
        )
        .order_by("closes_at")
    ):
        if consultation.owner_country_id in cycles:
            cycles[consultation.owner_country_id].closing.append(consultation)
    return list(cycles.values())


def _region_queue(user: Any, country_ids: frozenset[int]) -> RegionQueue:
    requests = list(
        assessments_for(user)
        .filter(status=Status.REQUESTED, country_id__in=country_ids)
        .select_related("country")
        .order_by("created_at", "pk")[:SECTION_LIMIT]
    )
    missions = list(
        missions_for(user)
        .filter(status=MissionRequest.Status.REQUESTED, country_id__in=country_ids)
        .select_related("country")
        .order_by("start", "pk")[:SECTION_LIMIT]
    )
    overlaps = sum(not o.linked for o in twinning_opportunities(user, list(country_ids), limit=50))
    return RegionQueue(requests, missions, overlaps)


def unfunded_needs(user: Any) -> Any:
    """Published needs the user may see with no commitment they may see that covers them
    (a draft, without a cost yet, is not put before donors)."""
    covering = (
        Commitment.objects.for_user(user)
        .filter(need=OuterRef("pk"), status__in=COVERING)
        .values("pk")
    )
    return needs_for(user).filter(published_at__isnull=False).filter(~Exists(covering))


def _funding_desk(user: Any, organisation_ids: set[int]) -> FundingDesk | None:
    organisations = list(
        Organisation.objects.for_user(user)
        .filter(pk__in=organisation_ids, kind__in=FUNDER_KINDS)
        .order_by("name")
    )
    if not organisations:
        return None
    commitments = list(
        commitments_for(user)
        .filter(organisation__in=organisations)
        .select_related("need__plan__country")
        .order_by("-offered_on", "-pk")[:SECTION_LIMIT]
    )
    # Interests: the areas the person follows, else the areas their organisations fund.
    keys = [str(k) for k in (preference_for(user).need_areas or [])]
    interests = list(Area.objects.filter(key__in=keys).order_by("position", "name"))
    if not interests:
        interests = list(
            Area.objects.filter(
                pk__in=Commitment.objects.for_user(user)
                .filter(organisation__in=organisations)
                .values("need__area")
            ).order_by("position", "name")
        )
    needs = unfunded_needs(user)
    if interests:
        needs = needs.filter(area__in=interests)
    unfunded = list(
        needs.order_by("-score", "position", "pk").select_related("plan__country")[:SECTION_LIMIT]
    )
    return FundingDesk(organisations, interests, unfunded, commitments)


def _expert_desk(user: Any) -> ExpertDesk | None:
    profile = own_profile(user)
    if profile is None:
        return None
    open_assignments = list(
        ReviewAssignment.objects.for_user(user)
        .filter(
            reviewer=profile,
            status__in=[ReviewAssignment.Status.INVITED, ReviewAssignment.Status.ACCEPTED],
        )
        .select_related("proposal__round")
        .order_by("proposal__round__closes_on", "pk")
    )
    mentoring = list(
        MentorPair.objects.for_user(user)
        .filter(Q(mentor=profile) | Q(mentee=profile), status=MentorPair.Status.ACTIVE)
        .select_related("mentor__user", "mentee__user")
    )
    missions = list(
        TeamMember.objects.for_user(user)
        .filter(
            profile=profile,
            mission__status__in=[
                MissionRequest.Status.PROPOSED,
                MissionRequest.Status.CONFIRMED,
            ],
        )
        .select_related("mission__country")
        .order_by("mission__start", "pk")
    )
    return ExpertDesk(
        invitations=[a for a in open_assignments if a.status == ReviewAssignment.Status.INVITED],
        reviews=[a for a in open_assignments if a.status == ReviewAssignment.Status.ACCEPTED],
        mentoring=mentoring,
        missions=missions,
    )


def _rating_work(user: Any) -> list[RatingWork]:
    indicators = (
        Indicator.objects.filter(framework=OuterRef("framework"))
        .order_by()
        .values("framework")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rated = (
        # By the assessor's key, which the (assessment, indicator, key) index answers: by
        # assessor id, the database read all of a lead's ratings in every assessment.
        Rating.objects.filter(assessment=OuterRef("pk"), assessor_key=f"user:{user.pk}")
        .order_by()
        .values("assessment")
        .annotate(n=Count("indicator", distinct=True))
        .values("n")
    )
    found = (
        assessments_for(user)
        .filter(status=Status.RATING, team=user)
        .select_related("country")
        .annotate(
            indicator_total=Coalesce(Subquery(indicators, output_field=IntegerField()), 0),
            rated_total=Coalesce(Subquery(rated, output_field=IntegerField()), 0),
        )
        .order_by("created_at", "pk")
    )
    return [RatingWork(a, a.indicator_total, a.rated_total) for a in found]


def home_for(user: Any) -> Home:
    """What waits for a signed-in person, one section per role they hold."""
    scope = scope_for(user)
    has_role = scope.is_community or scope.is_admin
    invitations: list[Consultation] = []
    if not has_role:
        invitations = list(
            consultations_for(user)
            .filter(members=user, closes_at__gt=timezone.now())
            .order_by("closes_at")
        )
    expert = _expert_desk(user)
    unread = list(inbox_for(user, unread_only=True)[:5])
    return Home(
        cycles=_country_cycles(user, scope.country_ids(Action.MANAGE)),
        region=_region_queue(user, scope.coordinated_countries) if scope.is_coordinator else None,
        funding=_funding_desk(user, scope.organisation_ids()),
        expert=expert,
        rating=_rating_work(user),
        has_role=has_role,
        invitations=invitations,
        notifications=list(zip(unread, render_all(unread, user), strict=True)),
        # Counted, not cached: the header keeps its own (cached) count.
        unread=unread_count(user),
    )


# --- the hub of a country -------------------------------------------------------------


@dataclass
class TrendPoint:
    assessment: Assessment
    total: float | None
    tier: int | None


@dataclass
class DonorLine:
    organisation: Organisation
    commitments: int = 0
    covering: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class CountryHub:
    country: Country
    assessments: list[Assessment]
    trend: list[TrendPoint]
    plan: Plan | None
    funding: Any  # rollup.GroupRollup of the plan's visible needs, or None
    needs: int
    donors: list[DonorLine]
    consultations: list[Consultation]
    events: list[Event]
    publications: list[Publication]
    briefings: list[Briefing]

    @property
    def latest(self) -> Assessment | None:
        return self.assessments[0] if self.assessments else None

    @property
    def change(self) -> float | None:
        """Change of the total between the last two cycles with results."""
        totals = [p.total for p in self.trend if p.total is not None]
        return round(totals[-1] - totals[-2], 2) if len(totals) >= 2 else None


def _trend(assessments: list[Assessment]) -> list[TrendPoint]:
    with_results = [a for a in assessments if a.results_open][:4]
    points = []
    for a in reversed(with_results):
        result = assessment_result(a)
        points.append(TrendPoint(a, result.total, result.tier))
    return points


def country_hub(user: Any, country: Country) -> CountryHub:
    assessments = list(assessments_for(user).filter(country=country).order_by("-created_at", "-pk"))
    plan = (
        plans_for(user)
        .filter(kind=Plan.Kind.NATIONAL, country=country)
        .order_by("-cycle", "-created_at")
        .first()
    )
    funding = None
    needs = 0
    donors: dict[int, DonorLine] = {}
    if plan is not None:
        overview = plan_overview(user, plan)
        funding = overview.rolled.region
        needs = len(overview.needs)
        for c in overview.commitments:
            if c.status == Commitment.Status.WITHDRAWN:
                continue
            line = donors.setdefault(c.organisation_id, DonorLine(c.organisation))
            line.commitments += 1
            line.covering += c.status in COVERING
            if c.amount is not None:
                line.amounts[c.currency] = line.amounts.get(c.currency, Decimal(0)) + c.amount

    # Largest donors first (amounts in different currencies are only summed to order them).
    def weight(d: DonorLine) -> tuple[Decimal, str]:
        return (-sum(d.amounts.values(), Decimal(0)), str(d.organisation))

    return CountryHub(
        country=country,
        assessments=assessments,
        trend=_trend(assessments),
        plan=plan,
        funding=funding,
        needs=needs,
        donors=sorted(donors.values(), key=weight),
        consultations=list(
            consultations_for(user)
            .filter(owner_country=country)
            .order_by("-opens_at")[:SECTION_LIMIT]
        ),
        events=list(
            events_for(user).filter(country=country).order_by("-start_date")[:SECTION_LIMIT]
        ),
        publications=list(
            publications_for(user).filter(countries=country).order_by("-created_at")[:SECTION_LIMIT]
        ),
        briefings=list(briefings_for(user).filter(countries=country)[:SECTION_LIMIT]),
    )
