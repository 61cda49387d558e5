"""The sharing page and the "Sharing" button on detail pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from reef.core.access import can
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.planning import services as planning
from reef.planning.models import Need
from reef.records import services as records
from reef.records.models import Publication

pytestmark = pytest.mark.django_db


def _publication(users: dict[str, Any], tlp: str = TLP.AMBER) -> Publication:
    return records.publication_create(
        actor=users["focal_point"],
        title="Page sharing sample",
        owner_country=Country.objects.get(code="GD"),
        tlp=tlp,
    )


def _url(pub: Publication) -> str:
    return f"/sharing/records.publication/{pub.pk}/"


def _need(users: dict[str, Any]) -> Need:
    plan = planning.plan_create(
        actor=users["focal_point"],
        country=Country.objects.get(code="GD"),
        title="Grenada plan",
        cycle="2026-2028",
        tlp=TLP.AMBER,
        start=date(2026, 1, 1),
        end=date(2028, 12, 31),
    )
    return planning.need_create(
        actor=users["focal_point"],
        plan=plan,
        area="incident-response",
        title="A national CSIRT",
        shared_with=[Organisation.objects.get(slug="oas")],
    )


def test_page_shows_the_state_to_the_owner(users: dict[str, Any], clients: dict[str, Any]) -> None:
    pub = _publication(users)
    response = clients["focal_point"].get(_url(pub))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Save sharing" in body
    assert users["focal_point"].email in body  # always a reader
    for who in ("outsider", "donor", "coordinator", "public", "expert"):
        assert clients[who].get(_url(pub)).status_code == 404, who
    assert clients["anonymous"].get(_url(pub)).status_code == 302


def test_post_shares_with_a_country(users: dict[str, Any], clients: dict[str, Any]) -> None:
    pub = _publication(users)
    bb = Country.objects.get(code="BB")
    response = clients["focal_point"].post(
        _url(pub), {"tlp": TLP.AMBER, "countries": [bb.pk], "readers": "", "version": 1}
    )
    assert response.status_code == 302
    fresh = Publication.objects.get(pk=pub.pk)
    assert list(fresh.shared_with_countries.all()) == [bb]
    assert can(users["outsider"], fresh)


def test_post_refusals_show_the_form_and_change_nothing(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    pub = _publication(users, TLP.AMBER_STRICT)
    bb = Country.objects.get(code="BB")
    response = clients["focal_point"].post(
        _url(pub), {"tlp": TLP.AMBER_STRICT, "countries": [bb.pk], "version": 1}
    )
    assert response.status_code == 400
    assert "Only a TLP:AMBER record" in response.content.decode()
    response = clients["focal_point"].post(
        _url(pub), {"tlp": TLP.AMBER, "readers": "nobody@nowhere.example", "version": 1}
    )
    assert response.status_code == 400
    assert "nobody@nowhere.example" in response.content.decode()
    response = clients["focal_point"].post(_url(pub), {"tlp": TLP.RED, "version": 5})
    assert response.status_code == 400
    assert "changed by someone else" in response.content.decode()
    fresh = Publication.objects.get(pk=pub.pk)
    assert (fresh.tlp, fresh.version) == (TLP.AMBER_STRICT, 1)
    assert not fresh.shared_with_countries.exists()


def test_outsiders_cannot_post(users: dict[str, Any], clients: dict[str, Any]) -> None:
    pub = _publication(users)
    bb = Country.objects.get(code="BB")
    for who in ("outsider", "donor", "coordinator"):
        response = clients[who].post(
            _url(pub), {"tlp": TLP.CLEAR, "countries": [bb.pk], "version": 1}
        )
        assert response.status_code == 404, who
    assert Publication.objects.get(pk=pub.pk).tlp == TLP.AMBER


def test_button_shows_only_when_sharing_is_allowed(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    need = _need(users)
    page = f"/planning/needs/{need.pk}/"
    sharing = f"/sharing/planning.need/{need.pk}/"
    owner = clients["focal_point"].get(page)
    assert owner.status_code == 200
    assert sharing in owner.content.decode()
    reader = clients["donor"].get(page)  # the OAS reads it (shared) but does not own it
    assert reader.status_code == 200
    assert sharing not in reader.content.decode()
