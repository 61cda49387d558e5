"""Numbers in SVG always with a dot: in Spanish, French and Dutch the plan timeline and
the regional progress chart wrote `x="328,3"`, which browsers cannot draw."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from reef.core.rules import DEMO
from reef.planning import services
from reef.planning.models import Action, Plan
from reef.planning.tests.scale import make_region

pytestmark = pytest.mark.django_db

NUMBER_ATTRS = re.compile(r'\s(?:x|y|x1|x2|y1|y2|cx|cy|r|width|height|value)="([^"]*)"')
NUMBER = r"-?\d+(\.\d+)?"
LANGUAGES = ["es", "fr", "nl"]


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", html, re.S)


def _assert_dots(fragment: str) -> int:
    """Every number attribute of `fragment` is a plain number with a dot; how many there are."""
    values = NUMBER_ATTRS.findall(fragment)
    for value in values:
        assert re.fullmatch(NUMBER, value), value
    viewboxes = re.findall(r'viewBox="([^"]*)"', fragment)
    for box in viewboxes:
        assert all(re.fullmatch(NUMBER, v) for v in box.split()), box
    return len(values)


def _page(client: Client, url: str, language: str) -> str:
    with translation.override(language):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    return response.content.decode()


@pytest.fixture
def region(users: dict[str, Any]) -> Plan:
    return make_region(actions=12, needs_per_country=2, cycle="2080-2082")


def _national_with_actions() -> Plan:
    action = Action.objects.filter(plan__kind=Plan.Kind.NATIONAL, plan__cycle="2080-2082").first()
    assert action is not None
    # A milestone, so that the timeline draws circles too.
    services.milestone_create(
        actor=DEMO,
        action=action,
        title="Halfway",
        due=action.start + (action.end - action.start) / 2,
    )
    plan: Plan = action.plan
    return plan


@pytest.mark.parametrize("language", LANGUAGES)
def test_plan_timeline_coordinates_have_a_dot(
    users: dict[str, Any], clients: dict[str, Client], region: Plan, language: str
) -> None:
    national = _national_with_actions()
    html = _page(clients["coordinator"], f"/planning/plans/{national.pk}/timeline/", language)
    svgs = _svgs(html)
    assert svgs
    assert sum(_assert_dots(svg) for svg in svgs) > 10
    assert "<circle" in svgs[0]
    # Fractions are drawn: the bug showed only where a coordinate had decimals.
    assert re.search(r'\sx="\d+\.\d"', svgs[0])


@pytest.mark.parametrize("language", LANGUAGES)
def test_regional_chart_and_meters_have_a_dot(
    users: dict[str, Any], clients: dict[str, Client], region: Plan, language: str
) -> None:
    html = _page(clients["coordinator"], f"/planning/regional/{region.pk}/", language)
    svgs = _svgs(html)
    assert svgs and sum(_assert_dots(svg) for svg in svgs) > 5
    # Drawn at its own size (shrunk on a phone, never blown up to the page's width when
    # there are only a few months to show).
    size = re.search(r'viewBox="0 0 (\d+) 200" width="(\d+)" height="200"', svgs[0])
    assert size and size.group(1) == size.group(2)
    meters = re.findall(r"<meter[^>]*>", html)
    assert meters
    for meter in meters:
        _assert_dots(meter)
    # Text for people keeps the reader's format (the money in the bars' titles).
    assert re.search(r"\d,\d{2} USD", html)


@pytest.mark.parametrize("language", LANGUAGES)
def test_opinion_map_points_have_a_dot(language: str) -> None:
    report = SimpleNamespace(
        analysed=True,
        counts={"votes": 3, "participants": 2},
        points=[
            SimpleNamespace(x=12.345, y=300.5, me=False, colour="#005f73"),
            SimpleNamespace(x=1.5, y=2.25, me=True, colour="#ee9b00"),
        ],
        groups=[],
        reality=SimpleNamespace(threshold=0.6, min_votes=2, statements=[]),
    )
    with translation.override(language):
        html = render_to_string("consultations/_report_body.html", {"report": report})
    svg = _svgs(html)[0]
    assert _assert_dots(svg) >= 6
    assert 'cx="12.3"' in svg and 'cy="300.5"' in svg


def test_the_timeline_draws_the_same_in_english(
    users: dict[str, Any], clients: dict[str, Client], region: Plan
) -> None:
    national = _national_with_actions()
    url = f"/planning/plans/{national.pk}/timeline/"
    english = _svgs(_page(clients["coordinator"], url, "en"))
    spanish = _svgs(_page(clients["coordinator"], url, "es"))
    coordinates = [NUMBER_ATTRS.findall(svg) for svg in english]
    assert coordinates == [NUMBER_ATTRS.findall(svg) for svg in spanish]
    assert date.today().year > 2000  # the today line depends on the date, equally in both
