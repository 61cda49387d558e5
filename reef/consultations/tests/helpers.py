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
