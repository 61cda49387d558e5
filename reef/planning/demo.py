"""Demo planning data (ILLUSTRATIVE: not the content of any real national plan).

The five countries assessed in 2014-16 (Trinidad and Tobago, Dominica, Grenada,
Antigua and Barbuda, Barbados) each get a national plan with needs in the CCSCAP
areas, actions, and commitments by consortium members; CARICOM IMPACS owns a
regional plan for CARICOM with a risk register naming the 2016 plan's three risks;
the OAS and the Council of Europe run overlapping cybercrime-investigation
trainings in Grenada, a twinning opportunity. Idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping, Organisation
from reef.planning import services
from reef.planning.models import Commitment, Need, Plan

CYCLE = "2026-2028"
NOTE = " (illustrative)"

# The demo's themes as factors of the shipped Reef CMM (reef/frameworks/shipped/reef-cmm.json).
CMM_FACTORS = {
    "national-strategy": "1.1",
    "incident-response-capacity": "1.2",
    "awareness-raising": "3.1",
    "workforce-development": "3.3",
    "cybercrime-legislation": "4.1",
    "cybercrime-investigation": "4.3",
    "international-cooperation": "4.4",
    "standards-adoption": "5.1",
}

# Needs per country: (area, factor key, title, cost USD, impact, urgency, feasibility, cost)
COMMON: list[tuple[str, str, str, int, int, int, int, int]] = [
    (
        "sustainable-capacity",
        "workforce-development",
        "Too few people trained in cyber security in government and business",
        400000,
        5,
        4,
        3,
        4,
    ),
    (
        "public-awareness",
        "awareness-raising",
        "Little awareness and basic cyber hygiene in government and the private sector",
        150000,
        4,
        4,
        5,
        2,
    ),
]
SPECIFIC: dict[str, list[tuple[str, str, str, int, int, int, int, int]]] = {
    "TT": [
        (
            "incident-response",
            "incident-response-capacity",
            "TT-CSIRT incident handling for critical infrastructure operators",
            300000,
            5,
            4,
            4,
            3,
        ),
        (
            "legal-environment",
            "cybercrime-legislation",
            "Update cybercrime law and electronic evidence rules",
            120000,
            4,
            3,
            3,
            2,
        ),
    ],
    "DM": [
        (
            "incident-response",
            "incident-response-capacity",
            "Stand up the national CSIRT drafted in the plan",
            350000,
            5,
            5,
            3,
            4,
        ),
        (
            "technical-standards",
            "standards-adoption",
            "Adopt baseline security standards for government networks",
            90000,
            3,
            3,
            4,
            2,
        ),
    ],
    "GD": [
        (
            "legal-environment",
            "cybercrime-investigation",
            "Police and prosecutors able to investigate cybercrime and use electronic evidence",
            260000,
            5,
            4,
            4,
            3,
        ),
        (
            "incident-response",
            "incident-response-capacity",
            "Make the announced national CSIRT operational",
            320000,
            5,
            4,
            3,
            4,
        ),
    ],
    "AG": [
        (
            "legal-environment",
            "cybercrime-investigation",
            "Train investigators to apply the Electronic Crimes Act 2013",
            180000,
            4,
            4,
            4,
            3,
        ),
        (
            "technical-standards",
            "standards-adoption",
            "Turn the draft ICT policy into a national cyber security strategy",
            70000,
            4,
            3,
            4,
            1,
        ),
    ],
    "BB": [
        (
            "technical-standards",
            "national-strategy",
            "Write a national cyber security strategy",
            110000,
            5,
            4,
            4,
            2,
        ),
        (
            "regional-cooperation",
            "international-cooperation",
            "Join regional incident information sharing",
            60000,
            3,
            3,
            5,
            1,
        ),
    ],
}

# Commitments: (country, need index, organisation slug, amount or None, currency,
#               statuses walked through with dates)
COMMITMENTS: list[tuple[str, int, str, int | None, str, list[tuple[str, date]]]] = [
    (
        "TT",
        0,
        "oas",
        120000,
        "USD",
        [
            ("offered", date(2025, 11, 3)),
            ("accepted", date(2025, 12, 1)),
            ("in_progress", date(2026, 2, 1)),
        ],
    ),
    (
        "TT",
        2,
        "itu",
        150000,
        "USD",
        [
            ("offered", date(2025, 10, 6)),
            ("accepted", date(2025, 11, 10)),
            ("in_progress", date(2026, 1, 12)),
            ("delivered", date(2026, 6, 30)),
            ("verified", date(2026, 7, 20)),
        ],
    ),
    (
        "DM",
        2,
        "world-bank",
        250000,
        "USD",
        [("offered", date(2026, 1, 15)), ("accepted", date(2026, 2, 20))],
    ),
    ("DM", 1, "comsec", None, "USD", [("offered", date(2026, 3, 2))]),
    (
        "GD",
        2,
        "coe",
        90000,
        "EUR",
        [
            ("offered", date(2025, 12, 8)),
            ("accepted", date(2026, 1, 19)),
            ("in_progress", date(2026, 6, 1)),
        ],
    ),
    (
        "GD",
        2,
        "oas",
        80000,
        "USD",
        [("offered", date(2026, 1, 10)), ("accepted", date(2026, 2, 2))],
    ),
    ("GD", 0, "idb", 200000, "USD", [("offered", date(2026, 4, 1))]),
    (
        "AG",
        2,
        "comsec",
        60000,
        "GBP",
        [
            ("offered", date(2025, 11, 20)),
            ("accepted", date(2026, 1, 5)),
            ("in_progress", date(2026, 3, 1)),
            ("delivered", date(2026, 9, 30)),
        ],
    ),
    (
        "BB",
        2,
        "itu",
        50000,
        "USD",
        [("offered", date(2026, 2, 9)), ("withdrawn", date(2026, 5, 4))],
    ),
    (
        "BB",
        1,
        "oas",
        40000,
        "USD",
        [("offered", date(2026, 5, 11)), ("accepted", date(2026, 6, 15))],
    ),
]

COUNTRIES = ["TT", "DM", "GD", "AG", "BB"]
# Countries that chose to publish their plan (TLP:CLEAR): the public record shows it
# with its progress. The restricted need below stays AMBER whatever the plan's label.
PUBLISHED = {"DM"}


def _actions(need: Need, code: str, index: int) -> None:
    oas = Organisation.objects.get(slug="oas")
    coe = Organisation.objects.get(slug="coe")
    itu = Organisation.objects.get(slug="itu")
    uwi = Organisation.objects.get(slug="uwi")
    if index == 0:
        services.action_create(
            actor=DEMO,
            need=need,
            title=f"Cyber security course at the UWI for {code} staff" + NOTE,
            lead_organisation=uwi,
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
            lead_organisation=itu,
            start=date(2026, 4, 14),
            end=date(2026, 4, 15),
            budget_amount="15000",
            delivery="one_off_event",
            is_training=True,
            status="completed",
            progress=100,
        )
    elif index == 1:
        services.action_create(
            actor=DEMO,
            need=need,
            title=f"National awareness campaign with local partners{NOTE}",
            lead_organisation=oas,
            start=date(2026, 5, 1),
            end=date(2027, 4, 30),
            budget_amount="60000",
            local_ownership=True,
            post_donor_funding=True,
        )
    elif code == "GD" and index == 2:
        # Two organisations training the same people at the same time: twin them.
        services.action_create(
            actor=DEMO,
            need=need,
            title="Cybercrime investigation training for the Royal Grenada Police Force" + NOTE,
            description="Investigation of cybercrime and handling of electronic evidence.",
            lead_organisation=oas,
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
            lead_organisation=coe,
            start=date(2026, 6, 1),
            end=date(2026, 12, 15),
            budget_amount="90000",
            budget_currency="EUR",
            is_training=True,
        )
    else:
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
        services.milestone_create(
            actor=DEMO, action=action, title="Operational", due=date(2027, 6, 30)
        )


def load(say: Callable[[str], None]) -> None:
    services.area_ensure_defaults(actor=DEMO)
    if Plan.objects.filter(
        kind=Plan.Kind.REGIONAL, cycle=CYCLE, organisation__slug="caricom-impacs"
    ).exists():
        say("planning: demo already loaded")
        return
    oas = Organisation.objects.get(slug="oas")
    plans: dict[str, Plan] = {}
    for code in COUNTRIES:
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
        plans[code] = plan
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
    _regional(say)
    say(f"planning: {len(plans)} national plans, 1 regional plan (illustrative)")


def _prioritise(plan: Plan) -> None:
    from reef.planning import prioritise
    from reef.planning.models import PriorityChange

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


def _regional(say: Callable[[str], None]) -> None:
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
    risks = [
        (
            "low_political_priority",
            "Low political and administrative priority of cyber security in member states.",
            4,
            4,
            "Regional Cyber Committee",
            "Brief ministers each year; publish progress per country.",
        ),
        (
            "lack_of_capacity",
            "Lack of capacity to implement and sustain programmes once donors leave.",
            4,
            5,
            "CARICOM IMPACS",
            "Prefer train-the-trainer and curricula; flag drive-by training.",
        ),
        (
            "change_of_government",
            "A change of government changes national priorities.",
            3,
            4,
            "National Cyber Points of Contact",
            "Agree priorities across parties; record them.",
        ),
        (
            "coordination",
            "Partners duplicate each other's trainings in the same country.",
            3,
            2,
            "CARICOM IMPACS",
            "Review twinning opportunities each quarter.",
        ),
    ]
    for category, description, likelihood, impact, owner, mitigation in risks:
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
