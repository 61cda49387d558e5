"""Browser tests: voting on statements, a Delphi round whose feedback stays hidden until
the panellist has answered, an amendment accepted with its reason, and an expert who votes
and sees their opinion group (in English and Spanish)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from reef.consultations import services
from reef.consultations.models import Amendment, Consultation, Participation, Vote
from reef.consultations.tests.helpers import accepted, camp_votes, join, section, two_camps
from reef.core.tests.test_browser_mobile import PHONE, _axe, _sideways
from reef.core.tlp import TLP
from reef.directory.models import Organisation
from tests_support.browser import browser_page, chromium_available, screenshot, sign_in
from tests_support.world import ensure_world, persona

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


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "es"])
def test_an_expert_votes_and_sees_their_group(live_server: Any, language: str) -> None:
    """Persona task (c): an expert joins, votes, and reads which opinion group they are in
    and where it differs. In Spanish the page's structure is asserted (group letter, links),
    not the wording of strings whose translation comes later."""
    ensure_world()
    coordinator, expert = persona("coordinator"), persona("expert")
    expert.language = language
    expert.save(update_fields=["language"])
    consultation = _public_consultation(coordinator)
    two_camps(coordinator, consultation)  # eight members, two camps, already voted
    services.consultation_analyse(consultation=consultation)
    mine = camp_votes(1)  # the expert votes with the second camp
    base = live_server.url
    with browser_page(bypass_csp=True) as page:  # axe-core is injected below
        sign_in(page, base, expert)
        page.goto(f"{base}/consultations/{consultation.pk}/join/")
        assert page.locator("html").get_attribute("lang") == language
        page.locator("select[name=sector]").select_option("private sector")
        page.locator("select[name=country]").select_option("TT")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"**/consultations/{consultation.pk}/vote/")
        for _ in range(len(mine)):
            number = int(page.locator("blockquote.statement").get_attribute("id").split("-")[1])
            page.locator(f"button[name=value][value='{mine[number]}']").click()
            page.locator(f"blockquote#statement-{number}").wait_for(state="detached")
        # Every vote's commit queued an analysis; the immediate task backend has run it.
        page.locator(f"#vote-card a[href='/consultations/{consultation.pk}/report/']").click()
        page.wait_for_url(f"**/consultations/{consultation.pk}/report/")
        section = page.locator("#my-group")
        section.wait_for()
        expected = _group_letter(consultation, expert)
        assert section.get_attribute("data-status") == "placed"
        assert section.get_attribute("data-group") == expected
        assert expected in section.locator("strong").inner_text()
        # The statements where the group differs link to their bars, which are drawn.
        links = section.locator("ul.differences a")
        assert links.count() == 3
        href = links.first.get_attribute("href")
        assert href == "?page=1#bars-1"
        assert page.locator("#bars-1 svg text", has_text=expected).count() == 1
        if language == "en":
            assert f"You are in group {expected} (5 people)" in section.inner_text()
            assert "disagrees 100 %, others 0 %" in section.inner_text()
        links.first.click()
        page.wait_for_url("**#bars-1")
        screenshot(page, f"consultation-my-group-{language}")
        # The bars and the group summary pass axe and fit a phone.
        page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
        page.reload()
        problems = _axe(page, "report") + _sideways(page, "report")
        assert not problems, problems
        screenshot(page, f"consultation-my-group-{language}-phone")
    assert Vote.objects.filter(participant__user=expert).count() == len(mine)


def _group_letter(consultation: Consultation, user: Any) -> str:
    """The letter the stored analysis gives the user's group, read apart from the page."""
    consultation.refresh_from_db()
    number = consultation.participants.get(user=user).number
    found = [
        p["group"] for p in consultation.analysis["result"]["participants"] if p["id"] == number
    ]
    assert found and found[0] is not None, "the analysis has not placed the expert"
    return chr(ord("A") + int(found[0]))
