"""Demo public record (illustrative): the Caribbean Stakeholders' Meeting II, public
summaries of the five needs assessments, and a few publications.

Names of people are placeholders; texts are illustrative summaries, not quotations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reef.assessments.models import Assessment
from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.records import services
from reef.records.models import Briefing, Event, Participant, Publication, Sector, Snapshot

CSMII = "csmii-2016"

CSMII_SUMMARY = (
    "The second Caribbean Stakeholders' Meeting on Cyber Security and Cybercrime brought "
    "together governments, regional bodies, international organisations, the private "
    "sector, academia and civil society to agree a regional response to cybercrime."
)
CSMII_REPORT = (
    "Illustrative report. Over four days, participants reviewed the findings of the needs "
    "assessments of Dominica, Trinidad and Tobago, Grenada, Antigua and Barbuda and "
    "Barbados. Recurring themes were too few people trained in cyber security, and little "
    "awareness and basic cyber hygiene in government and the private sector; cybercrime "
    "is rising, and many incidents against businesses go unreported.\n\n"
    "The meeting agreed to write a regional action plan, the CARICOM Cyber Security and "
    "Cybercrime Action Plan (CCSCAP), in five key areas: public awareness, building "
    "sustainable capacity, technical standards and infrastructure, the legal environment, "
    "and regional and international cooperation."
)
CSMII_TITLE_ES = (
    "II Reunión de Partes Interesadas del Caribe sobre Ciberseguridad y Ciberdelincuencia"
)
CSMII_SUMMARY_ES = (
    "La segunda reunión de partes interesadas del Caribe reunió a gobiernos, organismos "
    "regionales, organizaciones internacionales, el sector privado, la academia y la "
    "sociedad civil para acordar una respuesta regional a la ciberdelincuencia."
)
CSMII_REPORT_ES = (
    "Informe ilustrativo. Durante cuatro días, los participantes examinaron las "
    "evaluaciones de necesidades de Dominica, Trinidad y Tobago, Granada, Antigua y "
    "Barbuda y Barbados. Temas recurrentes: pocas personas formadas en ciberseguridad y "
    "poca sensibilización e higiene cibernética básica en el gobierno y el sector privado.\n\n"
    "La reunión acordó redactar un plan de acción regional, el Plan de Acción de "
    "Ciberseguridad y Ciberdelincuencia de la CARICOM (CCSCAP), en cinco áreas clave."
)

# name, organisation slug, sector, role, consents to be listed
PARTICIPANTS: list[tuple[str, str, str, str, bool]] = [
    ("Speaker A (illustrative)", "ctu", Sector.REGIONAL, "speaker", True),
    ("Speaker B (illustrative)", "comsec", Sector.INTERNATIONAL, "speaker", True),
    ("Speaker C (illustrative)", "caricom-impacs", Sector.REGIONAL, "speaker", True),
    ("Speaker D (illustrative)", "oas", Sector.INTERNATIONAL, "speaker", True),
    ("Participant E (illustrative)", "gd-ict-ministry", Sector.GOVERNMENT, "participant", True),
    ("Participant F (illustrative)", "tt-secure-networks", Sector.PRIVATE, "participant", True),
    ("Participant G (illustrative)", "uwi", Sector.ACADEMIA, "participant", True),
    (
        "Participant H (illustrative)",
        "caribbean-civil-net",
        Sector.CIVIL_SOCIETY,
        "participant",
        True,
    ),
    # Did not agree to be listed: never shown publicly.
    ("Participant I (illustrative)", "bb-ict-ministry", Sector.GOVERNMENT, "participant", False),
]

# day offset, start, end, title, speaker indexes
SESSIONS: list[tuple[int, str, str, str, list[int]]] = [
    (0, "09:00", "10:30", "Opening and the state of cybercrime in the Caribbean", [0, 1]),
    (0, "11:00", "12:30", "Findings of the five national needs assessments", [1]),
    (1, "09:00", "12:30", "Building sustainable capacity: training beyond one-off workshops", [2]),
    (2, "09:00", "12:30", "Legal environment and electronic evidence", [3]),
    (3, "09:00", "11:00", "Towards a regional action plan", [0, 2]),
]

ASSESSED = [
    ("DM", "Dominica", "2014-15"),
    ("TT", "Trinidad and Tobago", "2014-15"),
    ("GD", "Grenada", "2015-16"),
    ("AG", "Antigua and Barbuda", "2015-16"),
    ("BB", "Barbados", "2015-16"),
]

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _find_links() -> dict[str, dict[str, Any]]:
    """Links to the regional plan, its consultation and two needs, if those demos ran.

    Pages show a link only to those who may see the linked record.
    """
    wanted = {
        "plan": ("planning.Plan", "CARICOM Cyber Security"),
        "consultation": ("consultations.Consultation", "CCSCAP"),
        "need_training": ("planning.Need", "trained in cyber security"),
        "need_hygiene": ("planning.Need", "cyber hygiene"),
    }
    links: dict[str, dict[str, Any]] = {}
    for key, (label, words) in wanted.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        field = "title" if any(f.name == "title" for f in model._meta.fields) else "name"
        obj = model._default_manager.filter(**{f"{field}__icontains": words}).order_by("pk").first()
        if obj is not None:
            links[key] = {"kind": key.split("_")[0], "id": obj.pk, "title": str(obj)[:300]}
    return links


def _pick(links: dict[str, dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return [links[k] for k in keys if k in links]


def _csmii(say: Callable[[str], None]) -> Event:
    existing: Event | None = Event.objects.filter(slug=CSMII).first()
    if existing is not None:
        return existing
    ctu = Organisation.objects.get(slug="ctu")
    comsec = Organisation.objects.get(slug="comsec")
    start = dt.date(2016, 3, 16)
    event = services.event_create(
        actor=DEMO,
        slug=CSMII,
        title="Caribbean Stakeholders' Meeting II on Cyber Security and Cybercrime (CSMII)",
        kind=Event.Kind.MEETING,
        start_date=start,
        end_date=dt.date(2016, 3, 19),
        owner_organisation=ctu,
        country=Country.objects.get(code="LC"),
        venue="Saint Lucia",
        summary=CSMII_SUMMARY,
        report=CSMII_REPORT,
        hosts=[ctu, comsec],
        tlp=TLP.CLEAR,
    )
    _csmii_agenda(event, start)
    _csmii_outcomes(event)
    services.event_file_add(
        actor=DEMO,
        event=event,
        upload=SimpleUploadedFile("csmii-opening.pdf", TINY_PDF, "application/pdf"),
        kind="presentation",
        title="Opening presentation (illustrative placeholder)",
    )
    services.event_set_translation(
        actor=DEMO,
        event=event,
        language="es",
        title=CSMII_TITLE_ES,
        summary=CSMII_SUMMARY_ES,
        report=CSMII_REPORT_ES,
    )
    services.event_publish(actor=DEMO, event=event)
    say("records: CSMII event")
    return event


def _csmii_agenda(event: Event, start: dt.date) -> None:
    """The participants, and the sessions where some of them speak."""
    people: list[Participant] = []
    for name, org_slug, sector, role, consent in PARTICIPANTS:
        people.append(
            services.participant_add(
                actor=DEMO,
                event=event,
                name=name,
                organisation=Organisation.objects.get(slug=org_slug),
                sector=sector,
                role=role,
                consent_public=consent,
            )
        )
    for offset, begin, end, title, speakers in SESSIONS:
        services.session_add(
            actor=DEMO,
            event=event,
            title=title,
            day=start + dt.timedelta(days=offset),
            starts_at=dt.time.fromisoformat(begin),
            ends_at=dt.time.fromisoformat(end),
            speakers=[people[i] for i in speakers],
        )


def _csmii_outcomes(event: Event) -> None:
    links = _find_links()
    services.outcome_add(
        actor=DEMO,
        event=event,
        text="Agreement to write the CARICOM Cyber Security and Cybercrime Action Plan "
        "(CCSCAP), led by CARICOM IMPACS with the CTU, the OAS and the Commonwealth "
        "Secretariat.",
        links=_pick(links, "plan", "consultation"),
    )
    services.outcome_add(
        actor=DEMO,
        event=event,
        text="Five key areas for regional action: public awareness, sustainable capacity, "
        "technical standards and infrastructure, legal environment, and cooperation.",
    )
    services.outcome_add(
        actor=DEMO,
        event=event,
        text="Train-the-trainer programmes and curricula rather than one-off training.",
        links=_pick(links, "need_training", "need_hygiene"),
    )


def _publish(publication: Publication) -> None:
    services.publication_submit(actor=DEMO, publication=publication)
    if publication.kind == Publication.Kind.ASSESSMENT_REPORT:
        services.publication_release(actor=DEMO, publication=publication)
    services.publication_publish(actor=DEMO, publication=publication)


BRIEFINGS: list[tuple[str, str, str, str, str, list[str], str]] = [
    # slug, title, threat, label, summary, countries, words of a need it creates
    (
        "bec-small-business-2026",
        "Business e-mail compromise against small businesses (illustrative)",
        "business e-mail compromise",
        TLP.CLEAR,
        "Illustrative briefing. Mailboxes of small firms are taken over and invoices "
        "redirected to accounts abroad; few victims report it. Police and prosecutors need "
        "training in tracing the payments and in requests for electronic evidence; business "
        "owners need to know the warning signs.",
        ["GD", "LC", "TT"],
        "trained in cyber security",
    ),
    (
        "virtual-currency-laundering-2026",
        "Laundering through virtual-currency kiosks (illustrative, for the community)",
        "virtual-currency laundering",
        TLP.GREEN,
        "Illustrative briefing for the community. Proceeds of online fraud are moved through "
        "virtual-currency kiosks; judges and prosecutors ask for guidance on seizure.",
        ["JM", "TT"],
        "",
    ),
]
BRIEFING_SOURCES = [
    {
        "title": "FBI Internet Crime Complaint Center: public service announcements",
        "url": "https://www.ic3.gov/PSA",
    },
    {
        "title": "Europol: Internet Organised Crime Threat Assessment (IOCTA)",
        "url": "https://www.europol.europa.eu/publications-events/main-reports/iocta-report",
    },
]


def _briefings() -> None:
    impacs = Organisation.objects.get(slug="caricom-impacs")
    for slug, title, threat, tlp, summary, codes, need_words in BRIEFINGS:
        if Briefing.objects.filter(slug=slug).exists():
            continue
        needs = []
        if need_words:
            found = apps.get_model("planning.Need")._default_manager.filter(
                title__icontains=need_words
            )
            needs = list(found.order_by("pk")[:1])
        services.briefing_create(
            actor=DEMO,
            slug=slug,
            title=title,
            threat=threat,
            published_on=dt.date(2026, 11, 2),
            summary=summary,
            sources=BRIEFING_SOURCES,
            countries=list(Country.objects.filter(code__in=codes)),
            needs=needs,
            owner_organisation=impacs,
            tlp=tlp,
        )


def _assessment_reports(event: Event) -> None:
    """The public summary of each needs assessment, released and published."""
    for code, name, cycle in ASSESSED:
        slug = f"needs-assessment-summary-{code.lower()}"
        if Publication.objects.filter(slug=slug).exists():
            continue
        country = Country.objects.get(code=code)
        # A report names its assessment (the assessments demo makes them); none, no report.
        assessment = Assessment.objects.filter(country=country).order_by("cycle").first()
        if assessment is None:
            continue
        publication = services.publication_create(
            actor=DEMO,
            slug=slug,
            title=f"Needs assessment {cycle}: public summary, {name} (illustrative)",
            kind=Publication.Kind.ASSESSMENT_REPORT,
            owner_country=country,
            authors="Commonwealth Cybercrime Initiative mission team (illustrative)",
            abstract=(
                f"Illustrative public summary of the cyber security and cybercrime needs "
                f"assessment of {name} ({cycle}). Cybercrime is increasing and many "
                "incidents against the private sector go unreported, for fear of "
                "reputational damage and for lack of capacity. Priorities: training more "
                "people in cyber security, and raising awareness and basic cyber hygiene "
                "in government and business."
            ),
            tlp=TLP.CLEAR,
            countries=[country],
            events=[event],
            assessment=assessment,
        )
        _publish(publication)


# slug, title, kind, owner organisation slug, abstract, countries
OTHERS: list[tuple[str, str, str, str, str, list[str]]] = [
    (
        "csmii-meeting-report",
        "Report of the Caribbean Stakeholders' Meeting II (illustrative)",
        Publication.Kind.REPORT,
        "ctu",
        "The written record of CSMII: sessions, findings and the decision to write a "
        "regional action plan.",
        ["LC"],
    ),
    (
        "cyber-hygiene-brief",
        "Basic cyber hygiene for small businesses: a brief (illustrative)",
        Publication.Kind.BRIEF,
        "caricom-impacs",
        "Ten practical measures for small and medium businesses in the Caribbean.",
        [],
    ),
    (
        "local-expertise-article",
        "Building expertise from within: local experts in national missions (illustrative)",
        Publication.Kind.ARTICLE,
        "uwi",
        "Why involving the private sector and academia produces capacity that lasts.",
        ["JM", "TT"],
    ),
]


def _other_publications(event: Event) -> None:
    for slug, title, kind, org_slug, abstract, codes in OTHERS:
        if Publication.objects.filter(slug=slug).exists():
            continue
        publication = services.publication_create(
            actor=DEMO,
            slug=slug,
            title=title,
            kind=kind,
            owner_organisation=Organisation.objects.get(slug=org_slug),
            abstract=abstract,
            tlp=TLP.CLEAR,
            countries=list(Country.objects.filter(code__in=codes)),
            events=[event] if slug.startswith("csmii") else [],
        )
        _publish(publication)
    if not Publication.objects.filter(slug="regional-trends-draft").exists():
        # A draft for the community only: never public.
        services.publication_create(
            actor=DEMO,
            slug="regional-trends-draft",
            title="Regional trends in cyber incidents, draft (illustrative)",
            kind=Publication.Kind.BRIEF,
            owner_organisation=Organisation.objects.get(slug="caricom-impacs"),
            abstract="Draft for review by the community.",
            tlp=TLP.GREEN,
        )


def load(say: Callable[[str], None]) -> None:
    event = _csmii(say)
    _assessment_reports(event)
    _other_publications(event)
    _briefings()
    if not Snapshot.objects.filter(date=timezone.localdate()).exists():
        services.snapshot_freeze(actor=DEMO)
    say(
        f"records: {Event.objects.count()} events, {Publication.objects.count()} publications, "
        f"{Briefing.objects.count()} briefings"
    )
