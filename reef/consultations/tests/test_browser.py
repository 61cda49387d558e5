"""Browser tests: voting on statements, a Delphi round whose feedback stays hidden until
the panellist has answered, and an amendment accepted with its reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from reef.browser import browser_page, chromium_available, screenshot, sign_in
from reef.consultations import services
from reef.consultations.models import Amendment, Participation, Vote
from reef.consultations.tests.helpers import accepted, join, section
from reef.core.tlp import TLP
from reef.directory.models import Organisation
from reef.testing import ensure_world, persona

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed"),
]


def _public_consultation(coordinator: Any) -> Any:
    now = timezone.now()
    return services.consultation_create(
        actor=coordinator,
        title="Draft regional action plan",
        owner_organisation=Organisation.objects.get(slug="caricom-impacs"),
        tlp=TLP.CLEAR,
        participation=Participation.PUBLIC,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=14),
    )


@pytest.mark.django_db(transaction=True)
def test_voting_on_statements(live_server: Any) -> None:
    ensure_world()
    coordinator, voter = persona("coordinator"), persona("donor")
    consultation = _public_consultation(coordinator)
    accepted(coordinator, consultation, "Every member state needs a national CSIRT.")
    accepted(coordinator, consultation, "Training should be delivered by local institutions.")
    with browser_page() as page:
        sign_in(page, live_server.url, voter)
        page.goto(f"{live_server.url}/consultations/{consultation.pk}/vote/")
        page.get_by_role("link", name="Join to vote").click()
        page.get_by_label("Your stakeholder sector").select_option(
            label="International organisation"
        )
        page.get_by_label("Your country").select_option("TT")
        page.get_by_role("button", name="Save").click()
        page.goto(f"{live_server.url}/consultations/{consultation.pk}/vote/")
        page.get_by_role("button", name="Agree", exact=True).click()
        page.get_by_text("You have voted on 1 statement").wait_for()
        page.get_by_role("button", name="Disagree", exact=True).click()
        page.get_by_text("You have voted on every statement").wait_for()
        screenshot(page, "consultation-voting")
    values = sorted(
        Vote.objects.filter(statement__consultation=consultation).values_list("value", flat=True)
    )
    assert values == [-1, 1]


@pytest.mark.django_db(transaction=True)
def test_delphi_feedback_is_hidden_until_answered(live_server: Any) -> None:
    ensure_world()
    coordinator = persona("coordinator")
    consultation = _public_consultation(coordinator)
    round_ = services.delphi_round_create(
        actor=coordinator,
        consultation=consultation,
        title="Priorities",
        items=["Incident response comes first.", "Legislation comes first."],
    )
    # Two panellists have answered already.
    for who in ("expert", "outsider"):
        join(persona(who), consultation)
        services.delphi_respond(
            actor=persona(who),
            round=round_,
            ratings={item.pk: 4 for item in round_.items.all()},
            comments={},
        )
    panellist = persona("donor")
    join(panellist, consultation)
    with browser_page() as page:
        sign_in(page, live_server.url, panellist)
        page.goto(f"{live_server.url}/consultations/{consultation.pk}/delphi/{round_.number}/")
        assert page.get_by_text("Feedback from the panel").count() == 0
        for fieldset in page.locator("fieldset").all():
            fieldset.get_by_label("5", exact=True).check()
        page.get_by_role("button", name="Submit my first answers").click()
        page.get_by_text("Feedback from the panel").wait_for()
        screenshot(page, "delphi-feedback-after-answering")


@pytest.mark.django_db(transaction=True)
def test_amendment_accepted_with_its_reason(live_server: Any) -> None:
    ensure_world()
    coordinator, reviewer = persona("coordinator"), persona("expert")
    consultation = _public_consultation(coordinator)
    draft = section(coordinator, consultation)
    join(reviewer, consultation)
    amendment = services.amendment_propose(
        actor=reviewer,
        section=draft,
        proposed_text="Original text, with local trainers.",
        rationale="Sustainability.",
    )
    with browser_page() as page:
        sign_in(page, live_server.url, coordinator)
        page.goto(
            f"{live_server.url}/consultations/{consultation.pk}/amendments/{amendment.pk}/decide/"
        )
        page.get_by_label("Accept").check()
        page.get_by_role("button", name="Record the decision").click()
        page.get_by_text("reason").first.wait_for()  # refused without a reason
        page.get_by_label("Accept").check()
        page.get_by_label("Reason (required)").fill("Local trainers make it last.")
        page.get_by_role("button", name="Record the decision").click()
        page.wait_for_load_state()
        screenshot(page, "amendment-accepted")
    amendment = Amendment.objects.get(pk=amendment.pk)
    assert amendment.status == "accepted"
    assert amendment.decision_reason == "Local trainers make it last."
