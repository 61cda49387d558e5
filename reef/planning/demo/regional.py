"""The demo's regional plan: CARICOM IMPACS's, with the 2016 plan's risks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Grouping, Organisation
from reef.planning import services
from reef.planning.demo.data import CYCLE, NOTE, REGIONAL_RISKS


def load_regional(say: Callable[[str], None]) -> None:
    """CARICOM IMPACS's regional plan for CARICOM: a need, a commitment, a risk register."""
    impacs = Organisation.objects.get(slug="caricom-impacs")
    plan = services.plan_create(
        actor=DEMO,
        organisation=impacs,
        grouping=Grouping.objects.get(slug="caricom"),
        title="CARICOM Cyber Security and Cybercrime Action Plan" + NOTE,
        cycle=CYCLE,
        tlp=TLP.GREEN,
        start=date(2026, 1, 1),
        end=date(2028, 12, 31),
    )
    need = services.need_create(
        actor=DEMO,
        plan=plan,
        area="regional-cooperation",
        title=f"Regional incident information sharing among national CSIRTs{NOTE}",
        cost_amount="500000",
    )
    services.commitment_offer(
        actor=DEMO,
        need=need,
        organisation=Organisation.objects.get(slug="world-bank"),
        amount="300000",
        description=f"Regional CSIRT network{NOTE}",
        on=date(2026, 2, 1),
    )
    for category, description, likelihood, impact, owner, mitigation in REGIONAL_RISKS:
        services.risk_create(
            actor=DEMO,
            plan=plan,
            category=category,
            description=description,
            likelihood=likelihood,
            impact=impact,
            risk_owner=owner,
            mitigation=mitigation,
            review_on=date(2026, 12, 1),
        )
    say("planning: regional plan with its risk register")
