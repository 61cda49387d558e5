from __future__ import annotations

from typing import Any

import pytest

from reef.core.tlp import TLP
from reef.directory.models import Country, Person


@pytest.mark.django_db
def test_country_page_shows_only_visible_people(clients: dict[str, Any]) -> None:
    gd = Country.objects.get(code="GD")
    Person.objects.create(name="Strict contact", country=gd, owner_country=gd, tlp=TLP.AMBER_STRICT)
    assert b"Strict contact" in clients["focal_point"].get("/directory/countries/GD/").content
    for who in ("anonymous", "public", "outsider", "coordinator", "donor"):
        page = clients[who].get("/directory/countries/GD/")
        assert page.status_code == 200
        assert b"Strict contact" not in page.content, who


@pytest.mark.django_db
def test_unknown_country_is_404(clients: dict[str, Any]) -> None:
    assert clients["anonymous"].get("/directory/countries/ZZ/").status_code == 404


@pytest.mark.django_db
def test_organisation_filter_returns_a_partial_for_htmx(clients: dict[str, Any]) -> None:
    response = clients["anonymous"].get(
        "/directory/organisations/?kind=donor", HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "World Bank" in body and "INTERPOL" not in body


@pytest.mark.django_db
def test_organisation_list_query_count(
    clients: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(12):
        clients["focal_point"].get("/directory/organisations/")
