"""Trends (issue 14): a country's stages over every cycle it has (not only two), as a
chart (server-rendered SVG, numbers with a dot whatever the locale) and a table, in the
page, the report and the API."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation

from reef.assessments import charts, report, selectors
from reef.assessments.models import Status
from reef.assessments.tests.helpers import build, example_framework

pytestmark = pytest.mark.django_db


def _cycles(users: dict[str, Any]) -> list[Any]:
    n = example_framework().indicators.count()
    out = []
    for cycle, value in (("2022", "not_met"), ("2024", "partial"), ("2026", "met")):
        out.append(
            build(
                users,
                until=Status.COMPLETE,
                cycle=cycle,
                ratings={"coordinator": [value] * n, "expert": [value] * n},
            )
        )
    return out


def test_three_cycles_in_selector_page_api_and_report(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    _first, second, last = _cycles(users)
    # A fourth cycle still rating: no result may show (independence).
    build(users, until=Status.RATING, cycle="2028")
    trend = selectors.trends(users["focal_point"], last)
    assert [c["cycle"] for c in trend["cycles"]] == ["2022", "2024", "2026"]
    assert trend["rows"] and all(len(r["values"]) == 3 for r in trend["rows"])
    for row in trend["rows"]:
        assert row["values"][0] <= row["values"][1] <= row["values"][2]
    page = clients["focal_point"].get(f"/assessments/{last.pk}/trends/")
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body
    for cycle in ("2022", "2024", "2026"):
        assert f">{cycle}<" in body
    assert "2028" not in body
    api = clients["focal_point"].get(f"/api/v1/assessments/{last.pk}/trends").json()
    assert [c["cycle"] for c in api["cycles"]] == ["2022", "2024", "2026"]
    assert api["rows"] == trend["rows"]
    # The report shows the cycles up to its own.
    html = report.render_html(users["focal_point"], second)
    assert "Over the cycles" in html and ">2024<" in html and ">2026<" not in html
    # Whoever may not see the assessment sees no trend either.
    assert clients["outsider"].get(f"/assessments/{last.pk}/trends/").status_code == 404
    assert clients["outsider"].get(f"/api/v1/assessments/{last.pk}/trends").status_code == 404


NUMBER_ATTRS = re.compile(r'\s(?:x|y|x1|x2|y1|y2|cx|cy|r|width|height)="([^"]*)"')


def test_svg_numbers_use_a_dot_in_every_locale(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    svg = charts.trend("T", ["2022", "2024"], [("1 Policy", [1.25, 2.5])], 1.0, 5.0)
    for value in NUMBER_ATTRS.findall(svg):
        assert re.fullmatch(r"-?\d+(\.\d+)?", value), value
    assert ">1.25<" not in svg  # values are in the points' titles
    assert "1.25</title>" in svg
    *_, last = _cycles(users)
    with translation.override("fr"):
        page = clients["focal_point"].get(
            f"/assessments/{last.pk}/trends/", HTTP_ACCEPT_LANGUAGE="fr"
        )
    chart = page.content.decode().split("<svg", 1)[1].split("</svg>", 1)[0]
    values = NUMBER_ATTRS.findall(chart)
    assert values
    for value in values:
        assert re.fullmatch(r"-?\d+(\.\d+)?", value), value
    for points in re.findall(r'points="([^"]*)"', chart):
        for pair in points.split():
            assert re.fullmatch(r"-?\d+(\.\d+)?,-?\d+(\.\d+)?", pair), pair
