"""Roll-ups of what the reader may see: a plan's, and a region's with its progress."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone

from reef.directory.models import Country, GroupingMember
from reef.planning import rollup
from reef.planning.models import Action, Area, Commitment, CommitmentEvent, Need, Plan
from reef.planning.reference import rate_table
from reef.planning.selectors.records import areas, plan_commitments, plan_needs, plans_for


def plan_rates(plan: Plan) -> rollup.RateTable:
    """The plan's exchange rates to its reporting currency."""
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
        plan_rates(plan),
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


def _action_counts(user: Any, plan_ids: list[int]) -> tuple[Counter[str], int]:
    """Actions by status, and how many are drive-by training: counted in the database,
    through the access layer."""
    rows = (
        Action.objects.for_user(user)
        .filter(plan_id__in=plan_ids)
        .values("status", "drive_by_training")
        .annotate(n=Count("id"))
    )
    by_status: Counter[str] = Counter()
    drive_by = 0
    for row in rows:
        by_status[row["status"]] += row["n"]
        if row["drive_by_training"]:
            drive_by += row["n"]
    return by_status, drive_by


def _progress(
    plan: Plan, needs: list[Need], commitments: list[Commitment]
) -> list[rollup.ProgressPoint]:
    """Progress over time, month by month, from the dated status changes."""
    events = list(
        CommitmentEvent.objects.filter(commitment_id__in=[c.pk for c in commitments])
        .values_list("commitment_id", "to_status", "on")
        .order_by("on", "id")
    )
    if not events:
        return []
    changes = [
        rollup.StatusChange(str(cid), rollup.CommitmentStatus(s), on) for cid, s, on in events
    ]
    points = _month_ends(events[0][2], max(timezone.localdate(), events[-1][2]))
    return rollup.progress_series(
        [_need_item(n) for n in needs],
        [_commitment_item(c) for c in commitments],
        changes,
        plan_rates(plan),
        points=points,
    )


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
    by_status, drive_by = _action_counts(user, plan_ids)
    progress = _progress(plan, needs, commitments)
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
