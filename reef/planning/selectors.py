"""Reads of planning, always through the access layer, with roll-ups computed here.

Roll-ups, heatmaps and twinning count only what the user may see: a record the
user may not see does not exist for them, in totals as in lists.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reef.accounts.roles import Action as Act
from reef.core.access import LabelledQuerySet, scope_for
from reef.core.errors import ServiceError
from reef.core.selectors import get_for_user
from reef.directory.models import Country, Grouping, GroupingMember
from reef.directory.names import by_display_name
from reef.planning import overlaps, rollup
from reef.planning.models import (
    Action,
    Area,
    Commitment,
    CommitmentEvent,
    Milestone,
    Need,
    Plan,
    PriorityChange,
    Risk,
    TwinningLink,
)
from reef.planning.reference import DEFAULT_TAXONOMY, rate_table

# --- single records and lists --------------------------------------------------------


def plans_for(user: Any) -> LabelledQuerySet:
    return Plan.objects.for_user(user).select_related("country", "grouping", "organisation")


def plan_get(user: Any, pk: int, action: str = Act.VIEW) -> Plan:
    plan: Plan = get_for_user(
        Plan.objects.select_related(
            "country", "grouping", "organisation", "priorities_confirmed_by"
        ),
        user,
        action=action,
        pk=pk,
    )
    return plan


def national_plan_for(user: Any, code: str) -> Plan:
    """The latest national plan of a country that the user may see, else 404."""
    plan: Plan | None = (
        plans_for(user)
        .filter(kind=Plan.Kind.NATIONAL, country__code=code.upper())
        .order_by("-cycle", "-created_at")
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def areas(taxonomy: str = DEFAULT_TAXONOMY) -> list[Area]:
    return list(Area.objects.filter(taxonomy=taxonomy).order_by("position", "name"))


def needs_for(user: Any) -> LabelledQuerySet:
    return Need.objects.for_user(user).select_related("area", "country", "plan")


# --- finding needs -----------------------------------------------------------------------

FundingStatus = rollup.FundingStatus
FUNDING_LABELS: dict[str, Any] = {
    FundingStatus.UNFUNDED: _("Unfunded"),
    FundingStatus.PARTLY: _("Partly funded"),
    FundingStatus.FULLY: _("Fully funded"),
}
#: "Top N of its plan" choices offered on the needs page (the API takes any N).
PRIORITY_CHOICES = (3, 5, 10)
MAX_PRIORITY = 10_000
#: Commitment statuses that count towards funding (an offer alone does not).
COUNTING = [s.value for s in rollup.ACTIVE_STATUSES]
NEED_LIST_LIMIT = 500


@dataclass(frozen=True)
class NeedFilter:
    country: str = ""  # ISO code
    area: str = ""  # area key
    funding: str = ""  # a FundingStatus value
    priority: int | None = None  # the need is among the first N of its plan

    @property
    def active(self) -> bool:
        return bool(self.country or self.area or self.funding or self.priority)


def need_filter(params: Mapping[str, str]) -> NeedFilter:
    """The filters of the needs list from query parameters; ServiceError names a bad one."""
    country = (params.get("country") or "").strip().upper()
    area = (params.get("area") or "").strip()
    funding = (params.get("funding") or "").strip()
    raw_priority = (params.get("priority") or "").strip()
    if country and not Country.objects.filter(code=country).exists():
        raise ServiceError(gettext("Unknown country."), field="country")
    if area and not Area.objects.filter(key=area).exists():
        raise ServiceError(gettext("Unknown area."), field="area")
    if funding and funding not in FUNDING_LABELS:
        raise ServiceError(
            gettext("Funding status must be one of: %(choices)s.")
            % {"choices": ", ".join(FUNDING_LABELS)},
            field="funding",
        )
    priority: int | None = None
    if raw_priority:
        if not raw_priority.isdigit() or not 1 <= int(raw_priority) <= MAX_PRIORITY:
            raise ServiceError(
                gettext("Priority must be a whole number from 1 to %(max)s.")
                % {"max": MAX_PRIORITY},
                field="priority",
            )
        priority = int(raw_priority)
    return NeedFilter(country, area, funding, priority)


def need_countries(user: Any) -> list[Country]:
    """Countries with a need the user may see, by name in the reader's language."""
    return by_display_name(
        Country.objects.filter(pk__in=Need.objects.for_user(user).values("country_id"))
    )


def attach_funding(user: Any, needs: list[Any]) -> None:
    """Set `rolled` and `funding` on each need, from the commitments the user may see
    that count (one query), in each plan's reporting currency."""
    if not needs:
        return
    commitments = list(
        Commitment.objects.for_user(user)
        .filter(need_id__in=[n.pk for n in needs], status__in=COUNTING)
        .only("pk", "need_id", "status", "amount", "currency")
    )
    by_plan: dict[int, list[Any]] = defaultdict(list)  # Needs, given funding attributes
    for n in needs:
        by_plan[n.plan_id].append(n)
    for plan_needs_ in by_plan.values():
        rolled = compute_rollup(plan_needs_[0].plan, plan_needs_, commitments)
        for n in plan_needs_:
            n.rolled = rolled.by_need[str(n.pk)]
            n.funding = rollup.funding_status(n.rolled)
            n.funding_label = FUNDING_LABELS[n.funding]


def needs_matching(user: Any, found: NeedFilter) -> LabelledQuerySet | list[Any]:
    """The needs the user may see that pass `found`, in the needs list's order.

    Unfunded is decided in the database (no counting commitment the user may see): a
    queryset, without funding attached. Partly and fully funded need the money converted,
    so they are told apart here: a list, each need with its funding (see attach_funding).
    """
    qs = needs_for(user).order_by("country__name", "plan", "position", "pk")
    if found.country:
        qs = qs.filter(country__code=found.country)
    if found.area:
        qs = qs.filter(area__key=found.area)
    if found.priority:
        qs = qs.filter(position__isnull=False, position__lte=found.priority)
    if found.funding:
        counting = Commitment.objects.for_user(user).filter(
            need=OuterRef("pk"), status__in=COUNTING
        )
        if found.funding == FundingStatus.UNFUNDED:
            qs = qs.filter(~Exists(counting))
        else:
            qs = qs.filter(Exists(counting))
    if found.funding in (FundingStatus.PARTLY, FundingStatus.FULLY):
        needs = list(qs)
        attach_funding(user, needs)
        return [n for n in needs if n.funding == found.funding]
    return qs


def needs_found(user: Any, found: NeedFilter, limit: int = NEED_LIST_LIMIT) -> list[Any]:
    """The first `limit` of `needs_matching`, each with its funding (see attach_funding)."""
    matching = needs_matching(user, found)
    if isinstance(matching, list):
        return matching[:limit]
    needs = list(matching[:limit])
    attach_funding(user, needs)
    return needs


def my_commitments(user: Any) -> LabelledQuerySet:
    """Commitments of the organisations the user belongs to, newest offer first."""
    return (
        commitments_for(user)
        .filter(organisation_id__in=scope_for(user).organisation_ids())
        .select_related("need__plan", "need__plan__country")
        .order_by("-offered_on", "-pk")
    )


def need_get(user: Any, pk: int) -> Need:
    need: Need = get_for_user(
        Need.objects.select_related("area", "country", "plan", "plan__country"), user, pk=pk
    )
    return need


def action_get(user: Any, pk: int) -> Action:
    action: Action = get_for_user(
        Action.objects.select_related("need", "plan", "lead_organisation", "need__country"),
        user,
        pk=pk,
    )
    return action


def commitments_for(user: Any) -> LabelledQuerySet:
    return Commitment.objects.for_user(user).select_related(
        "organisation", "need", "need__country", "need__area", "action"
    )


def commitment_get(user: Any, pk: int) -> Commitment:
    commitment: Commitment = get_for_user(
        Commitment.objects.select_related(
            "organisation", "need", "need__plan", "need__country", "need__area", "action"
        ),
        user,
        pk=pk,
    )
    return commitment


def commitment_events(user: Any, commitment: Commitment) -> LabelledQuerySet:
    return (
        CommitmentEvent.objects.for_user(user).filter(commitment=commitment).select_related("actor")
    )


def risk_get(user: Any, pk: int) -> Risk:
    risk: Risk = get_for_user(Risk.objects.select_related("plan"), user, pk=pk)
    return risk


def milestone_get(user: Any, pk: int) -> Milestone:
    milestone: Milestone = get_for_user(
        Milestone.objects.select_related("action", "action__plan"), user, pk=pk
    )
    return milestone


def plan_needs(user: Any, plan: Plan) -> LabelledQuerySet:
    return needs_for(user).filter(plan=plan).order_by("position", "id")


def plan_actions(user: Any, plan: Plan) -> LabelledQuerySet:
    return (
        Action.objects.for_user(user)
        .filter(plan=plan)
        .select_related("need", "need__area", "lead_organisation")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("due")))
        .order_by("start", "id")
    )


def plan_risks(user: Any, plan: Plan) -> LabelledQuerySet:
    return Risk.objects.for_user(user).filter(plan=plan)


def priority_history(user: Any, plan: Plan) -> LabelledQuerySet:
    return PriorityChange.objects.for_user(user).filter(plan=plan).select_related("actor")


def plan_commitments(user: Any, plan: Plan) -> LabelledQuerySet:
    return commitments_for(user).filter(need__plan=plan)


# --- roll-ups ------------------------------------------------------------------------


def _rates(plan: Plan) -> rollup.RateTable:
    return rate_table(plan.currency, plan.rates or None)


def _need_item(need: Need, key: str | None = None) -> rollup.NeedItem:
    cost = (
        rollup.Money(need.cost_amount, need.cost_currency) if need.cost_amount is not None else None
    )
    code = need.country.code if need.country_id and need.country else None
    return rollup.NeedItem(str(need.pk), key or need.area.key, code, cost)


def _commitment_item(c: Commitment) -> rollup.CommitmentItem:
    amount = rollup.Money(c.amount, c.currency) if c.amount is not None else None
    return rollup.CommitmentItem(
        str(c.pk), str(c.need_id), rollup.CommitmentStatus(c.status), amount
    )


def compute_rollup(
    plan: Plan, needs: list[Need], commitments: list[Commitment]
) -> rollup.PlanRollup:
    """Coverage and funding gap of `needs` from `commitments` (already access-filtered)."""
    known = {n.pk for n in needs}
    return rollup.roll_up(
        [_need_item(n) for n in needs],
        [_commitment_item(c) for c in commitments if c.need_id in known],
        _rates(plan),
    )


@dataclass
class PlanView:
    plan: Plan
    needs: list[Need]
    commitments: list[Commitment]
    rolled: rollup.PlanRollup
    by_need_commitments: dict[int, list[Commitment]] = field(default_factory=dict)


def plan_overview(user: Any, plan: Plan) -> PlanView:
    needs = list(plan_needs(user, plan))
    commitments = list(plan_commitments(user, plan))
    by_need: dict[int, list[Commitment]] = defaultdict(list)
    for c in commitments:
        by_need[c.need_id].append(c)
    rolled = compute_rollup(plan, needs, commitments)
    for n in needs:
        n.rolled = rolled.by_need.get(str(n.pk))
        n.visible_commitments = by_need.get(n.pk, [])
    return PlanView(plan, needs, commitments, rolled, dict(by_need))


def _grouping_countries(plan: Plan) -> list[Country]:
    return [
        m.country
        for m in GroupingMember.objects.filter(grouping_id=plan.grouping_id or 0)
        .select_related("country")
        .order_by("country__name")
    ]


def latest_national_plans(user: Any, country_ids: list[int] | None = None) -> list[Plan]:
    """Each country's latest national plan the user may see (one query)."""
    qs = plans_for(user).filter(kind=Plan.Kind.NATIONAL)
    if country_ids is not None:
        qs = qs.filter(country_id__in=country_ids)
    latest: dict[int, Plan] = {}
    for plan in qs.order_by("country_id", "-cycle", "-created_at"):
        if plan.country_id is not None:
            latest.setdefault(plan.country_id, plan)
    return sorted(latest.values(), key=lambda p: p.country.name if p.country else "")


@dataclass
class RegionalView:
    plan: Plan
    countries: list[Country]
    national_plans: list[Plan]
    areas: list[Area]
    rolled: rollup.PlanRollup
    by_area: list[dict[str, Any]]
    by_country: list[dict[str, Any]]
    progress: list[rollup.ProgressPoint]
    actions_total: int
    actions_by_status: dict[str, int]
    drive_by: int
    regional_needs: list[Need]


def _month_ends(first: date, last: date, limit: int = 24) -> list[date]:
    points: list[date] = []
    cursor = date(first.year, first.month, 1)
    while cursor <= last:
        nxt = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
        points.append(min(nxt - timedelta(days=1), last))
        cursor = nxt
    return points[-limit:]


def regional_overview(user: Any, plan: Plan) -> RegionalView:
    """National needs of the grouping's countries rolled up by area and country, with the
    regional plan's own needs; a fixed number of queries whatever the size."""
    countries = _grouping_countries(plan)
    nationals = latest_national_plans(user, [c.pk for c in countries])
    plan_ids = [p.pk for p in nationals] + [plan.pk]
    needs = list(
        Need.objects.for_user(user)
        .filter(plan_id__in=plan_ids)
        .select_related("area", "country")
        .order_by("country__name", "position", "id")
    )
    need_ids = [n.pk for n in needs]
    commitments = list(
        Commitment.objects.for_user(user)
        .filter(need_id__in=need_ids)
        .only("id", "need_id", "status", "amount", "currency")
    )
    rolled = compute_rollup(plan, needs, commitments)
    area_list = areas(plan.taxonomy)
    by_area = []
    for area in area_list:
        group = rolled.by_area.get(area.key)
        by_area.append({"area": area, "roll": group})
    country_by_code = {c.code: c for c in countries}
    by_country = []
    for country in countries:
        group = rolled.by_country.get(country.code)
        by_country.append(
            {
                "country": country,
                "roll": group,
                "plan": next((p for p in nationals if p.country_id == country.pk), None),
            }
        )
    # Actions: counted in the database, through the access layer.
    action_rows = (
        Action.objects.for_user(user)
        .filter(plan_id__in=plan_ids)
        .values("status", "drive_by_training")
        .annotate(n=Count("id"))
    )
    by_status: Counter[str] = Counter()
    drive_by = 0
    for row in action_rows:
        by_status[row["status"]] += row["n"]
        if row["drive_by_training"]:
            drive_by += row["n"]
    # Progress over time, month by month, from the dated status changes.
    visible_ids = [c.pk for c in commitments]
    events = list(
        CommitmentEvent.objects.filter(commitment_id__in=visible_ids)
        .values_list("commitment_id", "to_status", "on")
        .order_by("on", "id")
    )
    progress: list[rollup.ProgressPoint] = []
    if events:
        changes = [
            rollup.StatusChange(str(cid), rollup.CommitmentStatus(s), on) for cid, s, on in events
        ]
        points = _month_ends(events[0][2], max(timezone.localdate(), events[-1][2]))
        progress = rollup.progress_series(
            [_need_item(n) for n in needs],
            [_commitment_item(c) for c in commitments],
            changes,
            _rates(plan),
            points=points,
        )
    del country_by_code
    return RegionalView(
        plan=plan,
        countries=countries,
        national_plans=nationals,
        areas=area_list,
        rolled=rolled,
        by_area=by_area,
        by_country=by_country,
        progress=progress,
        actions_total=sum(by_status.values()),
        actions_by_status=dict(by_status),
        drive_by=drive_by,
        regional_needs=[n for n in needs if n.plan_id == plan.pk],
    )


# --- recurring themes ----------------------------------------------------------------


def groupings() -> list[Grouping]:
    return list(Grouping.objects.order_by("name"))


def grouping_or_none(slug: str) -> Grouping | None:
    if not slug:
        return None
    grouping: Grouping | None = Grouping.objects.filter(slug=slug).first()
    return grouping


def grouping_country_ids(grouping: Grouping) -> list[int]:
    return list(
        GroupingMember.objects.filter(grouping=grouping).values_list("country_id", flat=True)
    )


@dataclass
class Themes:
    countries: list[Country]
    areas: list[Area]
    area_rows: list[dict[str, Any]]  # per country: cells per area
    factors: list[str]
    factor_rows: list[dict[str, Any]]
    recurring_areas: list[tuple[Area, int]]
    recurring_factors: list[tuple[str, int]]
    benchmarks: list[dict[str, Any]]
    max_count: int
    # The framework each factor key comes from, so that pages can show its name.
    factor_frameworks: dict[str, str] = field(default_factory=dict)


def _heat(count: int, top: int) -> int:
    if count <= 0 or top <= 0:
        return 0
    return max(1, min(5, round(5 * count / top)))


def themes(user: Any, country_ids: list[int] | None = None) -> Themes:
    """Heatmaps of countries x areas and countries x framework factors from the latest
    needs the user may see, and the themes found in most countries."""
    nationals = latest_national_plans(user, country_ids)
    needs = list(
        Need.objects.for_user(user)
        .filter(plan_id__in=[p.pk for p in nationals])
        .select_related("area", "country")
    )
    need_ids = [n.pk for n in needs]
    covered = set(
        Commitment.objects.for_user(user)
        .filter(need_id__in=need_ids, status__in=[s.value for s in rollup.ACTIVE_STATUSES])
        .values_list("need_id", flat=True)
    )
    area_list = areas()
    countries = [p.country for p in nationals if p.country is not None]
    by_country_area: dict[tuple[int, str], list[Need]] = defaultdict(list)
    by_country_factor: dict[tuple[int, str], int] = Counter()
    factor_set: Counter[str] = Counter()
    factor_frameworks: dict[str, str] = {}
    for n in needs:
        if n.country_id is None:
            continue
        by_country_area[(n.country_id, n.area.key)].append(n)
        if n.factor_key:
            factor_frameworks.setdefault(n.factor_key, n.framework)
            if by_country_factor[(n.country_id, n.factor_key)] == 0:
                factor_set[n.factor_key] += 1
            by_country_factor[(n.country_id, n.factor_key)] += 1
    top = max((len(v) for v in by_country_area.values()), default=0)
    area_rows = []
    for c in countries:
        cells = []
        for a in area_list:
            items = by_country_area.get((c.pk, a.key), [])
            n_covered = sum(1 for n in items if n.pk in covered)
            cells.append(
                {
                    "area": a,
                    "count": len(items),
                    "covered": n_covered,
                    "heat": _heat(len(items), top),
                }
            )
        area_rows.append({"country": c, "cells": cells})
    factors = [f for f, _ in factor_set.most_common(20)]
    ftop = max(by_country_factor.values(), default=0)
    factor_rows = [
        {
            "country": c,
            "cells": [
                {
                    "factor": f,
                    "count": by_country_factor.get((c.pk, f), 0),
                    "heat": _heat(by_country_factor.get((c.pk, f), 0), ftop),
                }
                for f in factors
            ],
        }
        for c in countries
    ]
    in_countries: Counter[str] = Counter(key for (_, key) in by_country_area)
    recurring_areas = sorted(
        ((a, in_countries[a.key]) for a in area_list if in_countries[a.key]),
        key=lambda t: (-t[1], t[0].position),
    )
    recurring_factors = [(f, n) for f, n in factor_set.most_common(10) if n >= 2]
    benchmarks = []
    for p in nationals:
        own = [n for n in needs if n.plan_id == p.pk]
        benchmarks.append(
            {
                "country": p.country,
                "plan": p,
                "needs": len(own),
                "covered": sum(1 for n in own if n.pk in covered),
                "confirmed": p.priorities_confirmed_at is not None,
            }
        )
    return Themes(
        countries,
        area_list,
        area_rows,
        factors,
        factor_rows,
        recurring_areas,
        recurring_factors,
        benchmarks,
        top,
        factor_frameworks,
    )


# --- twinning ------------------------------------------------------------------------


@dataclass(frozen=True)
class Effort:
    """An action or a commitment, as the twinning detector and links see it."""

    ref: str
    kind: str
    pk: int
    title: str
    organisation_id: int
    organisation: str
    country_id: int | None
    country_code: str | None
    region_code: str | None
    need_id: int
    need_title: str
    factor_key: str
    area_key: str
    start: date | None
    end: date | None
    tlp: str
    owner_country_id: int | None
    owner_organisation_id: int | None

    def as_overlap(self) -> overlaps.OverlapAction | None:
        if self.start is None or self.end is None:
            return None
        return overlaps.OverlapAction(
            id=self.ref,
            organisation_id=str(self.organisation_id),
            country_code=self.country_code,
            region_code=self.region_code,
            factor_key=self.factor_key or f"need-{self.need_id}",
            area_key=self.area_key,
            description=f"{self.title}. {self.need_title}",
            start=self.start,
            end=self.end,
        )


def _effort_from_action(a: Action, region: str | None) -> Effort | None:
    if a.lead_organisation_id is None:
        return None
    n = a.need
    return Effort(
        ref=f"action:{a.pk}",
        kind="action",
        pk=a.pk,
        title=a.title,
        organisation_id=a.lead_organisation_id,
        organisation=str(a.lead_organisation),
        country_id=n.country_id,
        country_code=n.country.code if n.country else None,
        region_code=region,
        need_id=n.pk,
        need_title=n.title,
        factor_key=n.factor_key,
        area_key=n.area.key,
        start=a.start,
        end=a.end,
        tlp=a.tlp,
        owner_country_id=a.owner_country_id,
        owner_organisation_id=a.owner_organisation_id,
    )


def _effort_from_commitment(c: Commitment, region: str | None) -> Effort:
    n = c.need
    start = c.start or (c.action.start if c.action else None)
    end = c.end or (c.action.end if c.action else None)
    return Effort(
        ref=f"commitment:{c.pk}",
        kind="commitment",
        pk=c.pk,
        title=c.description.split("\n")[0][:200]
        or gettext("%(organisation)s commitment") % {"organisation": c.organisation},
        organisation_id=c.organisation_id,
        organisation=str(c.organisation),
        country_id=n.country_id,
        country_code=n.country.code if n.country else None,
        region_code=region,
        need_id=n.pk,
        need_title=n.title,
        factor_key=n.factor_key,
        area_key=n.area.key,
        start=start,
        end=end,
        tlp=c.tlp,
        owner_country_id=c.owner_country_id,
        owner_organisation_id=c.owner_organisation_id,
    )


def _region(plan: Plan | None) -> str | None:
    if plan is None or plan.grouping is None:
        return None
    return plan.grouping.slug.upper()


def _country_regions() -> dict[int, str]:
    """Each country's region for twinning: a grouping that has a regional plan."""
    slugs = dict(
        Plan.objects.filter(kind=Plan.Kind.REGIONAL, grouping__isnull=False)
        .order_by("created_at")
        .values_list("grouping_id", "grouping__slug")
    )
    regions: dict[int, str] = {}
    for country_id, grouping_id in GroupingMember.objects.filter(
        grouping_id__in=list(slugs)
    ).values_list("country_id", "grouping_id"):
        regions.setdefault(country_id, str(slugs[grouping_id]).upper())
    return regions


def _effort_region(plan: Plan, country_id: int | None, regions: dict[int, str]) -> str | None:
    if country_id is None:
        return _region(plan)
    return regions.get(country_id)


#: The label columns an Effort carries (and the access layer's own checks read).
_LABEL_FIELDS = ("tlp", "owner_country_id", "owner_organisation_id")


def _region_of_row(row: dict[str, Any], grouping_slug: str, regions: dict[int, str]) -> str | None:
    """`_effort_region` for a row of `efforts_for`."""
    country_id = row["need__country_id"]
    if country_id is None:
        slug = row[grouping_slug]
        return str(slug).upper() if slug else None
    return regions.get(country_id)


def efforts_for(user: Any, country_ids: list[int] | None = None) -> list[Effort]:
    """Visible actions with an owner organisation and visible live commitments."""
    # Rows of only the columns an Effort needs, not model instances: at thousands of
    # actions, building the instances (and their joined ones) was most of the time of the
    # twinning page and of the coordinator's home.
    need_fields = (
        "need_id",
        "need__title",
        "need__factor_key",
        "need__country_id",
        "need__country__code",
        "need__area__key",
    )
    actions = (
        Action.objects.for_user(user)
        .exclude(status=Action.Status.CANCELLED)
        .filter(lead_organisation__isnull=False)
        .values(
            "pk",
            *_LABEL_FIELDS,
            "title",
            "start",
            "end",
            "lead_organisation_id",
            "lead_organisation__name",
            "lead_organisation__acronym",
            "plan__grouping__slug",
            *need_fields,
        )
    )
    commitments = (
        Commitment.objects.for_user(user)
        .exclude(status=Commitment.Status.WITHDRAWN)
        .values(
            "pk",
            *_LABEL_FIELDS,
            "description",
            "start",
            "end",
            "organisation_id",
            "organisation__name",
            "organisation__acronym",
            "action__start",
            "action__end",
            "need__plan__grouping__slug",
            *need_fields,
        )
    )
    if country_ids is not None:
        actions = actions.filter(Q(need__country_id__in=country_ids) | Q(need__country=None))
        commitments = commitments.filter(
            Q(need__country_id__in=country_ids) | Q(need__country=None)
        )
    result: list[Effort] = []
    led: set[tuple[int, int]] = set()
    regions = _country_regions()
    for a in actions:
        e = Effort(
            ref=f"action:{a['pk']}",
            kind="action",
            pk=a["pk"],
            title=a["title"],
            organisation_id=a["lead_organisation_id"],
            organisation=a["lead_organisation__acronym"] or a["lead_organisation__name"],
            country_id=a["need__country_id"],
            country_code=a["need__country__code"],
            region_code=_region_of_row(a, "plan__grouping__slug", regions),
            need_id=a["need_id"],
            need_title=a["need__title"],
            factor_key=a["need__factor_key"],
            area_key=a["need__area__key"],
            start=a["start"],
            end=a["end"],
            tlp=a["tlp"],
            owner_country_id=a["owner_country_id"],
            owner_organisation_id=a["owner_organisation_id"],
        )
        result.append(e)
        led.add((e.need_id, e.organisation_id))
    for c in commitments:
        # A commitment by the organisation that leads an action on the same need funds
        # that action: the same effort, listed once (as the action).
        if (c["need_id"], c["organisation_id"]) in led:
            continue
        organisation = c["organisation__acronym"] or c["organisation__name"]
        result.append(
            Effort(
                ref=f"commitment:{c['pk']}",
                kind="commitment",
                pk=c["pk"],
                title=c["description"].split("\n")[0][:200]
                or gettext("%(organisation)s commitment") % {"organisation": organisation},
                organisation_id=c["organisation_id"],
                organisation=organisation,
                country_id=c["need__country_id"],
                country_code=c["need__country__code"],
                region_code=_region_of_row(c, "need__plan__grouping__slug", regions),
                need_id=c["need_id"],
                need_title=c["need__title"],
                factor_key=c["need__factor_key"],
                area_key=c["need__area__key"],
                start=c["start"] or c["action__start"],
                end=c["end"] or c["action__end"],
                tlp=c["tlp"],
                owner_country_id=c["owner_country_id"],
                owner_organisation_id=c["owner_organisation_id"],
            )
        )
    return result


def effort_get(user: Any, ref: str) -> Effort:
    kind, _, raw = ref.partition(":")
    try:
        pk = int(raw)
    except ValueError:
        raise Http404 from None
    if kind == "action":
        a = action_get(user, pk)
        effort = _effort_from_action(
            a, _effort_region(a.plan, a.need.country_id, _country_regions())
        )
        if effort is None:
            raise Http404
        return effort
    if kind == "commitment":
        c = commitment_get(user, pk)
        return _effort_from_commitment(
            c, _effort_region(c.need.plan, c.need.country_id, _country_regions())
        )
    raise Http404


@dataclass
class Opportunity:
    candidate: overlaps.TwinningCandidate
    a: Effort
    b: Effort
    linked: bool
    may_link: bool = False  # set by the page from the twinning rule

    @property
    def why(self) -> str:
        """The detector's reasons in the active language."""
        return "; ".join(gettext(t) % params for t, params in self.candidate.explained)


def _twinning_inputs() -> tuple[Any, ...]:
    """What the twinning detector reads, in one query: the row count and the latest change
    (or id) of every table it reads, labels and sharing included. Any write the services
    make to those tables changes it."""
    from django.db import connection

    from reef.directory.models import Organisation

    timed = [Action, Commitment, Need, Plan, Area, TwinningLink, Organisation]
    through = [GroupingMember] + [
        model._meta.get_field(name).remote_field.through  # type: ignore[union-attr]
        for model in (Action, Commitment)
        for name in ("readers", "shared_with_organisations", "shared_with_countries")
    ]
    quote = connection.ops.quote_name
    parts = [
        f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)}), "  # noqa: S608  # nosec B608
        f"(SELECT MAX({quote(column)}) FROM {quote(m._meta.db_table)})"
        for models, column in ((timed, "updated_at"), (through, "id"))
        for m in models
    ]
    with connection.cursor() as cursor:
        # Table and column names come from the models' metadata; nothing from a request.
        cursor.execute("SELECT " + ", ".join(parts))  # nosec B608
        row = cursor.fetchone()
    return tuple(str(v) for v in row or ())


#: How long a reader's twinning pairs are kept when nothing they are made of changes.
TWINNING_TTL = 600


def twinning_opportunities(
    user: Any, country_ids: list[int] | None = None, limit: int = 100
) -> list[Opportunity]:
    """Pairs of efforts by different organisations on the same or a similar need in the
    same country or region with overlapping dates (see overlaps.py).

    The detector compares every visible effort (hundreds of milliseconds at thousands of
    actions): its answer is kept in the cache per reader (their scope), question and
    language, keyed by what it reads (`_twinning_inputs`), so a change is seen at once."""
    import hashlib

    from django.core.cache import cache
    from django.utils.translation import get_language

    scope = scope_for(user)
    question = (
        scope.user_id,
        sorted(scope.countries.items()),
        sorted(scope.organisations.items()),
        sorted(scope.coordinated_countries),
        sorted(country_ids) if country_ids is not None else None,
        limit,
        get_language(),
        _twinning_inputs(),
    )
    key = "planning:twinning:" + hashlib.sha256(repr(question).encode()).hexdigest()
    found: list[Opportunity] | None = cache.get(key)
    if found is None:
        found = _twinning_opportunities(user, country_ids, limit)
        cache.set(key, found, TWINNING_TTL)
    return found


def _twinning_opportunities(
    user: Any, country_ids: list[int] | None, limit: int
) -> list[Opportunity]:
    efforts = {e.ref: e for e in efforts_for(user, country_ids)}
    items = [o for o in (e.as_overlap() for e in efforts.values()) if o is not None]
    candidates = overlaps.find_twinning_candidates(items, limit=limit)
    linked = set(
        TwinningLink.objects.filter(a_ref__in=[c.a_id for c in candidates]).values_list(
            "a_ref", "b_ref"
        )
    )
    return [
        Opportunity(c, efforts[c.a_id], efforts[c.b_id], (c.a_id, c.b_id) in linked)
        for c in candidates
    ]


def twinning_score(a: Effort, b: Effort) -> tuple[float, str] | None:
    """The detector's score and reasons for one pair, or None when it is not a candidate."""
    items = [o for o in (a.as_overlap(), b.as_overlap()) if o is not None]
    found = overlaps.find_twinning_candidates(items)
    if not found:
        return None
    return found[0].score, found[0].why


def twinning_links_for(user: Any) -> LabelledQuerySet:
    return TwinningLink.objects.for_user(user).select_related(
        "a_organisation", "b_organisation", "country"
    )


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"
