"""The demo's national plans: needs from the Reef CMM's gaps, actions, commitments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.planning import prioritise, services
from reef.planning.demo.data import (
    CMM_FACTORS,
    COMMITMENTS,
    COMMON,
    COUNTRIES,
    CYCLE,
    NOTE,
    PUBLISHED,
    SPECIFIC,
)
from reef.planning.models import Commitment, Need, Plan, PriorityChange


def _training(need: Need, code: str) -> None:
    """A course that lasts beside a one-off workshop (a drive-by training)."""
    services.action_create(
        actor=DEMO,
        need=need,
        title=f"Cyber security course at the UWI for {code} staff" + NOTE,
        lead_organisation=Organisation.objects.get(slug="uwi"),
        start=date(2026, 2, 1),
        end=date(2027, 12, 15),
        budget_amount="150000",
        status="in_progress",
        progress=20,
        is_training=True,
        train_the_trainer=True,
        curriculum_integration=True,
        local_ownership=True,
    )
    services.action_create(
        actor=DEMO,
        need=need,
        title=f"Two-day awareness workshop by a visiting trainer{NOTE}",
        lead_organisation=Organisation.objects.get(slug="itu"),
        start=date(2026, 4, 14),
        end=date(2026, 4, 15),
        budget_amount="15000",
        delivery="one_off_event",
        is_training=True,
        status="completed",
        progress=100,
    )


def _awareness(need: Need) -> None:
    services.action_create(
        actor=DEMO,
        need=need,
        title=f"National awareness campaign with local partners{NOTE}",
        lead_organisation=Organisation.objects.get(slug="oas"),
        start=date(2026, 5, 1),
        end=date(2027, 4, 30),
        budget_amount="60000",
        local_ownership=True,
        post_donor_funding=True,
    )


def _twin_trainings(need: Need) -> None:
    """Two organisations training the same people at the same time: twin them."""
    services.action_create(
        actor=DEMO,
        need=need,
        title="Cybercrime investigation training for the Royal Grenada Police Force" + NOTE,
        description="Investigation of cybercrime and handling of electronic evidence.",
        lead_organisation=Organisation.objects.get(slug="oas"),
        start=date(2026, 3, 1),
        end=date(2026, 9, 30),
        budget_amount="80000",
        status="in_progress",
        progress=35,
        is_training=True,
        train_the_trainer=True,
    )
    services.action_create(
        actor=DEMO,
        need=need,
        title="GLACY+ cybercrime investigation and electronic evidence training for police "
        "and prosecutors" + NOTE,
        description="Cybercrime investigation, electronic evidence and prosecution.",
        lead_organisation=Organisation.objects.get(slug="coe"),
        start=date(2026, 6, 1),
        end=date(2026, 12, 15),
        budget_amount="90000",
        budget_currency="EUR",
        is_training=True,
    )


def _implementation(need: Need) -> None:
    action = services.action_create(
        actor=DEMO,
        need=need,
        title=f"{need.title.split(' (')[0]}: implementation{NOTE}",
        lead_organisation=None,
        start=date(2026, 3, 1),
        end=date(2027, 9, 30),
        budget_amount=str(int((need.cost_amount or Decimal(0)) * Decimal("0.8"))),
        local_ownership=True,
    )
    services.milestone_create(
        actor=DEMO, action=action, title="Design agreed", due=date(2026, 6, 30)
    )
    services.milestone_create(actor=DEMO, action=action, title="Operational", due=date(2027, 6, 30))


def _actions(need: Need, code: str, index: int) -> None:
    if index == 0:
        _training(need, code)
    elif index == 1:
        _awareness(need)
    elif code == "GD" and index == 2:
        _twin_trainings(need)
    else:
        _implementation(need)


def _national_plan(code: str, oas: Organisation) -> Plan:
    """A country's plan: its needs from the CMM's gaps with their actions, one restricted
    need shared with the OAS only, in priority order."""
    country = Country.objects.get(code=code)
    plan = services.plan_create(
        actor=DEMO,
        country=country,
        title=f"National cyber security action plan of {country.name}{NOTE}",
        cycle=CYCLE,
        tlp=TLP.CLEAR if code in PUBLISHED else TLP.GREEN,
        start=date(2026, 1, 1),
        end=date(2028, 12, 31),
    )
    for index, (area, factor, title, cost, i, u, f, c) in enumerate(COMMON + SPECIFIC[code]):
        need = services.need_create_from_gap(
            actor=DEMO,
            country=country,
            plan=plan,
            framework="reef-cmm",
            gap={
                "factor_key": CMM_FACTORS[factor],
                "aspect_key": f"{CMM_FACTORS[factor]}.a",
                "title": title + NOTE,
                # Its first aspect's first formative and established indicators.
                "missing": [f"{CMM_FACTORS[factor]}.a.2.1", f"{CMM_FACTORS[factor]}.a.3.1"],
            },
            assessment_id=None,
            area=area,
            cost_amount=str(cost),
        )
        need.impact, need.urgency, need.feasibility, need.cost_rating = i, u, f, c
        need.save(update_fields=["impact", "urgency", "feasibility", "cost_rating"])
        _actions(need, code, index)
    # One restricted need: the state shares it with the OAS only.
    services.need_create(
        actor=DEMO,
        plan=plan,
        area="incident-response",
        title=f"Vulnerabilities found in government systems during the assessment{NOTE}",
        cost_amount="80000",
        tlp=TLP.AMBER,
        shared_with=[oas],
        impact=5,
        urgency=5,
        feasibility=3,
        cost_rating=2,
    )
    _prioritise(plan)
    return plan


def _commitments(plans: dict[str, Plan]) -> None:
    """The consortium's commitments, each walked through its statuses on its dates."""
    for code, index, slug, amount, currency, steps in COMMITMENTS:
        need = list(plans[code].needs.filter(source=Need.Source.GAP).order_by("id"))[index]
        commitment = services.commitment_offer(
            actor=DEMO,
            need=need,
            organisation=Organisation.objects.get(slug=slug),
            kind=Commitment.Kind.MONEY if amount else Commitment.Kind.PEOPLE,
            amount=str(amount) if amount else None,
            currency=currency,
            description=f"{Organisation.objects.get(slug=slug)} support{NOTE}",
            start=date(2026, 3, 1),
            end=date(2027, 3, 1),
            on=steps[0][1],
        )
        for status, on in steps[1:]:
            services.commitment_transition(actor=DEMO, commitment=commitment, to=status, on=on)


def load_national() -> dict[str, Plan]:
    """The five national plans and their commitments."""
    oas = Organisation.objects.get(slug="oas")
    plans = {code: _national_plan(code, oas) for code in COUNTRIES}
    _commitments(plans)
    return plans


def _prioritise(plan: Plan) -> None:
    needs = list(plan.needs.all())
    before = [str(n.pk) for n in needs]
    ranked = prioritise.rank_needs(
        [
            prioritise.NeedRating(str(n.pk), n.impact, n.urgency, n.feasibility, n.cost_rating)
            for n in needs
        ],
        prioritise.Weights.from_mapping(plan.weights),
    )
    by_id = {str(n.pk): n for n in needs}
    for r in ranked:
        need = by_id[r.need_id]
        need.position, need.score = r.position, r.score
        need.save(update_fields=["position", "score"])
    PriorityChange.objects.create(
        plan=plan,
        kind=PriorityChange.Kind.SCORED,
        reason="ordered by weighted score (demo)",
        before=before,
        after=[r.need_id for r in ranked],
        tlp=plan.tlp,
        owner_country_id=plan.owner_country_id,
    )
