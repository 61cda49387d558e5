"""Query-count pins: the regional pages answer in a fixed number of queries at scale
(20 countries, 2,000 actions). Timed at this size by bench/planning_pages_bench.py."""

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


#: Measured: session, user, scope, regions (plans, members), actions, commitments, links.
TWINNING_PAGE_QUERIES = 15


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
