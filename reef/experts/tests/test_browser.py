"""Browser test: a coordinator builds a mission team from a request, sees why each expert
was proposed, and confirms it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from reef.core.rules import DEMO
from reef.directory.models import Country
from reef.experts import demo, services
from reef.experts.models import MissionRequest
from tests_support.browser import browser_page, chromium_available, screenshot, sign_in
from tests_support.world import ensure_world, persona

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_coordinator_builds_and_confirms_a_mission_team(live_server: Any) -> None:
    ensure_world()
    demo.load(lambda _line: None)  # the illustrative expert network
    start = dt.date.today() + dt.timedelta(days=60)
    start -= dt.timedelta(days=start.weekday())
    mission = services.mission_request_create(
        actor=DEMO,
        title="Assessment mission to Grenada (browser test)",
        country=Country.objects.get(code="GD"),
        start=start,
        end=start + dt.timedelta(days=4),
        languages=["en"],
        size=3,
        nascent_seat=True,
    )
    with browser_page() as page:
        sign_in(page, live_server.url, persona("coordinator"))
        page.goto(f"{live_server.url}/experts/missions/{mission.pk}/")
        page.locator("#propose-team").click()
        page.locator(".team-member").first.wait_for()
        members = page.locator(".team-member")
        assert members.count() >= 3
        for i in range(members.count()):
            assert members.nth(i).locator(".reason").inner_text().strip()
        assert page.locator("#coverage-ok").count() == 1
        screenshot(page, "mission-team-proposed")
        page.locator("#confirm-team").click()
        page.locator("#mission-status").get_by_text("Team confirmed").wait_for()
        screenshot(page, "mission-team-confirmed")
    assert MissionRequest.objects.get(pk=mission.pk).status == MissionRequest.Status.CONFIRMED
