"""Browser test: a gap becomes a need, the state confirms priorities, a donor offers a
commitment, the state accepts it, and the regional heatmap shows it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from reef.assessments import selectors as assessment_selectors
from reef.assessments.models import Status
from reef.assessments.tests.helpers import build
from reef.core.tlp import TLP
from reef.directory.models import Country
from reef.planning import services
from reef.planning.models import Commitment, Need
from tests_support.browser import browser_page, chromium_available, screenshot, sign_in
from tests_support.world import ensure_world, persona

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed"),
]


# One scenario in the browser, each step on the page the last one reached.
@pytest.mark.django_db(transaction=True)
def test_gap_to_commitment_to_heatmap(live_server: Any) -> None:
    ensure_world()
    users = {name: persona(name) for name in ("focal_point", "coordinator", "expert", "donor")}
    assessment = build(users, until=Status.COMPLETE)
    gap = assessment_selectors.assessment_result(assessment).gaps[0]
    plan = services.plan_create(
        actor=users["focal_point"],
        country=Country.objects.get(code="GD"),
        title="Grenada national plan",
        cycle="2026-2028",
        tlp=TLP.GREEN,
        start=date(2026, 1, 1),
        end=date(2028, 12, 31),
    )
    base = live_server.url
    with browser_page() as page:
        # 1. The state turns a gap of its assessment into a need.
        sign_in(page, base, users["focal_point"])
        page.goto(f"{base}/assessments/{assessment.pk}/results/")
        page.locator("li", has=page.get_by_text(gap.key, exact=False)).get_by_role(
            "button", name="Make it a need of the national plan"
        ).first.click()
        page.wait_for_url("**/planning/needs/*/")
        need = Need.objects.get(aspect_key=gap.key)
        assert need.plan_id == plan.pk
        # The need keeps its assessment's label (AMBER): the state shares it with the OAS.
        assert need.tlp == TLP.AMBER
        page.get_by_role("link", name="Sharing", exact=True).click()
        page.get_by_label("Share with organisations (TLP:AMBER only)").select_option(label="OAS")
        page.get_by_role("button", name="Save sharing").click()
        page.get_by_text("Sharing saved.").wait_for()
        # 2. The state confirms its priorities.
        page.goto(f"{base}/planning/plans/{plan.pk}/priorities/")
        page.get_by_label("Reason").first.fill("Agreed at the national workshop")
        page.get_by_role("button", name="Confirm these priorities for the state").click()
        page.get_by_text("Confirmed by the state on").wait_for()
        # 3. A donor offers a commitment against the need.
        page.context.clear_cookies()
        sign_in(page, base, users["donor"])
        page.goto(f"{base}/planning/needs/{need.pk}/")
        page.get_by_label("Pledging organisation").select_option("oas")
        page.get_by_label("Kind").select_option("money")
        page.get_by_label("Amount").fill("120000")
        page.get_by_label("What you offer").fill("Incident handling training with local trainers")
        page.get_by_role("button", name="Offer", exact=True).click()
        page.wait_for_load_state()
        commitment = Commitment.objects.get(need=need)
        assert commitment.status == "offered"
        # 4. The state accepts it.
        page.context.clear_cookies()
        sign_in(page, base, users["focal_point"])
        page.goto(f"{base}/planning/commitments/{commitment.pk}/")
        page.get_by_role("button", name="Accepted by the state").click()
        page.wait_for_load_state()
        commitment.refresh_from_db()
        assert commitment.status == "accepted"
        # 5. The regional heatmap shows Grenada's need as covered.
        page.context.clear_cookies()
        sign_in(page, base, users["coordinator"])
        page.goto(f"{base}/planning/themes/?grouping=caricom")
        page.get_by_text("1 covered").first.wait_for()
        screenshot(page, "regional-heatmap")
