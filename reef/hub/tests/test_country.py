from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from reef.assessments.models import Status
from reef.assessments.tests.helpers import build
from reef.core.tlp import TLP
from reef.hub import selectors
from reef.hub.tests.world import grenada

pytestmark = pytest.mark.django_db


def _hub(client: Client, code: str = "GD") -> str:
    response = client.get(reverse("hub:country", args=[code]))
    assert response.status_code == 200
    return response.content.decode()


def test_amber_records_show_to_the_focal_point_and_not_to_the_outsider(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    gd = grenada(users, tlp=TLP.AMBER)
    shown = _hub(clients["focal_point"])
    hidden = _hub(clients["outsider"])
    for title in (
        gd.assessment.title,
        gd.plan.title,
        gd.consultation.title,
        gd.event.title,
        gd.publication.title,
        '<th scope="row">OAS</th>',
    ):
        assert title in shown, title
        assert title not in hidden, title
    assert "No national plan that you may see." in hidden
    assert "No commitment that you may see." in hidden


def test_plan_funding_and_commitments_by_donor(users: dict[str, Any]) -> None:
    gd = grenada(users, tlp=TLP.AMBER)
    hub = selectors.country_hub(users["focal_point"], gd.plan.country)  # type: ignore[arg-type]
    assert hub.plan == gd.plan
    assert hub.needs == 2
    assert hub.funding.needs == 2
    assert hub.funding.covered_needs == 1
    assert hub.funding.cost == 150000
    assert hub.funding.committed == 50000
    assert hub.funding.gap == 100000
    [oas] = hub.donors
    assert (oas.commitments, oas.covering) == (2, 1)
    assert oas.amounts == {"USD": 70000}


def test_every_country_has_a_hub_and_an_unknown_code_is_404(
    clients: dict[str, Client],
) -> None:
    html = _hub(clients["anonymous"], "bb")
    assert "Barbados" in html
    assert "No assessment that you may see." in html
    assert clients["anonymous"].get(reverse("hub:country", args=["ZZ"])).status_code == 404


def test_directory_country_page_links_to_the_hub(clients: dict[str, Client]) -> None:
    page = clients["anonymous"].get(reverse("directory:country_detail", args=["GD"]))
    assert reverse("hub:country", args=["GD"]) in page.content.decode()


def test_public_records_show_to_everyone(users: dict[str, Any], clients: dict[str, Client]) -> None:
    gd = grenada(users, tlp=TLP.CLEAR)
    html = _hub(clients["anonymous"])
    assert gd.event.title in html
    assert gd.plan.title in html


def test_trend_across_cycles_with_results(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    first = build(users, until=Status.COMPLETE, cycle="2024")
    second = build(users, until=Status.COMPLETE, cycle="2026")
    hub = selectors.country_hub(users["focal_point"], first.country)
    assert [p.assessment.pk for p in hub.trend] == [first.pk, second.pk]
    assert hub.latest == second
    html = _hub(clients["focal_point"])
    assert reverse("assessments:results", args=[second.pk]) in html
    # The outsider sees neither cycle (the assessments are AMBER, Grenada's).
    assert selectors.country_hub(users["outsider"], first.country).trend == []
