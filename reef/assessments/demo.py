"""Demo assessments (illustrative): the five countries the CCI assessed, against reef-cmm.

Ratings are generated from a seeded maturity profile per country, so every run gives
the same data. They are not the findings of any real assessment.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from reef.accounts.demo import verify_address
from reef.accounts.models import Membership, User
from reef.accounts.people import membership_grant
from reef.assessments import services
from reef.assessments.models import Assessment, Cluster, Status
from reef.core.demo import DEMO_PASSWORD
from reef.core.roles import Role
from reef.core.rules import DEMO
from reef.directory.models import Country
from reef.frameworks import selectors as framework_selectors
from reef.frameworks.models import Framework

COORDINATOR = "coordinator@demo.reef"
ASSESSORS = [
    ("assessor.legal@demo.reef", "Criminal-justice assessor (illustrative)"),
    ("assessor.technical@demo.reef", "Technical assessor (illustrative)"),
]
FOCAL_POINTS = {
    "GD": ("focal.grenada@demo.reef", ""),
    "BB": ("focal.barbados@demo.reef", ""),
    "TT": ("focal.trinidad@demo.reef", "National focal point of Trinidad and Tobago"),
    "DM": ("focal.dominica@demo.reef", "National focal point of Dominica"),
    "AG": ("focal.antigua@demo.reef", "National focal point of Antigua and Barbuda"),
}
# Mean stage per dimension D1..D5 (illustrative), the cycle, and where it stops.
PROFILES: list[tuple[str, str, list[float], str]] = [
    ("GD", "2019", [1.6, 1.4, 1.5, 1.8, 1.4], Status.COMPLETE),
    ("TT", "2024", [2.9, 2.4, 2.6, 3.0, 2.7], Status.COMPLETE),
    ("GD", "2024", [2.3, 1.9, 2.1, 2.5, 1.9], Status.COMPLETE),
    ("AG", "2024", [2.2, 1.9, 2.0, 2.4, 2.1], Status.COMPLETE),
    ("BB", "2024", [2.7, 2.3, 2.4, 2.6, 2.5], Status.COMPLETE),
    ("DM", "2024", [1.8, 1.6, 1.7, 2.0, 1.6], Status.CONSOLIDATION),
]
EVIDENCE = {
    "D1": [
        "Reviewed the national strategy document and its implementation matrix.",
        "Interview with the ministry's ICT policy unit.",
        "Incident records of the national CIRT for the last twelve months.",
    ],
    "D2": [
        "Focus group with civil society and private-sector participants.",
        "Survey of public trust in e-government services shared by the ministry.",
    ],
    "D3": [
        "Curriculum documents from the national college and UWI open campus.",
        "List of awareness campaigns run in the last two years.",
    ],
    "D4": [
        "Text of the Computer Misuse Act and the Data Protection Act.",
        "Interview with the Director of Public Prosecutions' office.",
        "Mutual legal assistance requests handled since 2020.",
    ],
    "D5": [
        "Interview with the telecommunications regulator.",
        "Internet exchange point and ccTLD registry statistics.",
    ],
}
SESSIONS: list[tuple[str, dict[str, int]]] = [
    (Cluster.GOVERNMENT, {Cluster.GOVERNMENT: 14, Cluster.DEFENCE: 2}),
    (Cluster.LAW_ENFORCEMENT, {Cluster.LAW_ENFORCEMENT: 11}),
    (
        Cluster.CRITICAL_INFRASTRUCTURE,
        {Cluster.CRITICAL_INFRASTRUCTURE: 8, Cluster.PRIVATE_SECTOR: 3},
    ),
    (Cluster.PRIVATE_SECTOR, {Cluster.PRIVATE_SECTOR: 9}),
    (Cluster.ACADEMIA, {Cluster.ACADEMIA: 6, Cluster.CIVIL_SOCIETY: 5}),
]
VALUES = ["met", "partial", "not_met"]


def _user(email: str, label: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, display_name=label, demo_mfa_exempt=True)
        user.set_password(DEMO_PASSWORD)
        user.save()
    verify_address(user)
    return user


def _focal_point(code: str) -> User:
    email, label = FOCAL_POINTS[code]
    user = _user(email, label)
    country = Country.objects.get(code=code)
    if not Membership.objects.filter(user=user, country=country).exists():
        membership_grant(user=user, role=Role.MANAGER, actor=DEMO, country=country, notify=False)
    return user


def _consensus(rng: random.Random, stage: int, ind_stage: int) -> str:
    if ind_stage <= stage:
        return "met" if rng.random() > 0.03 else "na"
    if ind_stage == stage + 1:
        return rng.choice(["partial", "not_met", "met", "partial"])
    return "not_met" if rng.random() > 0.1 else "partial"


def _record_sessions(code: str, cycle: str, a: Assessment, coordinator: User) -> None:
    """One consultation session per cluster, on consecutive days from 2 March of the cycle."""
    start = datetime.date(int(cycle), 3, 2)
    for n, (cluster, people) in enumerate(SESSIONS[: 4 if code == "DM" else 5]):
        services.session_record(
            actor=coordinator,
            assessment=a,
            cluster=cluster,
            held_on=start + datetime.timedelta(days=n),
            participants=people,
            notes="Illustrative session: discussion of the framework's aspects for this sector.",
        )


def _rating_sheets(
    rng: random.Random, fw: Framework, levels: list[float], raters: int
) -> list[list[tuple[str, str, str]]]:
    """Each rater's (indicator, value, evidence) sheet: a consensus drawn from the country's
    levels, three indicators disputed, and a little noise when there are three raters."""
    parsed = framework_selectors.parsed(fw)
    consensus: dict[str, str] = {}
    dims: dict[str, str] = {}
    for di, d in enumerate(parsed.dimensions):
        for f in d.factors:
            for asp in f.aspects:
                stage = max(1, min(5, round(rng.gauss(levels[di], 0.7))))
                for ind in asp.indicators:
                    consensus[ind.key] = _consensus(rng, stage, ind.stage or 2)
                    dims[ind.key] = d.key
    keys = list(consensus)
    disputed = rng.sample(keys, 3)
    sheets: list[list[tuple[str, str, str]]] = [[] for _ in range(raters)]
    for key in keys:
        for i, sheet in enumerate(sheets):
            value = consensus[key]
            if key in disputed:
                value = VALUES[i % 3] if raters > 2 else VALUES[i]
            elif i > 0 and raters > 2 and rng.random() < 0.05:
                value = rng.choice([v for v in VALUES if v != value])
            text = rng.choice(EVIDENCE[dims[key]]) if rng.random() < 0.05 else ""
            sheet.append((key, value, text))
    return sheets


def _finish_and_agree_targets(
    a: Assessment, country: Country, coordinator: User, focal: User
) -> None:
    """The summary, the end of consolidation, and one stage up on the weakest aspects,
    agreed by the focal point."""
    from reef.assessments.selectors import assessment_result

    services.assessment_set_summary(
        actor=coordinator,
        assessment=a,
        summary=f"Illustrative summary: {country.name} has a growing base of policy and law; "
        "the main gaps are in measurement, training at scale and incident response capacity.",
    )
    services.assessment_finish_consolidation(actor=coordinator, assessment=a)
    result = assessment_result(a)
    targets = {x.key: min(5, x.stage + 1) for x in result.aspects if x.stage <= 2}
    targets = dict(list(targets.items())[:18])
    services.target_set(actor=coordinator, assessment=a, targets=targets)
    services.assessment_agree_targets(actor=focal, assessment=a)


def _one(
    code: str,
    cycle: str,
    levels: list[float],
    stop: str,
    fw: Framework,
    coordinator: User,
    assessors: list[User],
) -> Assessment:
    country = Country.objects.get(code=code)
    focal = _focal_point(code)
    # Illustrative data, not security.
    rng = random.Random(f"{code}-{cycle}")  # noqa: S311  # nosec B311
    a = services.assessment_request(
        actor=focal,
        country=country,
        framework=fw,
        cycle=cycle,
        title=f"{country.name}: cyber capacity assessment {cycle} (illustrative)",
    )
    services.assessment_accept(actor=coordinator, assessment=a)
    team = [coordinator, *assessors[: 1 if code == "DM" else 2]]
    # The CCI rule: a technical and a criminal-justice assessor (the coordinator leads).
    services.assessment_assign_team(
        actor=coordinator,
        assessment=a,
        members=team,
        lead=coordinator,
        roles={team[1].pk: "criminal_justice"},
    )
    _record_sessions(code, cycle, a, coordinator)
    sheets = _rating_sheets(rng, fw, levels, len(team))
    for user, sheet in zip(team, sheets, strict=True):
        services.ratings_bulk_submit(actor=user, assessment=a, ratings=sheet)
    services.assessment_close_rating(actor=coordinator, assessment=a)
    from reef.assessments.selectors import assessment_result

    open_disputes = list(assessment_result(a).disputed)
    to_decide = open_disputes if stop != Status.CONSOLIDATION else open_disputes[:-1]
    for key in to_decide:
        services.decision_record(
            actor=coordinator,
            assessment=a,
            indicator=key,
            value="partial",
            note="Evidence shows the work has started but is not complete (illustrative).",
            dissent=[str(team[-1])],
        )
    if stop == Status.CONSOLIDATION:
        return a
    _finish_and_agree_targets(a, country, coordinator, focal)
    return a


def load(say: Callable[[str], None]) -> None:
    fw = Framework.objects.filter(slug="reef-cmm").order_by("-created_at").first()
    if fw is None:
        say("assessments: skipped (reef-cmm is not imported)")
        return
    coordinator = User.objects.get(email=COORDINATOR)
    assessors = [_user(email, label) for email, label in ASSESSORS]
    created = 0
    for code, cycle, levels, stop in PROFILES:
        if Assessment.objects.filter(
            country__code=code, framework__slug=fw.slug, cycle=cycle
        ).exists():
            continue
        _one(code, cycle, levels, stop, fw, coordinator, assessors)
        created += 1
    say(
        f"assessments: {Assessment.objects.count()} ({created} new); assessors "
        f"{', '.join(e for e, _ in ASSESSORS)} and focal points "
        f"{', '.join(e for e, _ in FOCAL_POINTS.values())} (password as above)"
    )
