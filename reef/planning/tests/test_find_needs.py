"""Needs findable by donors: filters by country (by name), area, funding status and
priority, on the page and in the API; and "my commitments" for an organisation's people."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.hub.tests.world import Grenada, area, grenada
from reef.planning import rollup
from reef.planning.models import Area, Commitment, Need
from reef.planning.tests.scale import make_region

pytestmark = pytest.mark.django_db

NEEDS = reverse("planning:need_list")
NEEDS_API = "/api/v1/planning/needs"
MINE = reverse("planning:my_commitments")
MINE_API = "/api/v1/planning/my-commitments"


# --- funding status, pure ---------------------------------------------------------------


def _rolled(covered: bool, cost: str | None, committed: str) -> rollup.NeedRollup:
    c = Decimal(committed)
    gap = None if cost is None else max(Decimal(0), Decimal(cost) - c)
    return rollup.NeedRollup("1", covered, None if cost is None else Decimal(cost), c, gap)


def test_funding_status_follows_coverage_and_gap() -> None:
    assert rollup.funding_status(_rolled(False, "100", "0")) == "unfunded"
    assert rollup.funding_status(_rolled(True, "100", "40")) == "partly"
    assert rollup.funding_status(_rolled(True, "100", "100")) == "fully"
    assert rollup.funding_status(_rolled(True, "100", "150")) == "fully"
    # In kind: covered without money; a need without a cost is never fully funded.
    assert rollup.funding_status(_rolled(True, "100", "0")) == "partly"
    assert rollup.funding_status(_rolled(True, None, "500")) == "partly"
    assert rollup.funding_status(_rolled(False, None, "0")) == "unfunded"


# --- a world: Grenada's need (an offer only), funded need, and one partly funded -----


class World:
    def __init__(self, gd: Grenada, partly: Need, other_area: Need, coe: Commitment) -> None:
        self.gd, self.partly, self.other_area, self.coe = gd, partly, other_area, coe


def _world(users: dict[str, Any], tlp: str = TLP.AMBER) -> World:
    gd = grenada(users, tlp=tlp)
    country = Country.objects.get(code="GD")
    own = {"tlp": tlp, "owner_country": country}
    partly = Need.objects.create(
        plan=gd.plan,
        country=country,
        area=area(),
        title="Grenada forensic lab",
        cost_amount=Decimal(80000),
        published_at=gd.need.published_at,
        **own,
    )
    coe = Commitment.objects.create(
        need=partly,
        organisation=Organisation.objects.get(slug="coe"),
        amount=Decimal(30000),
        status=Commitment.Status.IN_PROGRESS,
        offered_on=dt.date(2026, 1, 2),
        **own,
    )
    law, _ = Area.objects.get_or_create(
        taxonomy="ccscap", key="legal-environment", defaults={"name": "Law"}
    )
    other_area = Need.objects.create(
        plan=gd.plan, country=country, area=law, title="Grenada cybercrime bill", **own
    )
    # Priority: the unfunded need first, the funded second, the partly funded seventh.
    Need.objects.filter(pk=gd.need.pk).update(position=1)
    Need.objects.filter(pk=gd.funded.pk).update(position=2)
    Need.objects.filter(pk=partly.pk).update(position=7)
    return World(gd, partly, other_area, coe)


def _listed(client: Client, query: str = "") -> list[int]:
    response = client.get(f"{NEEDS}?{query}")
    assert response.status_code == 200
    return [n.pk for n in response.context["needs"]]


def _api(client: Client, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"{NEEDS_API}?{query}")
    assert response.status_code == 200, response.content
    result: list[dict[str, Any]] = response.json()
    return result


def test_country_is_chosen_by_name_among_countries_the_reader_may_see(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    _world(users)
    page = clients["focal_point"].get(NEEDS).content.decode()
    assert '<select name="country">' in page
    assert '<option value="GD">Grenada</option>' in page
    assert 'maxlength="2"' not in page
    # Grenada's needs are AMBER: others are not offered Grenada at all.
    for who in ("anonymous", "outsider", "donor"):
        assert '<option value="GD">' not in clients[who].get(NEEDS).content.decode(), who
    # In Spanish the name is the reader's.
    clients["focal_point"].cookies["django_language"] = "es"
    page = clients["focal_point"].get(NEEDS, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<option value="GD">Granada</option>' in page


def test_filters_on_the_page(users: dict[str, Any], clients: dict[str, Client]) -> None:
    w = _world(users)
    client = clients["focal_point"]
    gd = w.gd
    everything = {gd.need.pk, gd.funded.pk, w.partly.pk, w.other_area.pk}
    assert set(_listed(client)) == everything
    assert set(_listed(client, "country=GD")) == everything
    assert set(_listed(client, "country=gd")) == everything
    assert _listed(client, "country=BB") == []
    assert set(_listed(client, "funding=unfunded")) == {gd.need.pk, w.other_area.pk}
    assert _listed(client, "funding=partly") == [w.partly.pk]
    assert _listed(client, "funding=fully") == [gd.funded.pk]
    assert _listed(client, "area=legal-environment") == [w.other_area.pk]
    assert set(_listed(client, "priority=5")) == {gd.need.pk, gd.funded.pk}
    assert _listed(client, "priority=3&funding=unfunded&country=GD&area=incident-response") == [
        gd.need.pk
    ]
    page = client.get(f"{NEEDS}?funding=partly").content.decode()
    assert "Partly funded" in page and "50,000.00 USD to find" in page
    assert '<option value="partly" selected>' in page


def test_filters_in_the_api(users: dict[str, Any], clients: dict[str, Client]) -> None:
    w = _world(users)
    client = clients["focal_point"]
    rows = {r["id"]: r for r in _api(client)}
    assert rows[w.gd.need.pk]["funding"] == "unfunded"  # an offer alone does not count
    assert rows[w.gd.need.pk]["gap"] == "100000.00"
    assert rows[w.partly.pk]["funding"] == "partly"
    assert rows[w.partly.pk]["committed"] == "30000.00"
    assert rows[w.partly.pk]["gap"] == "50000.00"
    assert rows[w.gd.funded.pk]["funding"] == "fully"
    assert rows[w.other_area.pk]["gap"] is None  # no cost yet
    assert [r["id"] for r in _api(client, "funding=partly")] == [w.partly.pk]
    assert [r["id"] for r in _api(client, "funding=fully&country=gd")] == [w.gd.funded.pk]
    assert [r["id"] for r in _api(client, "area=legal-environment")] == [w.other_area.pk]
    assert {r["id"] for r in _api(client, "priority=2")} == {w.gd.need.pk, w.gd.funded.pk}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("country=XX", "country"),
        ("country=Grenada", "country"),
        ("area=nowhere", "area"),
        ("funding=half", "funding"),
        ("priority=0", "priority"),
        ("priority=-1", "priority"),
        ("priority=top", "priority"),
    ],
)
def test_bad_filters_are_named_and_filter_nothing(
    users: dict[str, Any], clients: dict[str, Client], query: str, field: str
) -> None:
    w = _world(users)
    client = clients["focal_point"]
    response = client.get(f"{NEEDS}?{query}")
    assert response.status_code == 200
    assert response.context["error"]
    assert 'class="errorlist" role="alert"' in response.content.decode()
    assert len(response.context["needs"]) == 4  # shown unfiltered
    api = client.get(f"{NEEDS_API}?{query}")
    assert api.status_code == 400
    assert api.json()["field"] == field
    assert Need.objects.filter(plan=w.gd.plan).count() == 4


@pytest.mark.parametrize("who", ["anonymous", "outsider", "donor"])
def test_readers_without_access_find_nothing_hidden(
    users: dict[str, Any], clients: dict[str, Client], who: str
) -> None:
    _world(users, tlp=TLP.AMBER)
    for query in ("", "funding=unfunded", "funding=partly", "funding=fully", "country=GD"):
        assert _listed(clients[who], query) == [], (who, query)
        assert _api(clients[who], query) == [], (who, query)


def test_funding_counts_only_commitments_the_reader_may_see(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    # GREEN needs the donor sees; an AMBER commitment it may not see does not fund them.
    w = _world(users, tlp=TLP.GREEN)
    Commitment.objects.filter(pk=w.coe.pk).update(tlp=TLP.AMBER)
    donor = clients["donor"]
    assert w.partly.pk in _listed(donor, "funding=unfunded")
    assert w.partly.pk in _listed(clients["focal_point"], "funding=partly")


# --- my commitments ---------------------------------------------------------------------


def test_my_commitments_lists_the_organisations_commitments_with_links(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    w = _world(users, tlp=TLP.GREEN)
    response = clients["donor"].get(MINE)
    assert response.status_code == 200
    listed = [c.pk for c in response.context["commitments"]]
    oas = set(Commitment.objects.filter(organisation__slug="oas").values_list("pk", flat=True))
    assert set(listed) == oas and w.coe.pk not in listed  # the CoE's is not the OAS's
    html = response.content.decode()
    assert reverse("planning:need_detail", args=[w.gd.need.pk]) in html
    assert reverse("planning:commitment_detail", args=[w.gd.offer.pk]) in html
    assert "Offered" in html and "Accepted by the state" in html
    api = clients["donor"].get(MINE_API).json()
    assert {c["id"] for c in api} == oas
    assert {c["status"] for c in api} == {"offered", "accepted"}


@pytest.mark.parametrize("who", ["outsider", "focal_point", "public"])
def test_my_commitments_of_someone_without_an_organisation(
    users: dict[str, Any], clients: dict[str, Client], who: str
) -> None:
    _world(users, tlp=TLP.GREEN)
    response = clients[who].get(MINE)
    assert response.status_code == 200
    assert list(response.context["commitments"]) == []
    assert "You belong to no organisation" in response.content.decode()
    assert clients[who].get(MINE_API).json() == []


def test_my_commitments_asks_a_visitor_to_sign_in(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(MINE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert clients["anonymous"].get(MINE_API).status_code == 401


def test_my_commitments_is_linked_for_people_of_an_organisation(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    _world(users, tlp=TLP.GREEN)
    home = clients["donor"].get("/").content.decode()
    assert f'href="{MINE}"' in home
    assert f'href="{NEEDS}?funding=unfunded"' in home
    assert f'href="{MINE}"' in clients["donor"].get(NEEDS).content.decode()
    for who in ("anonymous", "public", "focal_point"):
        assert f'href="{MINE}"' not in clients[who].get(NEEDS).content.decode(), who


# --- query counts ---------------------------------------------------------------------

#: Measured: session (read, and its save: 3), user, MFA (2), scope (memberships, grouping),
#: the country filter checked, countries with needs, the needs, their counting
#: commitments, areas. The API checks sign-in and MFA twice and has no countries or areas.
NEEDS_PAGE_QUERIES = 14
NEEDS_API_QUERIES = 14
#: Session (3), user, MFA (2 or 4 in the API), scope, the commitments with their need,
#: plan and country.
MINE_PAGE_QUERIES = 9
MINE_API_QUERIES = 11


@pytest.mark.parametrize("query", ["", "funding=partly", "funding=unfunded&country=GD"])
def test_need_list_queries_do_not_grow(
    users: dict[str, Any],
    clients: dict[str, Client],
    django_assert_max_num_queries: Any,
    query: str,
) -> None:
    client = clients["coordinator"]
    make_region(actions=10, needs_per_country=1, cycle="2080-2082")
    client.get(NEEDS)  # session and caches warmed
    with django_assert_max_num_queries(NEEDS_PAGE_QUERIES):
        assert client.get(f"{NEEDS}?{query}").status_code == 200
    make_region(actions=200, needs_per_country=10)
    with django_assert_max_num_queries(NEEDS_PAGE_QUERIES):
        big = client.get(f"{NEEDS}?{query}")
    assert big.status_code == 200 and big.context["needs"]
    with django_assert_max_num_queries(NEEDS_API_QUERIES):
        assert client.get(f"{NEEDS_API}?{query}").status_code == 200


def test_my_commitments_queries_do_not_grow(
    users: dict[str, Any], clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    client = clients["donor"]
    make_region(actions=10, needs_per_country=1, cycle="2080-2082", tlp=TLP.GREEN)
    client.get(MINE)
    with django_assert_max_num_queries(MINE_PAGE_QUERIES):
        assert client.get(MINE).status_code == 200
    make_region(actions=200, needs_per_country=10, tlp=TLP.GREEN)
    with django_assert_max_num_queries(MINE_PAGE_QUERIES):
        big = client.get(MINE)
    assert big.status_code == 200 and len(big.context["commitments"]) > 10
    with django_assert_max_num_queries(MINE_API_QUERIES):
        assert client.get(MINE_API).status_code == 200
