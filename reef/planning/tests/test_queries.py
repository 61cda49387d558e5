"""Query-count pins: the regional pages answer in a fixed number of queries at scale (20
countries, 2,000 actions). Timed at this size by bench/planning_pages_bench.py."""

from __future__ import annotations

from typing import Any

import pytest

from reef.planning.tests.scale import make_region

pytestmark = pytest.mark.django_db

#: Measured: the regional page takes 22 queries (session, user, scope, the plan and its
#: audited read, grouping, national plans, needs, commitments, areas, actions, events),
#: the API 24, the themes page 14, whether 10 or 2,000 actions.
REGIONAL_PAGE_QUERIES = 22
REGIONAL_API_QUERIES = 24
THEMES_PAGE_QUERIES = 14


def test_regional_page_queries_do_not_grow(
    clients: dict[str, Any], django_assert_max_num_queries: Any
):
    small = make_region(actions=10, needs_per_country=1, cycle="2080-2082")
    client = clients["coordinator"]
    with django_assert_max_num_queries(REGIONAL_PAGE_QUERIES):
        assert client.get(f"/planning/regional/{small.pk}/").status_code == 200
    big = make_region(actions=2000, needs_per_country=20)
    with django_assert_max_num_queries(REGIONAL_PAGE_QUERIES):
        response = client.get(f"/planning/regional/{big.pk}/")
    assert response.status_code == 200
    assert response.context["view"].actions_total >= 2000
    assert len(response.context["view"].by_country) == 20
    with django_assert_max_num_queries(REGIONAL_API_QUERIES):
        assert client.get(f"/api/v1/planning/regional/{big.pk}").status_code == 200
    with django_assert_max_num_queries(THEMES_PAGE_QUERIES):
        assert client.get("/planning/themes/").status_code == 200


#: Measured: session, user, scope, regions (plans, members), actions, commitments, links,
#: and what the detector reads (its answer is cached on it: 11 when it is).
TWINNING_PAGE_QUERIES = 16


def test_twinning_page_queries_do_not_grow(
    clients: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = clients["coordinator"]
    make_region(actions=10, needs_per_country=1, cycle="2080-2082")
    with django_assert_max_num_queries(TWINNING_PAGE_QUERIES):
        small = client.get("/planning/twinning/")
    assert small.status_code == 200
    make_region(actions=2000, needs_per_country=20)
    with django_assert_max_num_queries(TWINNING_PAGE_QUERIES):
        big = client.get("/planning/twinning/")
    assert big.status_code == 200
    opportunities = big.context["opportunities"]
    assert opportunities
    # What the page shows of each pair comes from the loaded columns.
    first = opportunities[0]
    assert first.a.organisation and first.a.area_key and first.a.need_title
    assert first.a.start is not None and first.b.end is not None


#: The planning pages a home links to, measured with the two-country region of
#: reef.core.tests.scale (equal with five). REEF_SHOW_COUNTS=1 lists them.
HOME_LINKED_PINNED = {
    "index focal point": 9,
    "index donor": 9,
    "needs donor": 12,
    "unfunded needs donor": 12,
    "need donor": 13,
    "commitment donor": 10,
    "commitment focal point": 11,
    "my commitments donor": 9,
}


def test_home_linked_planning_pages_do_not_grow(
    clients: dict[str, Any], users: dict[str, Any]
) -> None:
    from reef.core.tests.scale import assert_counts_stable, grow_region, split_countries
    from reef.planning.models import Commitment, Need

    first, more = split_countries()
    grow_region(first, size=1, tag="a")
    donor = users["donor"]
    need = Need.objects.for_user(donor).filter(country__code="GD").order_by("pk").first()
    commitment = (
        Commitment.objects.for_user(donor).filter(need__country__code="GD").order_by("pk").first()
    )
    assert need is not None and commitment is not None
    pages = {
        "index focal point": (clients["focal_point"], "/planning/"),
        "index donor": (clients["donor"], "/planning/"),
        "needs donor": (clients["donor"], "/planning/needs/"),
        "unfunded needs donor": (clients["donor"], "/planning/needs/?funding=unfunded"),
        "need donor": (clients["donor"], f"/planning/needs/{need.pk}/"),
        "commitment donor": (clients["donor"], f"/planning/commitments/{commitment.pk}/"),
        "commitment focal point": (
            clients["focal_point"],
            f"/planning/commitments/{commitment.pk}/",
        ),
        "my commitments donor": (clients["donor"], "/planning/my-commitments/"),
    }
    assert_counts_stable(pages, lambda: grow_region(more, size=3, tag="b"), HOME_LINKED_PINNED)
