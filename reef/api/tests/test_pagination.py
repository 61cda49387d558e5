"""Every list route of the API is paginated (reef/api/pagination.py) and stays a JSON array.

`limit` (1 to 500, default 100) and `offset` choose the page; the body is the page; the
total the caller may see is in `X-Total-Count` and the neighbouring pages in a `Link`
header. The list routes are found in the OpenAPI schema (every GET answering an array), so
a new list route without pagination fails `test_every_list_route_is_paginated`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reef.accounts.models import ApiToken
from reef.accounts.services import api_token_create
from reef.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, PageQuery, stable
from reef.core.tests.routes import EVERYONE
from reef.core.tests.test_reads_never_write import api_url_for, writes_of
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation, OrganisationKind
from reef.hub.tests.world import area, grenada
from reef.planning.models import Commitment, Need

pytestmark = pytest.mark.django_db


def _schema() -> dict[str, Any]:
    from reef.api.api import api

    schema: dict[str, Any] = api.get_openapi_schema(path_prefix="")
    return schema


def _answers_an_array(operation: dict[str, Any]) -> bool:
    ok = operation["responses"].get(200) or operation["responses"].get("200") or {}
    schema = ok.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("type") == "array")


SCHEMA = _schema()
LIST_ROUTES = sorted(
    path
    for path, operations in SCHEMA["paths"].items()
    if "get" in operations and _answers_an_array(operations["get"])
)


def _total(response: Any) -> int:
    assert response.status_code == 200, response.content
    return int(response["X-Total-Count"])


def _with(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


# --- every list route ---------------------------------------------------------------------


def test_the_list_routes_are_found() -> None:
    """The discovery finds the known list routes (an empty parametrisation tests nothing),
    and the POST routes answering lists are not pages."""
    expected = {
        "/assessments",
        "/assessments/{assessment_id}/ratings",
        "/assessments/{assessment_id}/decisions",
        "/consultations",
        "/consultations/{pk}/statements",
        "/consultations/{pk}/sections/{number}/amendments",
        "/consultations/{pk}/delphi/{number}/items",
        "/countries",
        "/organisations",
        "/experts/profiles",
        "/experts/missions",
        "/experts/rounds",
        "/experts/notifications",
        "/frameworks",
        "/planning/plans",
        "/planning/plans/{pk}/risks",
        "/planning/needs",
        "/planning/commitments",
        "/planning/my-commitments",
        "/planning/twinning",
        "/records/events",
        "/records/publications",
        "/records/briefings",
        "/tokens",
        "/people/places",
    }
    assert expected <= set(LIST_ROUTES)
    for path in (
        "/planning/plans/{pk}/priorities/score",
        "/experts/assignments/{pk}/decline",
    ):
        names = {p["name"] for p in SCHEMA["paths"][path]["post"].get("parameters", [])}
        assert not names & {"limit", "offset"}, path


@pytest.mark.parametrize("path", LIST_ROUTES)
def test_every_list_route_is_paginated(
    path: str, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    operation = SCHEMA["paths"][path]["get"]
    query = {p["name"]: p["schema"] for p in operation.get("parameters", []) if p["in"] == "query"}
    assert query.get("limit", {}).get("minimum") == 1, f"{path}: no limit parameter"
    assert query["limit"]["maximum"] == MAX_LIMIT
    assert query["limit"]["default"] == DEFAULT_LIMIT
    assert query.get("offset", {}).get("minimum") == 0, f"{path}: no offset parameter"
    headers = (operation["responses"].get(200) or operation["responses"]["200"])["headers"]
    assert {"X-Total-Count", "Link"} <= set(headers), f"{path}: page headers not documented"

    url = "/api/v1" + api_url_for(path, users)
    grenada(users)  # Grenada's TLP:AMBER records: some callers see them, others not
    served = []
    for who in EVERYONE:
        client = clients[who]
        everything = client.get(_with(url, f"limit={MAX_LIMIT}"))
        if everything.status_code != 200:
            continue
        served.append(who)
        rows = everything.json()
        assert isinstance(rows, list)
        total = _total(everything)
        # The total is what this caller may see: the rows they get, never more.
        assert len(rows) == min(total, MAX_LIMIT), (who, total, len(rows))
        first = client.get(_with(url, "limit=1"))
        assert _total(first) == total
        assert first.json() == rows[:1], who
        assert ('rel="next"' in first.get("Link", "")) == (total > 1), who
        assert 'rel="prev"' not in first.get("Link", "")
        second = client.get(_with(url, "limit=1&offset=1"))
        assert second.json() == rows[1:2], who
        assert 'rel="prev"' in second["Link"]
        for bad in ("limit=0", f"limit={MAX_LIMIT + 1}", "offset=-1", "limit=x"):
            refused = client.get(_with(url, bad))
            assert refused.status_code == 422, (who, bad, refused.status_code)
            assert "X-Total-Count" not in refused
    assert served, f"GET {path}: nobody could read it"


# --- the contract, on representative routes -------------------------------------------------


def _grenada_organisations(n: int) -> list[Organisation]:
    gd = Country.objects.get(code="GD")
    return [
        Organisation.objects.create(
            slug=f"gd-page-{i:02}",
            name=f"Grenada page {i:02}",
            kind=OrganisationKind.GOVERNMENT,
            country=gd,
            owner_country=gd,
            tlp=TLP.AMBER,
        )
        for i in range(n)
    ]


def test_default_page_and_total_per_reader(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    """The total counts only what the caller may see: Grenada's AMBER organisations count
    for Grenada's focal point, never for Barbados' or for an anonymous caller."""
    hidden = {o.slug for o in _grenada_organisations(5)}
    totals = {}
    for who in ("anonymous", "focal_point", "outsider"):
        response = clients[who].get("/api/v1/organisations")
        rows = response.json()
        visible = Organisation.objects.for_user(users.get(who)).count()
        totals[who] = _total(response)
        assert totals[who] == visible == len(rows) < DEFAULT_LIMIT
        assert "Link" not in response  # a single page
        shown = {r["slug"] for r in rows} & hidden
        assert shown == (hidden if who == "focal_point" else set()), who
    assert totals["focal_point"] == totals["outsider"] + 5 == totals["anonymous"] + 5
    # Slicing the hidden rows away: the outsider's pages never reach them either.
    pages = clients["outsider"].get(f"/api/v1/organisations?offset={totals['outsider'] - 2}")
    assert _total(pages) == totals["outsider"]
    assert not {r["slug"] for r in pages.json()} & hidden


def test_limit_and_offset_slice_without_overlap_or_gap(clients: dict[str, Client]) -> None:
    _grenada_organisations(7)
    client = clients["focal_point"]
    everything = client.get(f"/api/v1/organisations?limit={MAX_LIMIT}").json()
    total = len(everything)
    assert total > 10
    walked: list[str] = []
    offset = 0
    while offset < total:
        page = client.get(f"/api/v1/organisations?limit=4&offset={offset}")
        assert _total(page) == total
        assert len(page.json()) == min(4, total - offset)
        walked += [r["slug"] for r in page.json()]
        offset += 4
    assert walked == [r["slug"] for r in everything]


def test_link_names_next_and_prev_keeping_the_other_parameters(
    clients: dict[str, Client],
) -> None:
    client = clients["anonymous"]
    total = _total(client.get("/api/v1/countries?region_only=false"))
    assert total > 20
    first = client.get("/api/v1/countries?region_only=false&limit=5")
    assert first["Link"] == '</api/v1/countries?region_only=false&limit=5&offset=5>; rel="next"'
    middle = client.get("/api/v1/countries?region_only=false&limit=5&offset=7")
    assert middle["Link"] == (
        '</api/v1/countries?region_only=false&limit=5&offset=12>; rel="next", '
        '</api/v1/countries?region_only=false&limit=5&offset=2>; rel="prev"'
    )
    near = client.get("/api/v1/countries?limit=5&offset=3&region_only=false")
    back = '</api/v1/countries?limit=5&offset=0&region_only=false>; rel="prev"'
    assert near["Link"].endswith(back)  # the parameters stay in the caller's order
    last = client.get(f"/api/v1/countries?region_only=false&limit=5&offset={total - 2}")
    assert last.json() and 'rel="next"' not in last["Link"]
    # Past the end: an empty page, the true total, and the way back to the last page.
    past = client.get(f"/api/v1/countries?region_only=false&limit=5&offset={total + 40}")
    assert past.json() == [] and _total(past) == total
    assert past["Link"] == (
        f'</api/v1/countries?region_only=false&limit=5&offset={total - 5}>; rel="prev"'
    )


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        f"limit={MAX_LIMIT + 1}",
        "limit=-3",
        "limit=1.5",
        "limit=ten",
        "offset=-1",
        f"offset={MAX_OFFSET + 1}",
        "offset=1e3",
        "offset=100000000000000000000000",
    ],
)
def test_out_of_range_is_refused_with_the_usual_error_and_writes_nothing(
    clients: dict[str, Client], query: str
) -> None:
    for url in ("/api/v1/organisations", "/api/v1/tokens", "/api/v1/planning/needs?country=GD"):
        with CaptureQueriesContext(connection) as queries:
            response = clients["focal_point"].get(_with(url, query))
        assert response.status_code == 422, (url, query)
        body = response.json()
        assert body["detail"] == "The request does not match the schema."
        assert body["errors"][0]["loc"][-1] == query.split("=")[0]
        assert "X-Total-Count" not in response and "Link" not in response
        assert [w for w in writes_of(queries.captured_queries) if w[1] != "django_session"] == []


def test_the_bounds_themselves_are_accepted(clients: dict[str, Client]) -> None:
    client = clients["anonymous"]
    assert len(client.get("/api/v1/countries?limit=1").json()) == 1
    assert client.get(f"/api/v1/countries?limit={MAX_LIMIT}").status_code == 200
    far = client.get(f"/api/v1/countries?offset={MAX_OFFSET}")
    assert far.status_code == 200 and far.json() == []


def test_tokens_count_only_ones_own(users: dict[str, Any], clients: dict[str, Client]) -> None:
    for i in range(3):
        api_token_create(user=users["donor"], name=f"donor {i}")
    api_token_create(user=users["focal_point"], name="focal")
    assert clients["anonymous"].get("/api/v1/tokens?limit=1").status_code == 401
    donor = clients["donor"].get("/api/v1/tokens?limit=2")
    assert _total(donor) == ApiToken.objects.filter(user=users["donor"]).count() == 3
    assert [t["name"] for t in donor.json()] == ["donor 2", "donor 1"]  # newest first
    assert donor["Link"] == '</api/v1/tokens?limit=2&offset=2>; rel="next"'
    rest = clients["donor"].get("/api/v1/tokens?limit=2&offset=2")
    assert [t["name"] for t in rest.json()] == ["donor 0"]
    assert _total(clients["focal_point"].get("/api/v1/tokens")) == 1


def _fully_funded_needs(users: dict[str, Any], n: int) -> list[Need]:
    """Grenada (TLP:AMBER) needs each covered by an accepted OAS commitment."""
    world = grenada(users)
    gd = Country.objects.get(code="GD")
    oas = Organisation.objects.get(slug="oas")
    needs = [world.funded]
    for i in range(n - 1):
        need = Need.objects.create(
            plan=world.plan,
            country=gd,
            area=area(),
            title=f"Funded {i}",
            cost_amount=Decimal(1000),
            published_at=world.need.published_at,
            tlp=TLP.AMBER,
            owner_country=gd,
        )
        Commitment.objects.create(
            need=need,
            organisation=oas,
            amount=Decimal(1000),
            status=Commitment.Status.ACCEPTED,
            offered_on=dt.date(2026, 1, 5),
            accepted_on=dt.date(2026, 1, 9),
            tlp=TLP.AMBER,
            owner_country=gd,
        )
        needs.append(need)
    return needs


def test_a_list_built_in_python_is_paginated_too(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    """Fully funded is decided after converting money, on a Python list: the same page,
    total and links as a queryset, the filter kept in the links."""
    funded = _fully_funded_needs(users, 4)
    url = "/api/v1/planning/needs?funding=fully"
    everything = clients["focal_point"].get(url).json()
    assert {r["id"] for r in everything} == {n.pk for n in funded}
    assert {r["funding"] for r in everything} == {"fully"}
    page = clients["focal_point"].get(f"{url}&limit=2&offset=1")
    assert _total(page) == 4
    assert page.json() == everything[1:3]
    assert page["Link"] == (
        '</api/v1/planning/needs?funding=fully&limit=2&offset=3>; rel="next", '
        '</api/v1/planning/needs?funding=fully&limit=2&offset=0>; rel="prev"'
    )
    for who in ("anonymous", "outsider", "donor"):
        hidden = clients[who].get(f"{url}&limit=1")
        assert _total(hidden) == 0 and hidden.json() == [], who
    # The database's filter (a queryset): funding attached to the page's rows only.
    mixed = clients["focal_point"].get("/api/v1/planning/needs?country=GD&limit=2&offset=1")
    assert _total(mixed) == Need.objects.for_user(users["focal_point"]).count() == 5
    assert all("funding" in r for r in mixed.json()) and len(mixed.json()) == 2


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url",
    ["/api/v1/organisations", "/api/v1/planning/needs", "/api/v1/planning/commitments"],
)
def test_queries_do_not_grow_with_the_page(
    users: dict[str, Any], clients: dict[str, Client], url: str
) -> None:
    _grenada_organisations(12)
    _fully_funded_needs(users, 12)
    client = clients["focal_point"]
    _queries(client, url)  # warm the caller's scope
    # Both pages full and not the last: both count; the page size changes nothing else.
    assert _queries(client, f"{url}?limit=2") == _queries(client, f"{url}?limit=9")


def test_a_short_page_is_its_own_total(clients: dict[str, Client]) -> None:
    """The first page shorter than `limit` tells the total: no COUNT query for it."""
    client = clients["anonymous"]
    short = _queries(client, "/api/v1/organisations")
    full = _queries(client, "/api/v1/organisations?limit=2")
    assert full == short + 1


def test_pages_follow_a_stable_order() -> None:
    """Ties in the route's order are broken by primary key, so pages never overlap."""
    gd = Country.objects.get(code="GD")
    for i in range(4):
        Organisation.objects.create(
            slug=f"same-{i}", name="Same name", kind=OrganisationKind.GOVERNMENT, country=gd
        )
    ordered = stable(Organisation.objects.filter(name="Same name"))
    assert ordered.query.order_by == ("name", "pk")
    assert list(ordered.values_list("slug", flat=True)) == [f"same-{i}" for i in range(4)]
    # An order already ending on the key is kept as it is.
    assert stable(Organisation.objects.order_by("-pk")).query.order_by == ("-pk",)
    assert stable(Commitment.objects.all()).query.order_by == ()


def test_page_query_defaults() -> None:
    page = PageQuery.model_validate({})
    assert (page.limit, page.offset) == (DEFAULT_LIMIT, 0) == (100, 0)
    assert MAX_LIMIT == 500


# --- the envelopes kept as they were ---------------------------------------------------------


def test_paginated_envelopes_refuse_a_huge_offset(clients: dict[str, Client]) -> None:
    """Notifications and people keep their envelopes; an offset past the shared bound is a
    422 there too (a huge one reached the database and failed with a 500)."""
    huge = "100000000000000000000000"
    for url in ("/api/v1/notifications", "/api/v1/people/users"):
        client = clients["admin"]
        assert client.get(f"{url}?offset={huge}").status_code == 422, url
        assert client.get(f"{url}?offset={MAX_OFFSET + 1}").status_code == 422, url
        assert client.get(f"{url}?offset={MAX_OFFSET}").status_code == 200, url
    inbox = clients["focal_point"].get("/api/v1/notifications").json()
    assert set(inbox) == {"count", "unread", "offset", "limit", "next_offset", "items"}
    assert inbox["limit"] == 25
    assert clients["focal_point"].get("/api/v1/notifications?limit=101").status_code == 422


def test_the_api_description_tells_of_pages() -> None:
    description = SCHEMA["info"]["description"]
    assert "`limit`" in description and "X-Total-Count" in description
