"""Issue 12, derivations: a publication made from a consultation never gets a wider
label than its source."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from reef.consultations import services as consultations
from reef.consultations.models import Participation
from reef.core.errors import ServiceError
from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Country
from reef.records import services
from reef.records.models import Publication

pytestmark = pytest.mark.django_db


def _consultation(tlp: str) -> Any:
    now = timezone.now()
    return consultations.consultation_create(
        actor=DEMO,
        title=f"Grenada consultation {tlp}",
        owner_country=Country.objects.get(code="GD"),
        tlp=tlp,
        participation=Participation.NAMED,
        opens_at=now - timedelta(days=2),
        closes_at=now - timedelta(days=1),
    )


def _link(c: Any) -> list[dict[str, Any]]:
    return [{"kind": "consultation", "id": c.pk, "title": c.title}]


@pytest.mark.parametrize(
    ("source", "wider", "same_or_stricter"),
    [
        (TLP.AMBER, [TLP.CLEAR, TLP.GREEN], [TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]),
        (TLP.AMBER_STRICT, [TLP.CLEAR, TLP.GREEN, TLP.AMBER], [TLP.AMBER_STRICT, TLP.RED]),
        (TLP.GREEN, [TLP.CLEAR], [TLP.GREEN, TLP.AMBER]),
    ],
)
def test_a_publication_from_a_consultation_is_never_wider_than_it(
    users: dict[str, Any], source: str, wider: list[str], same_or_stricter: list[str]
) -> None:
    c = _consultation(source)
    gd = Country.objects.get(code="GD")
    before = Publication.objects.count()
    for label in wider:
        with pytest.raises(ServiceError) as err:
            services.publication_create(
                actor=users["focal_point"],
                title="Findings",
                owner_country=gd,
                tlp=label,
                links=_link(c),
            )
        assert err.value.field == "tlp"
    assert Publication.objects.count() == before
    for label in same_or_stricter:
        pub = services.publication_create(
            actor=users["focal_point"],
            title="Findings",
            owner_country=gd,
            tlp=label,
            links=_link(c),
        )
        assert pub.tlp == label


def test_relabelling_cannot_widen_it_either(users: dict[str, Any]) -> None:
    c = _consultation(TLP.AMBER)
    gd = Country.objects.get(code="GD")
    pub = services.publication_create(
        actor=users["focal_point"], title="Findings", owner_country=gd, links=_link(c)
    )
    with pytest.raises(ServiceError, match="cannot be"):
        services.publication_update(actor=users["focal_point"], publication=pub, tlp=TLP.CLEAR)
    pub.refresh_from_db()
    assert pub.tlp == TLP.AMBER
    services.publication_update(actor=users["focal_point"], publication=pub, tlp=TLP.RED)


def test_a_link_to_no_consultation_is_refused(users: dict[str, Any]) -> None:
    with pytest.raises(ServiceError, match="does not exist"):
        services.publication_create(
            actor=users["focal_point"],
            title="Findings",
            owner_country=Country.objects.get(code="GD"),
            links=[{"kind": "consultation", "id": 999999, "title": "Ghost"}],
        )
