"""Demo expert network (illustrative): ~30 regional experts, a review round on offered
programmes with reviewers invited, two mentoring pairs and a Grenada mission with a
proposed team. Idempotent: a second run adds nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from reef.accounts.models import User
from reef.core.rules import DEMO
from reef.directory.models import Country, Grouping, Organisation
from reef.experts import services
from reef.experts.models import (
    ExpertiseTag,
    ExpertProfile,
    MentorPair,
    MissionRequest,
    ReviewRound,
)

PERSONA_EMAIL = "expert.tt@demo.reef"
ROUND_TITLE = "Offered programmes for the region, 2026-27 (illustrative)"
MISSION_TITLE = "Cyber security capacity assessment mission to Grenada (illustrative)"

# name letter, sector, country, organisation slug, roles and factors, languages, seniority, bio
NETWORK: list[tuple[str, str, str, str | None, list[str], list[str], str, str]] = [
    (
        "A",
        "private",
        "TT",
        None,
        ["technical", "incident_response", "cmm-1.2"],
        ["en"],
        "senior",
        "Runs a security operations centre; led incident response for banks and utilities.",
    ),
    (
        "B",
        "academia",
        "JM",
        "uwi",
        ["education", "cmm-3.2", "cmm-3.4"],
        ["en"],
        "senior",
        "Lecturer in cyber security; designed university curricula and research programmes.",
    ),
    (
        "C",
        "government",
        "BB",
        None,
        ["criminal_justice", "prosecution", "cmm-4.3"],
        ["en"],
        "senior",
        "Senior prosecutor for cybercrime cases; trains police and prosecutors.",
    ),
    (
        "D",
        "government",
        "JM",
        None,
        ["judiciary", "criminal_justice", "cmm-4.3"],
        ["en"],
        "senior",
        "Judge; trains the judiciary on electronic evidence.",
    ),
    (
        "E",
        "private",
        "JM",
        None,
        ["digital_forensics", "technical", "cmm-4.3"],
        ["en", "es"],
        "mid",
        "Digital forensics examiner; lab accreditation and chain of custody.",
    ),
    (
        "F",
        "civil_society",
        "BB",
        "caribbean-civil-net",
        ["awareness", "policy", "cmm-2.3"],
        ["en"],
        "mid",
        "Digital rights advocate; awareness campaigns on privacy and online safety.",
    ),
    (
        "G",
        "international",
        "LC",
        "oecs",
        ["policy", "cmm-1.1", "cmm-5.1"],
        ["en", "fr"],
        "senior",
        "Regional policy adviser on national cyber security strategies and standards.",
    ),
    (
        "H",
        "private",
        "GY",
        None,
        ["technical", "cmm-5.2", "cmm-5.4"],
        ["en"],
        "mid",
        "Network engineer; resilience of internet exchange points and telecommunications.",
    ),
    (
        "I",
        "government",
        "GD",
        "gd-ict-ministry",
        ["policy", "cmm-1.1"],
        ["en"],
        "mid",
        "Civil servant in charge of the national ICT strategy.",
    ),
    (
        "J",
        "academia",
        "TT",
        None,
        ["legal_drafting", "cmm-4.1", "cmm-4.2"],
        ["en"],
        "senior",
        "Law lecturer; drafted cybercrime and data protection bills for several states.",
    ),
    (
        "K",
        "private",
        "BS",
        None,
        ["incident_response", "technical", "cmm-1.3"],
        ["en"],
        "mid",
        "CSIRT lead for critical infrastructure operators.",
    ),
    (
        "L",
        "government",
        "DM",
        None,
        ["criminal_justice", "cmm-4.4"],
        ["en", "fr"],
        "mid",
        "Police cybercrime unit; international co-operation requests.",
    ),
    (
        "M",
        "academia",
        "BZ",
        None,
        ["education", "awareness", "cmm-3.1"],
        ["en", "es"],
        "mid",
        "Teaches cyber hygiene and runs awareness programmes for schools.",
    ),
    (
        "N",
        "private",
        "KN",
        None,
        ["technical", "cmm-5.3", "cmm-5.6"],
        ["en"],
        "junior",
        "Software security tester; vulnerability disclosure.",
    ),
    (
        "O",
        "international",
        "TT",
        "caricom-impacs",
        ["criminal_justice", "policy", "cmm-4.4"],
        ["en"],
        "senior",
        "Regional programme manager for crime and security.",
    ),
    (
        "P",
        "civil_society",
        "JM",
        None,
        ["awareness", "education", "cmm-2.2"],
        ["en"],
        "mid",
        "Community trainer on online fraud and disinformation.",
    ),
    (
        "Q",
        "government",
        "AG",
        "ag-ict-ministry",
        ["technical", "cmm-1.2"],
        ["en"],
        "mid",
        "Government network security officer.",
    ),
    (
        "R",
        "private",
        "SR",
        None,
        ["technical", "digital_forensics"],
        ["nl", "en"],
        "mid",
        "Forensics consultant; Dutch and English.",
    ),
    (
        "S",
        "academia",
        "HT",
        None,
        ["policy", "education", "cmm-3.3"],
        ["fr", "en"],
        "mid",
        "Researcher on professional training in cyber security; French and English.",
    ),
    (
        "T",
        "government",
        "VC",
        None,
        ["prosecution", "criminal_justice", "cmm-4.1"],
        ["en"],
        "junior",
        "Crown counsel handling the first cybercrime prosecutions.",
    ),
    (
        "U",
        "private",
        "LC",
        None,
        ["incident_response", "cmm-1.2", "cmm-1.3"],
        ["en", "fr"],
        "senior",
        "Incident handler for the energy sector; runs cyber drills.",
    ),
    (
        "V",
        "academia",
        "GD",
        None,
        ["education", "technical", "cmm-3.2"],
        ["en"],
        "mid",
        "Lecturer at a Grenadian college; builds cyber security courses.",
    ),
    (
        "W",
        "government",
        "TT",
        "tt-ministry-digital",
        ["policy", "cmm-1.1", "cmm-1.4"],
        ["en"],
        "senior",
        "Ministry official for national security policy.",
    ),
    (
        "X",
        "private",
        "BB",
        None,
        ["legal_drafting", "policy", "cmm-4.2"],
        ["en"],
        "mid",
        "Privacy and data protection lawyer.",
    ),
    (
        "Y",
        "civil_society",
        "GY",
        None,
        ["awareness", "cmm-2.4"],
        ["en"],
        "junior",
        "Runs a reporting hotline for online abuse.",
    ),
    (
        "Z",
        "private",
        "JM",
        None,
        ["technical", "cmm-5.5"],
        ["en", "es"],
        "mid",
        "Founder of a managed security services company.",
    ),
    # Nascent specialists (mentored, shadow missions).
    (
        "N1",
        "academia",
        "GD",
        None,
        ["technical", "incident_response"],
        ["en"],
        "nascent",
        "Graduate student in computer science; first incident response training.",
    ),
    (
        "N2",
        "government",
        "JM",
        None,
        ["criminal_justice", "digital_forensics"],
        ["en"],
        "nascent",
        "New investigator in the police cybercrime unit.",
    ),
]


def _name(letter: str) -> str:
    if letter.startswith("N") and letter[1:].isdigit():
        return f"Specialist {letter}. (illustrative)"
    return f"Expert {letter}. (illustrative)"


def _tags(keys: list[str]) -> list[ExpertiseTag]:
    return list(ExpertiseTag.objects.filter(key__in=keys))


def _next_monday(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def load(say: Callable[[str], None]) -> None:
    from reef.experts.models import ExpertiseTag
    from reef.experts.taxonomy import seed_tags

    seed_tags(ExpertiseTag)  # idempotent; restores the taxonomy after a flush
    today = timezone.localdate()
    year = (today - dt.timedelta(days=30), today + dt.timedelta(days=400))
    created = _load_network(year) + _load_persona(year)
    say(f"experts: {ExpertProfile.objects.count()} profiles ({created} new)")

    # Two mentoring pairs.
    if not MentorPair.objects.exists():
        pairs = services.mentoring_pairs_propose(actor=DEMO, today=today)
        say(f"mentoring pairs: {len(pairs)}")

    _load_round(today, say)
    _load_mission(today, say)


def _load_network(year: tuple[dt.date, dt.date]) -> int:
    """The illustrative network's profiles, each available for the coming year; new ones."""
    created = 0
    for i, (letter, sector, code, org, keys, langs, seniority, bio) in enumerate(NETWORK):
        name = _name(letter)
        if ExpertProfile.objects.filter(name=name).exists():
            continue
        profile = services.profile_create(
            actor=DEMO,
            name=name,
            sector=sector,
            country=Country.objects.get(code=code),
            organisation=Organisation.objects.get(slug=org) if org else None,
            expertise=_tags(keys),
            languages=langs,
            seniority=seniority,
            bio=bio,
            max_reviews_per_quarter=2 if seniority == "senior" else 3,
            is_public=i % 3 == 0,
            contact_email=f"expert.{letter.lower()}@example.org",
            contact_tlp="TLP:GREEN" if i % 2 else "TLP:AMBER",
            consent=True,
        )
        services.availability_add(actor=DEMO, profile=profile, start=year[0], end=year[1])
        created += 1
    # One declared conflict, so that the Grenada team shows an exclusion.
    d = ExpertProfile.objects.get(name=_name("U"))
    if not d.conflicts.exists():
        services.conflict_declare(
            actor=DEMO,
            profile=d,
            kind="country",
            country=Country.objects.get(code="GD"),
            note="Advises the Grenadian regulator (illustrative)",
        )
    return created


def _load_persona(year: tuple[dt.date, dt.date]) -> int:
    """The expert persona's own profile (1 when it is new)."""
    created = 0
    persona = User.objects.filter(email=PERSONA_EMAIL).first()
    if persona is not None and not ExpertProfile.objects.filter(user=persona).exists():
        profile = services.profile_create(
            actor=persona,
            user=persona,
            name="Expert T.T. (illustrative)",
            sector="private",
            country=Country.objects.get(code="TT"),
            organisation=Organisation.objects.get(slug="tt-secure-networks"),
            expertise=_tags(["technical", "incident_response", "cmm-1.2", "cmm-5.2"]),
            languages=["en", "es"],
            seniority="senior",
            bio="Security architect; national CSIRT development, incident response and "
            "security controls for government networks.",
            max_reviews_per_quarter=3,
            is_public=True,
            contact_email=PERSONA_EMAIL,
            contact_tlp="TLP:GREEN",
            consent=True,
        )
        services.availability_add(actor=persona, profile=profile, start=year[0], end=year[1])
        created += 1
    return created


def _load_round(today: dt.date, say: Callable[[str], None]) -> None:
    """A review round on programmes offered to the region, with reviewers invited."""
    if not ReviewRound.objects.filter(title=ROUND_TITLE).exists():
        opens = today - dt.timedelta(days=today.weekday())  # this week's Monday
        round_ = services.round_create(
            actor=DEMO,
            title=ROUND_TITLE,
            description="Consortium members offer programmes; regional experts review "
            "whether they fit the region's needs before countries commit.",
            grouping=Grouping.objects.get(slug="caricom"),
            opens_on=opens,
            closes_on=opens + dt.timedelta(days=18),  # three weeks: 15 working days
            reviewers_per_proposal=3,
            organisation=Organisation.objects.get(slug="caricom-impacs"),
        )
        offers = [
            (
                "oas",
                "OAS programme: national CSIRT development and incident response "
                "training (illustrative)",
                "Help OECS states set up national CSIRTs: incident response procedures, "
                "tooling, cyber drills and training of incident handlers over 18 months.",
                None,
            ),
            (
                "coe",
                "Council of Europe: cybercrime legislation and judicial training (illustrative)",
                "Align cybercrime law with the Budapest Convention; train judges, prosecutors "
                "and police on electronic evidence and international co-operation.",
                None,
            ),
            (
                "itu",
                "ITU: cyber security awareness and education for schools (illustrative)",
                "Awareness campaigns and a school curriculum on online safety, privacy and "
                "disinformation, with teacher training.",
                "GD",
            ),
        ]
        for slug, title, text, concerned in offers:
            services.proposal_add(
                actor=DEMO,
                round=round_,
                title=title,
                text=text,
                author_organisation=Organisation.objects.get(slug=slug),
                country=Country.objects.get(code=concerned) if concerned else None,
            )
        services.round_open(actor=DEMO, round=round_)
        say(f"review round: {round_.title} ({round_.proposals.count()} proposals)")


def _load_mission(today: dt.date, say: Callable[[str], None]) -> None:
    """A mission request for Grenada with a proposed team."""
    if not MissionRequest.objects.filter(title=MISSION_TITLE).exists():
        start = _next_monday(today + dt.timedelta(days=56))
        mission = services.mission_request_create(
            actor=DEMO,
            title=MISSION_TITLE,
            country=Country.objects.get(code="GD"),
            start=start,
            end=start + dt.timedelta(days=4),
            languages=["en"],
            size=3,
            nascent_seat=True,
            expertise=_tags(["cmm-1.2", "cmm-4.1", "cmm-4.3"]),
            organisations=[Organisation.objects.get(slug="gd-ict-ministry")],
        )
        services.mission_team_propose(actor=DEMO, mission=mission)
        say(f"mission request: {mission.title} (team of {mission.team.count()} proposed)")
