"""Browser test: two assessors rate independently, the consolidation meeting resolves a
disputed indicator, and the report downloads as a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reef.assessments import services
from reef.assessments.models import Decision
from reef.core.rules import DEMO
from reef.directory.models import Country
from reef.frameworks.services import framework_import
from tests_support.browser import ARTIFACTS, browser_page, chromium_available, screenshot, sign_in
from tests_support.world import ensure_world, persona

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed"),
]

EXAMPLE = Path(__file__).resolve().parents[2] / "frameworks" / "examples" / "staged-example.json"
DISPUTED = "P.1.a.2.1"


def _rate_in_browser(page: Any, base: str, assessment: Any, user: Any, value: str) -> None:
    sign_in(page, base, user)
    page.goto(f"{base}/assessments/{assessment.pk}/rate/?group=P.1")
    row = page.locator("tr", has=page.get_by_text(DISPUTED, exact=True))
    row.locator("textarea[name$=evidence_text]").fill(f"Seen by {user.email}")
    # Changing the rating autosaves the row (htmx), evidence included.
    row.get_by_label("Rating").select_option(value)
    row = page.locator("tr", has=page.get_by_text(DISPUTED, exact=True))
    row.get_by_text("Saved.").wait_for()


@pytest.mark.django_db(transaction=True)
def test_independent_ratings_consolidation_and_pdf(live_server: Any) -> None:
    ensure_world()
    framework = framework_import(actor=DEMO, source=EXAMPLE)
    focal, lead, second = persona("focal_point"), persona("coordinator"), persona("expert")
    assessment = services.assessment_request(
        actor=focal, country=Country.objects.get(code="GD"), framework=framework, cycle="2026"
    )
    services.assessment_accept(actor=lead, assessment=assessment)
    services.assessment_assign_team(
        actor=lead,
        assessment=assessment,
        members=[lead, second],
        lead=lead,
        roles={second.pk: "criminal_justice"},
    )
    others = [i.key for i in framework.indicators.exclude(key=DISPUTED)]
    for assessor in (lead, second):
        services.ratings_bulk_submit(
            actor=assessor,
            assessment=assessment,
            ratings=[(key, "met", "desk review") for key in others],
        )
    base = live_server.url
    with browser_page() as page:
        _rate_in_browser(page, base, assessment, lead, "met")
        page.context.clear_cookies()
        # The second assessor sees the first one's rating neither before nor after giving
        # their own: only once the lead closes rating.
        sign_in(page, base, second)
        page.goto(f"{base}/assessments/{assessment.pk}/rate/?group=P.1")
        row = page.locator("tr", has=page.get_by_text(DISPUTED, exact=True))
        assert row.get_by_text("show once the lead closes rating").is_visible()
        assert row.get_by_text(f"Seen by {lead.email}").count() == 0
        _rate_in_browser(page, base, assessment, second, "not_met")
        row = page.locator("tr", has=page.get_by_text(DISPUTED, exact=True))
        assert row.get_by_text(f"Seen by {lead.email}").count() == 0
        screenshot(page, "assessment-independent-rating")

        services.assessment_close_rating(actor=lead, assessment=assessment)
        page.context.clear_cookies()
        sign_in(page, base, lead)
        page.goto(f"{base}/assessments/{assessment.pk}/consolidation/")
        section = page.locator("section", has=page.get_by_text(DISPUTED, exact=True))
        section.get_by_label("Decision").select_option("partial")
        section.get_by_label("Note").fill("Policy drafted, not yet adopted: partial.")
        section.get_by_role("button", name="Record decision").click()
        page.get_by_text("Nothing is disputed.").or_(page.get_by_text("decided")).first.wait_for()
        screenshot(page, "assessment-consolidation")

        page.goto(f"{base}/assessments/{assessment.pk}/report/")
        page.get_by_role("button", name="Prepare PDF").click()
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download PDF").click()
        target = ARTIFACTS / "assessment-report.pdf"
        download_info.value.save_as(str(target))
    assert target.read_bytes().startswith(b"%PDF")
    decision = Decision.objects.get(assessment=assessment, indicator__key=DISPUTED)
    assert decision.value == "partial"
