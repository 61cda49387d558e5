"""The steps of the whole-cycle browser test (test_browser_cycle.py), in its order:
each is what one person does through the pages. Kept apart from the test so that
neither module is over 500 lines; not collected (pytest collects only test_*.py)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from reef.core.tests.cycle_cast import DISPUTED, Cast, _follow, _message, _sees


def _request(cast: Cast) -> Any:
    from reef.assessments.models import Assessment

    page = cast.pages["focal_point"]
    page.goto(f"{cast.base}/assessments/")
    page.get_by_role("link", name="Request an assessment").click()
    page.wait_for_url("**/assessments/request/")
    page.get_by_label("Country").select_option("GD")
    page.get_by_label("Framework").select_option(label="Cycle test framework 1.0")
    page.get_by_label("Cycle").fill("2026")
    page.get_by_role("button", name="Request").click()
    _message(page, "Assessment requested.")
    cast.shot("focal_point", "requested")
    return Assessment.objects.get(country__code="GD", framework__slug="cycle-mini")


def _accept(cast: Cast, assessment: Any) -> None:
    _follow(cast, "coordinator", f"Assessment requested: {assessment.title}", "request")
    page = cast.pages["coordinator"]
    page.wait_for_url(f"**/assessments/{assessment.pk}/")
    page.get_by_role("button", name="Accept the request").click()
    _message(page, "Request accepted.")
    # The focal point hears that the request was accepted.
    _sees(cast, "focal_point", f"Assessment accepted: {assessment.title}", "accepted")
    cast.shot("focal_point", "accepted")


def _team_from_network(cast: Cast, assessment: Any) -> None:
    from reef.experts.models import MissionRequest

    page = cast.pages["coordinator"]
    page.goto(f"{cast.base}/assessments/{assessment.pk}/")
    page.get_by_role("link", name="Form the team from the expert network").click()
    page.wait_for_url("**/experts/missions/new/**")
    start = dt.date.today() + dt.timedelta(days=30)
    page.get_by_label("Title").fill("Assessment mission to Grenada 2026")
    page.get_by_label("Start").fill(start.isoformat())
    page.get_by_label("End").fill((start + dt.timedelta(days=4)).isoformat())
    page.get_by_label("Team size").fill("2")
    page.get_by_label("Seat for a nascent specialist").uncheck()
    page.get_by_label("At least one member from the region's private sector").uncheck()
    assert page.get_by_label("Assessment number").input_value() == str(assessment.pk)
    page.get_by_role("button", name="Create the request").click()
    page.wait_for_url("**/experts/missions/*/")
    page.locator("#propose-team").click()
    page.locator(".team-member").first.wait_for()
    assert page.locator(".team-member").count() == 2
    cast.shot("coordinator", "team-proposed")
    mission = MissionRequest.objects.get(assessment_ref=assessment.pk)
    # Each proposed expert is told.
    for who in ("expert", "cj_expert"):
        _sees(cast, who, f"You are proposed for a mission team: {mission.title}", "proposed")
    page.locator("#confirm-team").click()
    page.locator("#mission-status").get_by_text("Team confirmed").wait_for()
    cast.shot("coordinator", "team-confirmed")


def _rate_row(page: Any, key: str, value: str, evidence: str) -> None:
    row = page.locator("tr", has=page.get_by_text(key, exact=True))
    row.locator("textarea[name$=evidence_text]").fill(evidence)
    # Changing the rating autosaves the row (htmx), evidence included.
    row.get_by_label("Rating").select_option(value)
    page.locator("tr", has=page.get_by_text(key, exact=True)).get_by_text("Saved.").wait_for()


def _rate(cast: Cast, assessment: Any) -> None:
    from openpyxl import load_workbook

    title = f"Rating is open: {assessment.title}"
    # The technical expert (the lead) rates the policy factor on its page.
    _follow(cast, "expert", title, "rating-open")
    lead = cast.pages["expert"]
    lead.get_by_role("link", name="My ratings").click()
    lead.wait_for_url("**/rate/**")
    _rate_row(lead, "P.1.a.2.1", "met", "Cabinet mandate letter seen")
    _rate_row(lead, "P.1.a.3.1", "not_met", "Strategy still in draft")
    cast.shot("expert", "rated-policy")
    # The criminal-justice expert rates the society factor on its page ...
    _follow(cast, "cj_expert", title, "rating-open")
    second = cast.pages["cj_expert"]
    second.get_by_role("link", name="My ratings").click()
    second.wait_for_url("**/rate/**")
    second.get_by_label("Part of the framework").select_option("S.1")
    second.wait_for_url("**group=S.1**")
    _rate_row(second, "S.1.2.1", "met", "Police hotline")
    _rate_row(second, "S.1.3.1", "not_met", "Not on any government site")
    # ... and the policy factor offline, through the XLSX rating sheet.
    second.get_by_text("Rate offline with a spreadsheet").click()
    with second.expect_download() as download:
        second.get_by_role("link", name="Download my rating sheet (XLSX)").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book["Ratings"]
    filled = {"P.1.a.2.1": ("partial", "Mandate only verbal"), "P.1.a.3.1": ("not_met", "")}
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in filled:
            row[3].value, row[4].value = filled[str(row[0].value)]
    out = io.BytesIO()
    book.save(out)
    second.locator("input[name=sheet]").set_input_files(
        files=[
            {
                "name": "sheet.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": out.getvalue(),
            }
        ]
    )
    second.get_by_role("button", name="Import").click()
    _message(second, "ratings imported from your sheet.")
    cast.shot("cj_expert", "rated-by-sheet")


def _consolidate_and_target(cast: Cast, assessment: Any) -> None:
    page = cast.pages["expert"]
    page.goto(f"{cast.base}/assessments/{assessment.pk}/")
    page.get_by_role("button", name="Close rating and open consolidation").click()
    _message(page, "Rating closed: consolidation is open.")
    page.get_by_role("link", name="Consolidation").click()
    section = page.locator("section", has=page.get_by_text(DISPUTED, exact=True))
    section.get_by_label("Decision").select_option("partial")
    section.get_by_label("Note").fill("Mandate given orally, letter pending: partial.")
    section.get_by_role("button", name="Record decision").click()
    _message(page, "Decision recorded.")
    cast.shot("expert", "consolidation")
    page.goto(f"{cast.base}/assessments/{assessment.pk}/")
    page.get_by_role("button", name="Finish consolidation").click()
    _message(page, "Consolidation finished")
    page.get_by_role("link", name="Results").click()
    page.locator("#t-P\\.1\\.a").fill("3")
    page.get_by_role("button", name="Save targets").click()
    _message(page, "Targets saved.")
    cast.shot("expert", "targets")


def _agree_targets(cast: Cast, assessment: Any) -> None:
    _follow(cast, "focal_point", f"Consolidation finished: {assessment.title}", "consolidated")
    page = cast.pages["focal_point"]
    # The results page, with the lead's target for the aspect.
    assert page.locator("#t-P\\.1\\.a").input_value() == "3"
    page.get_by_role("link", name=f"← {assessment.title}").click()
    page.get_by_role("button", name="Agree the targets").click()
    _message(page, "Targets agreed")


REVIEW_COMMENT = "Say who drafts the strategy: the national CSIRT."
AMENDED = "Grenada's lead body was mandated by Cabinet in 2025; the strategy is being drafted."
AMENDMENT_WHY = "The Cabinet decision of March 2025 gave the mandate in writing."
DECISION_WHY = "Confirmed by the Cabinet minute shared with the team."


def _review_draft_report(cast: Cast, assessment: Any) -> str:
    """The lead opens the country's review of the draft report; the focal point joins it,
    comments on a section and proposes an amendment with its reason; the report cannot be
    released while the review runs; the window ends; the lead accepts the amendment with
    a reason. Returns the report's publication page, ready to be released."""
    from django.utils import timezone

    from reef.consultations.models import Consultation

    lead = cast.pages["expert"]
    lead.goto(f"{cast.base}/assessments/{assessment.pk}/")
    lead.get_by_role("button", name="Open the review of the draft report").click()
    _message(lead, "The review of the draft report is open")
    cast.shot("expert", "review-opened")
    review = Consultation.objects.get(report_assessment=assessment)
    # The country's manager is told, and follows the notification to the review.
    title = f"Draft report ready for your review: {assessment.title}"
    _follow(cast, "focal_point", title, "draft-ready")
    page = cast.pages["focal_point"]
    assert page.url == f"{cast.base}/consultations/{review.pk}/"
    page.get_by_role("link", name="Join this consultation").click()
    page.wait_for_url(f"**/consultations/{review.pk}/join/")
    page.get_by_label("Your stakeholder sector").select_option("government")
    page.get_by_label("Your country").select_option("GD")
    page.get_by_role("button", name="Save").click()
    # Joined, the reviewer lands on the draft and opens its first section.
    page.wait_for_url(f"**/consultations/{review.pk}/draft/")
    page.get_by_role("link", name="1. Executive summary").click()
    page.wait_for_url(f"**/consultations/{review.pk}/draft/1/")
    page.get_by_label("Comment:", exact=True).fill(REVIEW_COMMENT)
    page.get_by_role("button", name="Add comment").click()
    _message(page, "Comment added.")
    page.get_by_text(REVIEW_COMMENT).wait_for()
    page.get_by_label("Proposed text").fill(AMENDED)
    page.get_by_label("Why:", exact=True).fill(AMENDMENT_WHY)
    page.get_by_role("button", name="Propose amendment").click()
    _message(page, "Amendment proposed.")
    page.locator("ul.amendments li", has_text=AMENDMENT_WHY).wait_for()
    cast.shot("focal_point", "amendment-proposed")
    # The focal point prepares the report for release: refused while the review runs.
    pub_url = _submit_report(cast, assessment)
    page.get_by_text("review of the draft report is open until").wait_for()
    page.get_by_text("1 amendment to the draft report is still undecided.").wait_for()
    assert page.get_by_role("button", name="Release the report").is_disabled()
    cast.shot("focal_point", "release-blocked")
    # Test setup, not a step: the window's length (at least ten working days, never
    # shortened) is the product's rule; the test fast-forwards time to its end.
    Consultation.objects.filter(pk=review.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=20),
        closes_at=timezone.now() - dt.timedelta(minutes=1),
    )
    page.reload()
    page.get_by_text("1 amendment to the draft report is still undecided.").wait_for()
    assert page.get_by_text("review of the draft report is open until").count() == 0
    assert page.get_by_role("button", name="Release the report").is_disabled()
    # The lead was told of the amendment, follows the notification and accepts it.
    _follow(cast, "expert", f"Amendment to decide: {assessment.title}", "amendment")
    assert "/amendments/" in lead.url and lead.url.endswith("/decide/")
    lead.get_by_text(AMENDMENT_WHY).wait_for()
    lead.get_by_label("Accept", exact=True).check()
    lead.get_by_label("Reason (required)").fill(DECISION_WHY)
    lead.get_by_role("button", name="Record the decision").click()
    _message(lead, "Decision recorded.")
    lead.wait_for_url(f"**/consultations/{review.pk}/draft/1/")
    lead.locator("ul.amendments li", has_text=DECISION_WHY).get_by_text(
        "Accepted", exact=True
    ).wait_for()
    assert lead.locator(".section-text").get_by_text(AMENDED).count() == 1
    cast.shot("expert", "amendment-accepted")
    return pub_url


def _submit_report(cast: Cast, assessment: Any) -> str:
    """The focal point puts the report on the record as a draft and submits it. Returns
    its page (where the focal point stays)."""
    page = cast.pages["focal_point"]
    page.goto(f"{cast.base}/assessments/{assessment.pk}/")
    page.get_by_role("link", name="Publish the report to the record").click()
    page.wait_for_url("**/records/publications/new/**")
    page.get_by_label("Title").fill("Grenada capacity assessment 2026")
    page.get_by_role("button", name="Save").click()
    _message(page, "Saved as a draft.")
    page.get_by_role("button", name="Submit for review").click()
    _message(page, "Done.")
    return str(page.url)


def _release_report(cast: Cast, assessment: Any, pub_url: str) -> None:
    page = cast.pages["focal_point"]
    page.goto(pub_url)
    page.get_by_label("Public summary (optional)").fill(
        "Grenada has a mandated lead body; the strategy is still to be adopted."
    )
    page.get_by_role("button", name="Release the report").click()
    _message(page, "Released by the assessed country.")
    page.get_by_role("button", name="Publish", exact=True).click()
    # The page said "Done." already (the release): wait for the publish button to go.
    page.get_by_role("button", name="Publish", exact=True).wait_for(state="detached")
    cast.shot("focal_point", "report-released")
    for who in ("expert", "coordinator"):
        _sees(cast, who, f"Report released: {assessment.title}", "released")


def _report_records_the_review(cast: Cast, assessment: Any) -> None:
    """The final report has the country's review: the amendment, its reason, the
    lead's decision and its reason, and the section as accepted."""
    page = cast.pages["focal_point"]
    page.goto(f"{cast.base}/assessments/{assessment.pk}/report/")
    review = page.locator("section.review")
    review.get_by_role("heading", name="8. Review by Grenada").wait_for()
    row = review.locator("tr", has_text=AMENDMENT_WHY)
    assert row.count() == 1
    assert "1. Executive summary" in row.inner_text()
    assert AMENDED in row.inner_text() and DECISION_WHY in row.inner_text()
    assert row.get_by_role("cell", name="Accepted", exact=True).count() == 1
    review.get_by_role("heading", name="Accepted changes").wait_for()
    cast.shot("focal_point", "report-review")


def _gap_to_need(cast: Cast, assessment: Any) -> Any:
    from reef.planning.models import Need

    page = cast.pages["focal_point"]
    page.goto(f"{cast.base}/assessments/{assessment.pk}/results/")
    page.get_by_role("button", name="Make it a need of the national plan").first.click()
    page.wait_for_url("**/planning/needs/*/")
    need = Need.objects.get(assessment_ref=assessment.pk)
    page.get_by_role("link", name="Edit the need").click()
    page.get_by_label("Estimated cost").fill("85000")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/planning/needs/{need.pk}/")
    # The need keeps its assessment's label (AMBER): the state shares it with the OAS.
    page.get_by_role("link", name="Sharing", exact=True).click()
    page.get_by_label("Share with organisations (TLP:AMBER only)").select_option(label="OAS")
    page.get_by_role("button", name="Save sharing").click()
    page.get_by_text("Sharing saved.").wait_for()
    page.goto(f"{cast.base}/planning/needs/{need.pk}/")
    page.get_by_role("button", name="Publish to donors").click()
    _message(page, "The need is published")
    cast.shot("focal_point", "need-published")
    return need


def _offer(cast: Cast, need: Any) -> Any:
    from reef.planning.models import Commitment

    _follow(cast, "donor", f"New need in an area you follow: {need.title}", "need")
    page = cast.pages["donor"]
    # The donor finds it among the unfunded needs.
    page.goto(f"{cast.base}/planning/needs/")
    page.get_by_label("Funding").select_option("unfunded")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(lambda url: "funding=unfunded" in url)
    row = page.locator("tr", has=page.get_by_role("link", name=need.title))
    assert row.locator("td.funding-unfunded").count() == 1
    row.get_by_role("link", name=need.title).click()
    page.wait_for_url(f"**/planning/needs/{need.pk}/")
    page.get_by_label("Pledging organisation").select_option("oas")
    page.get_by_label("Kind").select_option("money")
    page.get_by_label("Amount").fill("85000")
    page.get_by_label("What you offer").fill("Strategy drafting support and a costed plan")
    page.get_by_role("button", name="Offer", exact=True).click()
    page.wait_for_url("**/planning/commitments/*/")
    cast.shot("donor", "offered")
    return Commitment.objects.get(need=need)


def _commitment_step(cast: Cast, who: str, button: str, status: str) -> None:
    page = cast.pages[who]
    page.get_by_role("button", name=button).click()
    page.get_by_text(f"The commitment is now: {status}.").wait_for()


def _deliver(cast: Cast, commitment: Any) -> None:
    subject = str(commitment)
    _follow(cast, "focal_point", f"Support offered: {subject}", "offer")
    _commitment_step(cast, "focal_point", "Accepted by the state", "Accepted by the state")
    _follow(cast, "donor", f"Offer accepted: {subject}", "accepted")
    _commitment_step(cast, "donor", "In progress", "In progress")
    _commitment_step(cast, "donor", "Delivered", "Delivered")
    _follow(cast, "focal_point", f"Delivery reported: {subject}", "delivered")
    _commitment_step(cast, "focal_point", "Verified by the state", "Verified by the state")
    _sees(cast, "donor", f"Delivery verified: {subject}", "verified")
    cast.shot("donor", "verified")


def _regional(cast: Cast, regional: Any) -> None:
    page = cast.pages["coordinator"]
    page.goto(f"{cast.base}/planning/regional/{regional.pk}/")
    grenada = page.locator("tr", has=page.get_by_role("cell", name="Grenada", exact=True))
    cells = grenada.locator("td")
    # Needs, covered: Grenada's one need is covered.
    assert cells.nth(2).inner_text().strip() == "1"
    assert cells.nth(3).inner_text().strip() == "1"
    cast.shot("coordinator", "regional-covered")
