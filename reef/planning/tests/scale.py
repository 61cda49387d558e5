"""A large region for query-count tests and the bench: every CARICOM country (20) with
a national plan, needs, actions, commitments and their status history, made in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping, GroupingMember, Organisation
from reef.planning import services
from reef.planning.models import Action, Area, Commitment, CommitmentEvent, Need, Plan

STATUSES = ["offered", "accepted", "in_progress", "delivered", "verified"]


# Bulk inserts in dependency order (plans, needs, actions, commitments); one pass.
def make_region(
    *,
    actions: int = 2000,
    needs_per_country: int = 20,
    cycle: str = "2090-2092",
    tlp: str = TLP.AMBER,
    countries: Sequence[Country] | None = None,
) -> Plan:
    """The regional plan of CARICOM IMPACS over all CARICOM countries (20 with associates),
    with a national plan for each of `countries` (all of CARICOM's when not given)."""
    services.area_ensure_defaults(actor=DEMO)
    areas = list(Area.objects.filter(taxonomy="ccscap").order_by("position"))
    caricom = Grouping.objects.get(slug="caricom")
    impacs = Organisation.objects.get(slug="caricom-impacs")
    orgs = list(
        Organisation.objects.filter(slug__in=["oas", "itu", "coe", "comsec", "world-bank", "idb"])
    )
    regional = services.plan_create(
        actor=DEMO,
        organisation=impacs,
        grouping=caricom,
        title="Regional plan (scale)",
        cycle=cycle,
        tlp=tlp,
    )
    if countries is None:
        countries = [
            m.country
            for m in GroupingMember.objects.filter(grouping=caricom).select_related("country")
        ]
    plans = Plan.objects.bulk_create(
        [
            Plan(
                kind=Plan.Kind.NATIONAL,
                country=c,
                owner_country=c,
                title=f"Plan of {c.name}",
                cycle=cycle,
                tlp=tlp,
            )
            for c in countries
        ]
    )
    needs: list[Need] = []
    for plan in plans:
        for i in range(needs_per_country):
            area = areas[i % len(areas)]
            needs.append(
                Need(
                    plan=plan,
                    country_id=plan.country_id,
                    area=area,
                    tlp=tlp,
                    owner_country_id=plan.country_id,
                    title=f"Need {i} in {area.name}",
                    factor_key=f"factor-{i % 9}",
                    cost_amount=Decimal(10000 + 1000 * i),
                    cost_currency="USD" if i % 3 else "XCD",
                    published_at=plan.created_at,
                    position=i + 1,
                    score=Decimal(50),
                )
            )
    needs = Need.objects.bulk_create(needs)
    start = date(2090, 1, 1)
    action_rows = []
    for k in range(actions):
        need = needs[k % len(needs)]
        s = start + timedelta(days=(k * 7) % 700)
        action_rows.append(
            Action(
                need=need,
                plan_id=need.plan_id,
                tlp=tlp,
                owner_country_id=need.country_id,
                title=f"Action {k}",
                lead_organisation=orgs[k % len(orgs)],
                start=s,
                end=s + timedelta(days=90 + k % 200),
                status="in_progress" if k % 2 else "planned",
                progress=k % 100,
                is_training=bool(k % 5 == 0),
                delivery="one_off_event" if k % 10 == 0 else "recurring_programme",
                drive_by_training=bool(k % 10 == 0),
            )
        )
    Action.objects.bulk_create(action_rows, batch_size=500)
    commitments = []
    for k, need in enumerate(needs):
        commitments.append(
            Commitment(
                need=need,
                organisation=orgs[k % len(orgs)],
                tlp=tlp,
                owner_country_id=need.country_id,
                amount=Decimal(5000 + 500 * (k % 20)),
                currency="USD",
                status=STATUSES[k % len(STATUSES)],
                offered_on=start,
                start=start,
                end=start + timedelta(days=365),
            )
        )
    commitments = Commitment.objects.bulk_create(commitments, batch_size=500)
    events = []
    for k, c in enumerate(commitments):
        for step, status in enumerate(STATUSES[: k % len(STATUSES) + 1]):
            events.append(
                CommitmentEvent(
                    commitment=c,
                    from_status=STATUSES[step - 1] if step else "",
                    to_status=status,
                    on=start + timedelta(days=30 * step + k % 28),
                    tlp=tlp,
                    owner_country_id=c.owner_country_id,
                )
            )
    CommitmentEvent.objects.bulk_create(events, batch_size=500)
    return regional
