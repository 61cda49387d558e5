"""Small builders for consultation tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from reef.consultations import services
from reef.consultations.models import Consultation, Participation, Section, Sector, Statement
from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping, Organisation


def community_consultation(coordinator: Any, **kwargs: Any) -> Consultation:
    """Owned by CARICOM IMPACS (the coordinator is an editor there), open now, CARICOM community."""
    now = timezone.now()
    defaults: dict[str, Any] = {
        "title": "Test consultation",
        "owner_organisation": Organisation.objects.get(slug="caricom-impacs"),
        "tlp": TLP.GREEN,
        "participation": Participation.COMMUNITY,
        "community_grouping": Grouping.objects.get(slug="caricom"),
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=7),
    }
    defaults.update(kwargs)
    return services.consultation_create(actor=coordinator, **defaults)


def hidden_consultation(focal_point: Any) -> Consultation:
    """AMBER+STRICT, owned by Grenada: only Grenada's members (the focal point) see it."""
    now = timezone.now()
    return services.consultation_create(
        actor=focal_point,
        title="Grenada internal consultation",
        owner_country=Country.objects.get(code="GD"),
        tlp=TLP.AMBER_STRICT,
        participation=Participation.NAMED,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
    )


def join(
    user: Any, consultation: Consultation, sector: str = Sector.GOVERNMENT, code: str = "TT"
) -> Any:
    return services.participant_join(
        actor=user, consultation=consultation, sector=sector, country=Country.objects.get(code=code)
    )


def accepted(editor: Any, consultation: Consultation, body: str) -> Statement:
    return services.statement_submit(actor=editor, consultation=consultation, body=body)


def section(editor: Any, consultation: Consultation) -> Section:
    return services.section_create(
        actor=editor, consultation=consultation, heading="Governance", text="Original text."
    )


#: Two camps: statements 1-4 divide them, 5 and 6 they all agree with.
CAMP_STATEMENTS = [
    "Every member state needs a national CSIRT.",
    "Regional funds should go to the smallest states first.",
    "Training should be delivered by local institutions.",
    "Cybercrime laws should follow the Budapest Convention.",
    "Incident data should be shared within 72 hours.",
    "Every state needs a cyber strategy.",
]


def camp_votes(camp: int) -> dict[int, int]:
    """The votes of camp 0 or 1 on the CAMP_STATEMENTS, by statement number."""
    side = 1 if camp == 0 else -1
    return {1: side, 2: side, 3: side, 4: side, 5: 1, 6: 1}


def two_camps(editor: Any, consultation: Consultation, per_camp: int = 4) -> list[Any]:
    """The CAMP_STATEMENTS and two camps of invited members who vote them opposite ways
    (statements 1-4) and alike (5, 6); the users, camp 0 first. Not analysed yet."""
    from tests_support.world import make_user

    statements = [accepted(editor, consultation, body) for body in CAMP_STATEMENTS]
    voters = [make_user() for _ in range(2 * per_camp)]
    services.consultation_add_members(actor=editor, consultation=consultation, users=voters)
    for i, user in enumerate(voters):
        join(user, consultation)
        votes = camp_votes(0 if i < per_camp else 1)
        for s in statements:
            services.vote_cast(actor=user, statement=s, value=votes[s.number])
    return voters
