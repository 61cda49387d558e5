"""Demo consultation on the draft regional action plan (illustrative data only).

About 60 illustrative panellists from every sector and several countries vote on statements
about the draft CARICOM Cyber Security and Cybercrime Action Plan (CCSCAP). The votes are
seeded so that two opinion groups appear, ONE statement is a real consensus and ONE is only an
apparent consensus (a majority that hides civil society disagreeing). It also holds a Delphi
exercise in two rounds and a sectioned draft with an accepted amendment.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from reef.accounts.models import User
from reef.accounts.services import user_create
from reef.consultations import services
from reef.consultations.models import Consultation, Participation, Sector, Statement
from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping, Organisation

TITLE = "Draft regional action plan (CCSCAP): stakeholder consultation"
COORDINATOR = "coordinator@demo.reef"

# (sector, how many, camp A count): camp A leans "security first", camp B "rights first".
PANEL: list[tuple[str, int, int]] = [
    (Sector.GOVERNMENT, 16, 16),
    (Sector.INTERNATIONAL, 10, 10),
    (Sector.PRIVATE, 12, 6),
    (Sector.ACADEMIA, 10, 0),
    (Sector.CIVIL_SOCIETY, 12, 0),
]
COUNTRIES = ["TT", "JM", "BB", "GD", "LC", "GY", "BS", "DM", "AG", "VC", "BZ", "SR"]

# kind: real (everyone agrees), apparent (all but civil society agree), a (camp A agrees,
# B disagrees), b (the reverse), mixed (no pattern).
STATEMENTS: list[tuple[str, str]] = [
    (
        "real",
        "Every CARICOM member state should have a national CSIRT with a trained, permanent team.",
    ),
    (
        "apparent",
        "Internet service providers should keep traffic data for two years for "
        "criminal investigations.",
    ),
    ("a", "Cybercrime laws should let the police order content removal without a court order."),
    ("a", "Law enforcement should have lawful access to encrypted messages under a warrant."),
    ("b", "Civil society should sit on each national cyber security council with a vote."),
    ("b", "Regional funds should build university cyber security degrees before short trainings."),
    ("mixed", "A single regional CSIRT should replace national CSIRTs in the smaller states."),
    ("a", "Critical infrastructure operators should be fined for incidents they do not report."),
    ("mixed", "Awareness campaigns should target small businesses before households."),
    ("b", "Public consultations on new cyber laws should last at least sixty days."),
    ("a", "Regional cyber security exercises should be held every year, led by IMPACS."),
    ("mixed", "Donor-funded trainings should be listed in one public regional register."),
]

DELPHI_ITEMS = [
    "Adopt a harmonised model cybercrime law across CARICOM within three years.",
    "Create a regional pool of digital forensics experts that states can call on.",
    "Make cyber security part of secondary school curricula.",
    "Set up a regional fund for national CSIRT operations.",
]

SECTIONS = [
    (
        "Purpose and scope",
        "This plan sets the region's priorities for cyber security and the "
        "fight against cybercrime for 2026-2030. It covers governance, legal frameworks, incident "
        "response, capacity building and cooperation.",
    ),
    (
        "Governance",
        "Each member state designates a national focal point and a national cyber "
        "security council. IMPACS coordinates regional work and reports yearly to the Council.",
    ),
    (
        "Legal frameworks",
        "Member states will update their cybercrime laws within three years, "
        "drawing on the regional model law.",
    ),
    (
        "Capacity building",
        "Training will be offered to police, prosecutors and judges, and to "
        "CSIRT staff, through regional programmes and partners.",
    ),
]


# Shares (agree, disagree) of each cell's votes; the rest pass.
AGREE, SPLIT, OPPOSE = (0.86, 0.07), (0.4, 0.4), (0.07, 0.86)


def _shares(kind: str, sector: str, camp_a: bool) -> tuple[float, float]:
    if kind == "real":
        return (0.92, 0.0)
    if kind == "apparent":
        return (0.0, 0.9) if sector == Sector.CIVIL_SOCIETY else (0.88, 0.0)
    if kind in ("a", "b"):
        return AGREE if camp_a == (kind == "a") else OPPOSE
    return SPLIT


def _seeded_votes(kind: str, people: list[tuple[str, bool]], rng: random.Random) -> list[int]:
    """Exact shares within every (sector, camp) cell, shuffled: the outcome of each statement
    is fixed by its kind, not by chance."""
    votes = [0] * len(people)
    for cell in dict.fromkeys(people):
        members = [i for i, p in enumerate(people) if p == cell]
        n = len(members)
        agree, disagree = _shares(kind, *cell)
        pattern = [1] * round(n * agree) + [-1] * round(n * disagree)
        pattern += [0] * (n - len(pattern))
        rng.shuffle(pattern)
        for i, v in zip(members, pattern, strict=True):
            votes[i] = v
    return votes


def _panel(say: Callable[[str], None]) -> list[tuple[User, str, str, bool]]:
    people: list[tuple[User, str, str, bool]] = []
    n = 0
    for sector, count, in_a in PANEL:
        for i in range(count):
            n += 1
            email = f"panel{n:02d}@demo.reef"
            user = User.objects.filter(email=email).first() or user_create(
                email=email,
                password=None,
                display_name=f"Panellist {n:02d} ({sector}, illustrative)",
            )
            people.append((user, str(sector), COUNTRIES[(n * 5) % len(COUNTRIES)], i < in_a))
    say(f"consultation panel: {len(people)} illustrative panellists (cannot sign in)")
    return people


def _statements_and_votes(
    consultation: Consultation,
    coordinator: User,
    participants: list[tuple[User, str, bool]],
    rng: random.Random,
) -> list[tuple[str, Statement]]:
    """The statements, everyone's seeded votes on them, and one statement left to moderate."""
    statements: list[tuple[str, Statement]] = []
    for kind, body in STATEMENTS:
        statements.append(
            (
                kind,
                services.statement_submit(actor=coordinator, consultation=consultation, body=body),
            )
        )
    cells = [(sector, camp_a) for _, sector, camp_a in participants]
    seeded = {s.pk: _seeded_votes(kind, cells, rng) for kind, s in statements}
    for n, (user, _sector, _camp) in enumerate(participants):
        for _kind, statement in statements:
            services.vote_cast(actor=user, statement=statement, value=seeded[statement.pk][n])
    services.statement_submit(
        actor=participants[-1][0],
        consultation=consultation,
        body="Small island states need shared legal drafting support, not just model laws.",
    )
    return statements


def load(say: Callable[[str], None]) -> None:
    impacs = Organisation.objects.get(slug="caricom-impacs")
    if Consultation.objects.filter(title=TITLE, owner_organisation=impacs).exists():
        say("consultations: demo consultation exists")
        return
    coordinator = User.objects.get(email=COORDINATOR)
    now = timezone.now()
    people = _panel(say)
    consultation = services.consultation_create(
        actor=coordinator,
        title=TITLE,
        owner_organisation=impacs,
        tlp=TLP.GREEN,
        participation=Participation.COMMUNITY,
        community_grouping=Grouping.objects.get(slug="caricom"),
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=20),
        document_title="CARICOM Cyber Security and Cybercrime Action Plan (draft, illustrative)",
        description=(
            "Illustrative consultation on the draft regional action plan. Vote on statements, "
            "rate the priorities in the Delphi rounds and comment on the draft section by "
            "section. The report shows where agreement is real and where it is only apparent."
        ),
    )
    services.consultation_add_members(
        actor=coordinator, consultation=consultation, users=[u for u, *_ in people]
    )
    countries = {c.code: c for c in Country.objects.filter(code__in=COUNTRIES)}
    participants = []
    for user, sector, code, camp_a in people:
        services.participant_join(
            actor=user, consultation=consultation, sector=sector, country=countries[code]
        )
        participants.append((user, sector, camp_a))
    # Illustrative data, not security.
    rng = random.Random(8)  # noqa: S311  # nosec B311
    statements = _statements_and_votes(consultation, coordinator, participants, rng)
    analysis = services.consultation_analyse(consultation=consultation)
    labels = [s["label"] for s in analysis["reality"]["statements"]]
    say(
        f"consultation: {len(statements)} statements, {analysis['n_votes']} votes, "
        f"{len(analysis['result']['groups'])} opinion groups; real consensus "
        f"{labels.count('real_consensus')}, apparent {labels.count('apparent_consensus')}, "
        f"divisive {labels.count('divisive')}"
    )
    _delphi(consultation, coordinator, participants, rng)
    _draft(consultation, coordinator, participants)


def _delphi(
    consultation: Consultation,
    coordinator: User,
    participants: list[tuple[User, str, bool]],
    rng: random.Random,
) -> None:
    first = services.delphi_round_create(
        actor=coordinator,
        consultation=consultation,
        title="Priorities for 2026-2030",
        items=DELPHI_ITEMS,
    )
    items = list(first.items.all())
    panel = participants[::3]  # 20 panellists
    for user, _sector, camp_a in panel:
        ratings = {}
        for j, item in enumerate(items):
            base = [4, 4, 3, 5][j] + (0 if camp_a else [-1, 0, 1, -1][j])
            ratings[item.pk] = max(1, min(5, base + rng.choice([-1, 0, 0, 1])))
        services.delphi_respond(actor=user, round=first, ratings=ratings)
    second = services.delphi_round_create(
        actor=coordinator,
        consultation=consultation,
        title="Priorities for 2026-2030 (round 2)",
    )
    items2 = list(second.items.all())
    for user, _sector, camp_a in panel[:14]:
        ratings = {}
        for j, item in enumerate(items2):
            base = [4, 4, 4, 5][j] + (0 if camp_a else [-1, 0, 0, 0][j])
            ratings[item.pk] = max(1, min(5, base + rng.choice([-1, 0, 0, 0, 1])))
        services.delphi_respond(actor=user, round=second, ratings=ratings)


def _draft(
    consultation: Consultation, coordinator: User, participants: list[tuple[User, str, bool]]
) -> None:
    sections = [
        services.section_create(actor=coordinator, consultation=consultation, heading=h, text=t)
        for h, t in SECTIONS
    ]
    by_sector = {s: u for u, s, _ in reversed(participants)}
    services.section_comment_add(
        actor=by_sector[Sector.ACADEMIA],
        section=sections[3],
        body="Name the universities that will host the training, so that it outlasts the plan.",
    )
    services.section_comment_add(
        actor=by_sector[Sector.PRIVATE],
        section=sections[1],
        body="The private sector runs most critical infrastructure; it should be on the councils.",
    )
    accepted = services.amendment_propose(
        actor=by_sector[Sector.CIVIL_SOCIETY],
        section=sections[2],
        proposed_text=(
            "Member states will update their cybercrime laws within three years, drawing on the "
            "regional model law, after a public consultation of at least sixty days and with "
            "safeguards for human rights and due process."
        ),
        rationale="Laws made without consultation and safeguards lose public trust.",
    )
    services.amendment_decide(
        actor=coordinator,
        amendment=accepted,
        accept=True,
        reason="Accepted: consultation and safeguards are already regional commitments; "
        "the council asked for them to be explicit.",
    )
    rejected = services.amendment_propose(
        actor=by_sector[Sector.GOVERNMENT],
        section=sections[1],
        proposed_text="Each member state designates a national focal point. IMPACS coordinates.",
        rationale="A council is too heavy for the smallest states.",
    )
    services.amendment_decide(
        actor=coordinator,
        amendment=rejected,
        accept=False,
        reason="Rejected: councils can be small, and a shared council is allowed; the draft "
        "keeps councils so that other sectors are heard.",
    )
    services.amendment_propose(
        actor=by_sector[Sector.INTERNATIONAL],
        section=sections[3],
        proposed_text=(
            "Training will be offered to police, prosecutors and judges, and to CSIRT staff, "
            "through regional programmes and partners, using train-the-trainer methods so that "
            "each state keeps its own instructors."
        ),
        rationale="One-off trainings do not last.",
    )
