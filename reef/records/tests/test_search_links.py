"""Every search result is a link to the record's own page, in the pages and in the API,
and the header of every page has a search box that leads to the search page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from reef.assessments.tests.helpers import example_framework
from reef.core.tlp import TLP
from reef.experts.tests.helpers import expert
from reef.hub.tests.world import grenada
from reef.planning.models import Plan
from reef.records import search

# Kinds the Grenada world gives a "grenada" hit for (organisations have their own test).
KINDS = {"need", "plan", "assessment", "consultation", "expert", "event", "publication"}


@pytest.fixture
def world_found(users: dict[str, Any]) -> None:
    grenada(users)
    Plan.objects.create(
        kind=Plan.Kind.REGIONAL, title="Grenada regional support", cycle="2026", tlp=TLP.CLEAR
    )
    expert("Grenada Reviewer", country="GD", bio="Grenada incident handling", public=True)


@pytest.mark.django_db
def test_header_search_box_goes_to_the_search_page(clients: dict[str, Client]) -> None:
    for who in ("anonymous", "outsider", "focal_point"):
        page = clients[who].get(reverse("directory:country_list")).content.decode()
        assert f'action="{reverse("records:search")}" role="search"' in page, who
        assert 'id="site-search-q" type="search" name="q"' in page, who
        assert clients[who].get(reverse("records:search"), {"q": "grenada"}).status_code == 200


@pytest.mark.django_db
def test_every_kind_of_result_links_to_a_page_the_reader_may_open(
    users: dict[str, Any], clients: dict[str, Client], world_found: None
) -> None:
    hits = search.search(users["focal_point"], "grenada", limit=200).hits
    assert {h.kind for h in hits} >= KINDS
    for hit in hits:
        assert hit.url, hit
        assert clients["focal_point"].get(hit.url).status_code == 200, hit
    regional = next(h for h in hits if h.title == "Grenada regional support")
    assert regional.url == reverse("planning:regional", kwargs={"pk": regional.obj.pk})


@pytest.mark.django_db
def test_frameworks_link_to_their_version(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    framework = example_framework("staged")
    hits = search.search(users["focal_point"], framework.name, kinds={"framework"}).hits
    assert hits and hits[0].url == reverse(
        "frameworks:framework_detail", kwargs={"slug": framework.slug, "version": framework.release}
    )
    assert clients["focal_point"].get(hits[0].url).status_code == 200


@pytest.mark.django_db
def test_result_links_on_the_page_and_in_the_api(
    users: dict[str, Any], clients: dict[str, Client], world_found: None
) -> None:
    expected = {h.url for h in search.search(users["focal_point"], "grenada").hits}
    page = clients["focal_point"].get(reverse("records:search"), {"q": "grenada"}).content.decode()
    for url in expected:
        assert f'<a href="{url}">' in page
    api = clients["focal_point"].get("/api/v1/records/search", {"q": "grenada"}).json()
    assert api["hits"] and all(hit["url"] for hit in api["hits"])
    assert {hit["url"] for hit in api["hits"]} == expected


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_hidden_records_give_no_result_and_their_links_stay_closed(
    users: dict[str, Any], clients: dict[str, Client], world_found: None, who: str
) -> None:
    reader = users.get(who)
    seen = {h.kind for h in search.search(reader, "grenada").hits}
    assert not seen & {"need", "assessment", "consultation", "event", "publication"}
    # What they may see (the public regional plan and expert) still links to an open page.
    for hit in search.search(reader, "grenada").hits:
        assert clients[who].get(hit.url).status_code == 200, hit
    amber = search.search(users["focal_point"], "grenada", kinds={"need", "assessment"}).hits
    for hit in amber:
        assert clients[who].get(hit.url).status_code in (302, 404), hit
    api = clients[who].get("/api/v1/records/search", {"q": "grenada"}).json()
    assert {h["url"] for h in api["hits"]} <= {
        h.url for h in search.search(reader, "grenada", limit=200).hits
    }
