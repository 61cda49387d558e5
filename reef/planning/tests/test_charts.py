"""Pictures of funding (plan page) and of overlapping efforts (twinning page): drawn with
dot coordinates in every language, at their own size, and only from what the reader may see."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from reef.core.rules import DEMO
from reef.directory.models import Organisation
from reef.planning import charts, services
from reef.planning.models import Need, Plan
from reef.planning.tests.test_svg_locale import NUMBER_ATTRS, _assert_dots, _page, _svgs

pytestmark = pytest.mark.django_db


def _figure(html: str, css_class: str) -> list[str]:
    return re.findall(rf'<figure class="{css_class}">(.*?)</figure>', html, re.S)


def _own_size(svg: str) -> None:
    size = re.search(r'viewBox="0 0 (\d+) (\d+)" width="(\d+)" height="(\d+)"', svg)
    assert size, svg[:200]
    assert size.group(1) == size.group(3) and size.group(2) == size.group(4)


@pytest.fixture
def funded(users: dict[str, Any], green_need: Need, amber_need: Need, oas: Organisation) -> Plan:
    fp = users["focal_point"]
    c1 = services.commitment_offer(
        actor=users["donor"], need=green_need, organisation=oas, amount="100000.5"
    )
    services.commitment_transition(actor=fp, commitment=c1, to="accepted")
    coe = Organisation.objects.get(slug="coe")
    c2 = services.commitment_offer(
        actor=DEMO, need=amber_need, organisation=coe, amount="60000", currency="EUR"
    )
    services.commitment_transition(actor=fp, commitment=c2, to="accepted")
    plan: Plan = green_need.plan
    return plan


@pytest.mark.parametrize("language", ["en", "es"])
def test_plan_page_draws_funding_by_need_and_by_donor(
    clients: dict[str, Client], funded: Plan, green_need: Need, amber_need: Need, language: str
) -> None:
    html = _page(clients["focal_point"], f"/planning/plans/{funded.pk}/", language)
    figures = _figure(html, "funding-chart")
    assert len(figures) == 2
    by_need, by_donor = (_svgs(f)[0] for f in figures)
    for svg in (by_need, by_donor):
        assert _assert_dots(svg) > 8
        _own_size(svg)
        assert 'role="img"' in svg and "<title" in svg
    # The most costly first: 250,000 USD, then 270,000 XCD (about 100,000 USD).
    assert by_need.index(green_need.title[:20]) < by_need.index(amber_need.title[:20])
    assert "Organization of American States" in by_donor or "OAS" in by_donor
    # Money in the tooltips and tables keeps the reader's format; coordinates do not.
    money = "100\xa0000,50" if language == "es" else "100,000.50"
    assert money in by_need and money in html.split(figures[0])[1]
    assert "<caption>" in html


def test_charts_draw_the_same_in_english_and_spanish(
    clients: dict[str, Client], funded: Plan
) -> None:
    url = f"/planning/plans/{funded.pk}/"
    english = _svgs(_page(clients["focal_point"], url, "en"))
    spanish = _svgs(_page(clients["focal_point"], url, "es"))
    assert [NUMBER_ATTRS.findall(s) for s in english] == [NUMBER_ATTRS.findall(s) for s in spanish]


def test_charts_show_only_what_the_reader_may_see(
    clients: dict[str, Client], funded: Plan, green_need: Need, amber_need: Need
) -> None:
    response = clients["outsider"].get(f"/planning/plans/{funded.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    figures = _figure(html, "funding-chart")
    assert len(figures) == 2
    assert green_need.title[:20] in figures[0]
    assert amber_need.title[:20] not in html
    assert [r.title for r in response.context["by_need_chart"].rows] == [green_need.title]
    # The CoE money went to the hidden need: not a donor this reader sees.
    donors = [r.title for r in response.context["by_donor_chart"].rows]
    assert donors == [str(Organisation.objects.get(slug="oas"))]
    # The focal point sees both.
    both = clients["focal_point"].get(f"/planning/plans/{funded.pk}/").context
    assert len(both["by_need_chart"].rows) == 2 and len(both["by_donor_chart"].rows) == 2


def test_plan_page_without_money_says_so(clients: dict[str, Client], gd_plan: Plan) -> None:
    html = _page(clients["focal_point"], f"/planning/plans/{gd_plan.pk}/", "en")
    assert 'class="funding-chart"' not in html
    assert "No need that you may see has a cost or committed money yet." in html
    assert "No commitments that you may see yet." in html


def _need(i: int, cost: str | None) -> SimpleNamespace:
    return SimpleNamespace(
        pk=i,
        title=f"Need {i:02d} " + "x" * 60,
        cost_amount=cost and Decimal(cost),
        cost_currency="USD",
    )


def test_funding_by_need_keeps_the_top_fifteen_and_sums_the_rest() -> None:
    from reef.planning.reference import rate_table

    needs = [_need(i, str(1000 * (i + 1))) for i in range(18)] + [_need(99, None)]
    commitments = [
        SimpleNamespace(need_id=0, status="delivered", amount=Decimal(500), currency="USD"),
        SimpleNamespace(need_id=0, status="offered", amount=Decimal(900), currency="USD"),
    ]
    chart = charts.funding_by_need(rate_table("USD", None), needs, commitments)
    assert len(chart.rows) == 16
    assert chart.rows[0].title.startswith("Need 17") and chart.rows[0].total_w == "560.0"
    rest = chart.rows[-1]
    assert rest.rest and rest.label == "3 other needs"
    assert rest.total == Decimal(1000 + 2000 + 3000)  # needs 0-2; need 99 has no money
    assert rest.committed == rest.delivered == Decimal(500)  # offered money does not count
    assert len(chart.rows[0].label) <= 36
    assert chart.height == 34 + 16 * 26 + 6


# --- twinning timeline ---------------------------------------------------------------


@pytest.fixture
def two(users: dict[str, Any], green_need: Need, oas: Organisation) -> tuple[Any, Any]:
    fp = users["focal_point"]
    a = services.action_create(
        actor=fp,
        need=green_need,
        title="Incident handling training for the national CSIRT",
        lead_organisation=oas,
        start=date(2026, 3, 1),
        end=date(2026, 9, 30),
    )
    b = services.action_create(
        actor=fp,
        need=green_need,
        title="CSIRT incident handling training and exercises",
        lead_organisation=Organisation.objects.get(slug="coe"),
        start=date(2026, 6, 1),
        end=date(2026, 12, 31),
    )
    return a, b


@pytest.mark.parametrize("language", ["en", "es"])
def test_twinning_page_draws_the_overlap(
    clients: dict[str, Client], two: tuple[Any, Any], language: str
) -> None:
    html = _page(clients["focal_point"], "/planning/twinning/", language)
    figures = _figure(html, "effort-timeline")
    assert len(figures) == 1
    svg = _svgs(figures[0])[0]
    assert _assert_dots(svg) > 10
    _own_size(svg)
    bars = re.findall(
        r'<rect class="bar kind-action" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg
    )
    assert len(bars) == 2
    (xa, wa), (xb, wb) = ((float(x), float(w)) for x, w in bars)
    assert xa < xb < xa + wa < xb + wb  # March-September and June-December overlap
    assert ">2026<" in svg and ">06<" in svg  # year and month ticks
    assert two[0].title in html.split(figures[0])[1]  # the table under the chart


def test_twinning_timeline_hidden_and_empty(
    clients: dict[str, Client], two: tuple[Any, Any]
) -> None:
    for who in ("anonymous", "public"):
        html = clients[who].get("/planning/twinning/").content.decode()
        assert 'class="effort-timeline"' not in html
        assert two[0].title not in html
        assert "No overlapping efforts to draw." in html


def test_effort_timeline_lists_undated_efforts_apart() -> None:
    dated = SimpleNamespace(
        title="Dated",
        organisation="OAS",
        kind="commitment",
        start=date(2026, 1, 15),
        end=date(2026, 2, 10),
    )
    undated = SimpleNamespace(
        title="Undated", organisation="CoE", kind="commitment", start=None, end=None
    )
    chart = charts.effort_timeline([dated, undated])
    assert [r["effort"] for r in chart.rows] == [dated]
    assert chart.undated == [undated]
    assert chart.years == [{"x": "300.0", "label": "2026"}]
    assert [m["label"] for m in chart.months] == ["01", "02"]
    assert charts.effort_timeline([]).rows == []


def test_plan_page_queries_do_not_grow_with_the_charts(
    users: dict[str, Any], clients: dict[str, Client], funded: Plan
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/planning/plans/{funded.pk}/"
    client = clients["focal_point"]
    client.get(url)  # warm the session and caches alike for both counts
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    fp = users["focal_point"]
    orgs = list(Organisation.objects.order_by("pk")[:6])
    for i in range(12):
        need = services.need_create(
            actor=fp,
            plan=funded,
            area="incident-response",
            title=f"Need {i}",
            cost_amount=str(1000 * (i + 1)),
            cost_currency="USD",
            impact=3,
            urgency=3,
            feasibility=3,
            cost_rating=3,
        )
        c = services.commitment_offer(
            actor=DEMO, need=need, organisation=orgs[i % len(orgs)], amount="500"
        )
        services.commitment_transition(actor=fp, commitment=c, to="accepted")
    with CaptureQueriesContext(connection) as big:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["by_need_chart"].rows) == 14
    assert len(big.captured_queries) == len(small.captured_queries)
