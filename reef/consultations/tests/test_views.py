"""Pages: access (anonymous / no access / access; hidden -> 404) and the three main flows."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from reef.consultations import services
from reef.consultations.models import Amendment, Consultation, DelphiResponse, Sector, Vote
from reef.consultations.tests.helpers import (
    accepted,
    community_consultation,
    hidden_consultation,
    join,
    section,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(users: dict[str, Any]) -> Consultation:
    return community_consultation(users["coordinator"])


def test_list_shows_only_visible(
    c: Consultation, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    hidden = hidden_consultation(users["focal_point"])
    url = reverse("consultations:list")
    anonymous = clients["anonymous"].get(url).content.decode()
    assert c.title not in anonymous and hidden.title not in anonymous
    expert = clients["expert"].get(url).content.decode()
    assert c.title in expert and hidden.title not in expert
    assert hidden.title in clients["focal_point"].get(url).content.decode()


def test_detail_access(c: Consultation, users: dict[str, Any], clients: dict[str, Client]) -> None:
    url = reverse("consultations:detail", args=[c.pk])
    assert clients["anonymous"].get(url).status_code == 404  # TLP:GREEN
    assert clients["public"].get(url).status_code == 404  # no role: not in the community
    response = clients["expert"].get(url)
    assert response.status_code == 200 and "TLP:GREEN" in response.content.decode()
    hidden = hidden_consultation(users["focal_point"])
    assert (
        clients["expert"].get(reverse("consultations:detail", args=[hidden.pk])).status_code == 404
    )


def test_vote_flow_with_htmx(
    c: Consultation,
    users: dict[str, Any],
    clients: dict[str, Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = accepted(users["coordinator"], c, "First statement.")
    second = accepted(users["coordinator"], c, "Second statement.")
    client = clients["expert"]
    url = reverse("consultations:vote", args=[c.pk])
    # Not joined yet: the card offers to join; voting redirects to the join page.
    assert "Join to vote" in client.get(url).content.decode()
    response = client.post(url, {"statement": first.number, "value": 1})
    assert response.status_code == 302 and response["Location"].endswith("/join/")
    join_url = reverse("consultations:join", args=[c.pk])
    response = client.post(join_url, {"sector": Sector.PRIVATE, "country": "TT"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "First statement." in page or "Second statement." in page
    response = client.post(url, {"statement": first.number, "value": 1}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    card = response.content.decode()
    assert "<html" not in card and "Second statement." in card
    client.post(url, {"statement": second.number, "value": -1}, HTTP_HX_REQUEST="true")
    report_url = reverse("consultations:report", args=[c.pk])
    # Not analysed yet (the test's transaction holds the vote's queued task back).
    assert "the analysis is on its way" in clients["expert"].get(report_url).content.decode()
    # The vote's commit queues the analysis; the immediate backend runs it at once.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"statement": second.number, "value": 0}, HTTP_HX_REQUEST="true")
    votes = Vote.objects.filter(participant__user=users["expert"])
    assert votes.count() == 2 and votes.get(statement=second).value == 0
    assert "voted on every statement" in client.get(url).content.decode()
    report = clients["expert"].get(report_url).content.decode()
    assert "<svg" in report and "on its way" not in report
    # A vote since: the page serves the stored analysis and says a new one is coming.
    client.post(url, {"statement": second.number, "value": 1}, HTTP_HX_REQUEST="true")
    report = clients["expert"].get(report_url).content.decode()
    assert "<svg" in report and "an updated analysis is on its way" in report


def test_vote_not_allowed_for_reader_outside_community(
    c: Consultation, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    s = accepted(users["coordinator"], c, "Statement.")
    url = reverse("consultations:vote", args=[c.pk])
    assert clients["donor"].get(url).status_code == 403
    assert clients["donor"].post(url, {"statement": s.number, "value": 1}).status_code in (302, 403)
    assert not Vote.objects.exists()
    assert clients["anonymous"].get(url).status_code == 404


def test_moderation_page_only_for_editors(
    c: Consultation, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    join(users["expert"], c)
    s = services.statement_submit(actor=users["expert"], consultation=c, body="Pending one.")
    url = reverse("consultations:moderate", args=[c.pk])
    assert clients["expert"].get(url).status_code == 403
    assert clients["public"].get(url).status_code == 404
    page = clients["coordinator"].get(url)
    assert page.status_code == 200 and "Pending one." in page.content.decode()
    clients["coordinator"].post(url, {"statement": s.number, "status": "accepted"})
    s.refresh_from_db()
    assert s.status == "accepted"


def test_delphi_feedback_hidden_in_the_page_until_answered(
    c: Consultation, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    rnd = services.delphi_round_create(
        actor=users["coordinator"], consultation=c, title="Priorities", items=["Alpha", "Beta"]
    )
    items = list(rnd.items.all())
    join(users["focal_point"], c, code="GD")
    services.delphi_respond(actor=users["focal_point"], round=rnd, ratings={i.pk: 5 for i in items})
    join(users["expert"], c)
    url = reverse("consultations:delphi", args=[c.pk, rnd.number])
    page = clients["expert"].get(url).content.decode()
    assert 'id="feedback-hidden"' in page and 'id="feedback"' not in page
    assert "Median" not in page
    # A partial answer is refused and feedback stays hidden.
    response = clients["expert"].post(url, {f"item_{items[0].pk}": 3})
    assert response.status_code == 200 and 'id="feedback"' not in response.content.decode()
    assert not DelphiResponse.objects.filter(participant__user=users["expert"]).exists()
    response = clients["expert"].post(url, {f"item_{i.pk}": 3 for i in items})
    assert response.status_code == 302
    page = clients["expert"].get(url).content.decode()
    assert 'id="feedback"' in page and "Median" in page
    # The API says the same.
    api = f"/api/v1/consultations/{c.pk}/delphi/{rnd.number}/feedback"
    assert clients["expert"].get(api).status_code == 200
    join(users["outsider"], c, code="BB")
    assert clients["outsider"].get(api).status_code == 403


def test_amendment_accepted_with_reason_in_pages(
    c: Consultation, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    sec = section(users["coordinator"], c)
    join(users["expert"], c, sector=Sector.PRIVATE)
    url = reverse("consultations:section", args=[c.pk, sec.number])
    response = clients["expert"].post(
        url, {"kind": "amendment", "proposed_text": "Improved text.", "rationale": "Clearer."}
    )
    assert response.status_code == 302
    clients["expert"].post(url, {"kind": "comment", "body": "A comment."})
    a = Amendment.objects.get(section=sec)
    decide = reverse("consultations:amendment_decide", args=[c.pk, a.pk])
    assert clients["expert"].get(decide).status_code == 403
    response = clients["coordinator"].post(decide, {"decision": "accept", "reason": ""})
    assert response.status_code == 400 and "reason" in response.content.decode().lower()
    a.refresh_from_db()
    assert a.status == "pending"
    response = clients["coordinator"].post(
        decide, {"decision": "accept", "reason": "Adopted: clearer wording."}
    )
    assert response.status_code == 302
    page = clients["expert"].get(url).content.decode()
    assert "Improved text." in page and "Adopted: clearer wording." in page
    assert "A comment." in page


def test_window_page_refuses_shortening(
    c: Consultation, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    url = reverse("consultations:window", args=[c.pk])
    closes = c.closes_at
    earlier = (closes - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    response = clients["coordinator"].post(url, {"closes_at": earlier}, follow=True)
    assert "never shortened" in response.content.decode()
    c.refresh_from_db()
    assert c.closes_at == closes
    assert clients["expert"].get(url).status_code == 403


def test_window_page_extends_an_open_window(
    c: Consultation, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    c.opens_at = c.opens_at.replace(microsecond=654321)
    c.save()
    url = reverse("consultations:window", args=[c.pk])
    later = c.closes_at + timedelta(days=7)
    response = clients["coordinator"].post(
        url, {"closes_at": later.strftime("%Y-%m-%d %H:%M")}, follow=True
    )
    assert "Window saved." in response.content.decode()
    c.refresh_from_db()
    assert c.closes_at == later.replace(second=0, microsecond=0)


def test_section_page_flags_a_stale_amendment_and_its_proposer_rebases_it(
    c: Consultation, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    from reef.consultations.models import Amendment
    from reef.consultations.tests.helpers import join, section

    sec = section(users["coordinator"], c)
    join(users["expert"], c)
    join(users["focal_point"], c)
    first = services.amendment_propose(actor=users["focal_point"], section=sec, proposed_text="A.")
    stale = services.amendment_propose(actor=users["expert"], section=sec, proposed_text="B.")
    services.amendment_decide(
        actor=users["coordinator"], amendment=first, accept=True, reason="Fine."
    )
    url = reverse("consultations:section", args=[c.pk, sec.number])
    mine = clients["expert"].get(url).content.decode()
    assert "Stale" in mine and "Re-base amendment" in mine
    other = clients["focal_point"].get(url).content.decode()
    assert "Stale" in other and "Re-base amendment" not in other
    # Someone else's stale amendment: refused, nothing changes.
    refused = clients["focal_point"].post(
        url,
        {"kind": "rebase", "amendment": stale.pk, f"rebase-{stale.pk}-proposed_text": "X."},
        follow=True,
    )
    assert "cannot be re-based" in refused.content.decode()
    assert Amendment.objects.get(pk=stale.pk).proposed_text == "B."
    done = clients["expert"].post(
        url,
        {"kind": "rebase", "amendment": stale.pk, f"rebase-{stale.pk}-proposed_text": "A and B."},
        follow=True,
    )
    assert "re-based" in done.content.decode()
    stale.refresh_from_db()
    assert not stale.is_stale and stale.proposed_text == "A and B."


def test_delphi_answers_given_before_joining_are_kept(
    c: Consultation, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    """Issue 14: answers submitted before joining were silently lost."""
    rnd = services.delphi_round_create(
        actor=users["coordinator"], consultation=c, title="Priorities", items=["Alpha", "Beta"]
    )
    items = list(rnd.items.all())
    url = reverse("consultations:delphi", args=[c.pk, rnd.number])
    client = clients["expert"]
    answers = {f"item_{items[0].pk}": "4", f"item_{items[1].pk}": "2"}
    response = client.post(url, answers)
    join_url = reverse("consultations:join", args=[c.pk])
    assert response.status_code == 302 and response["Location"].startswith(join_url)
    assert not DelphiResponse.objects.exists()
    joined = client.post(response["Location"], {"sector": "private sector", "country": "TT"})
    assert joined.status_code == 302 and joined["Location"] == url
    page = client.get(url).content.decode()
    assert "kept below" in page
    checked = re.findall(r'<input type="radio" name="(item_\d+)" value="(\d)"[^>]*checked', page)
    assert sorted(checked) == sorted((k, v) for k, v in answers.items())
    # Shown once: the next visit starts from what is saved.
    assert "kept below" not in client.get(url).content.decode()
    assert client.post(url, answers).status_code == 302
    saved = {r.item_id: r.rating for r in DelphiResponse.objects.filter(item__round=rnd)}
    assert saved == {items[0].pk: 4, items[1].pk: 2}


def test_editors_create_and_set_up(users: dict[str, Any], clients: dict[str, Client]) -> None:
    url = reverse("consultations:create")
    assert clients["anonymous"].get(url).status_code == 302
    assert "Only editors" in clients["public"].get(url).content.decode()
    response = clients["coordinator"].post(
        url,
        {
            "title": "Made in a page",
            "owner": "org:caricom-impacs",
            "tlp": "TLP:GREEN",
            "participation": "community",
            "community_grouping": "caricom",
            "opens_at": "2020-01-01 00:00:00",
            "closes_at": "2099-01-01 00:00:00",
        },
    )
    assert response.status_code == 302
    c = Consultation.objects.get(title="Made in a page")
    manage = reverse("consultations:manage", args=[c.pk])
    assert clients["expert"].get(manage).status_code == 403
    client = clients["coordinator"]
    client.post(manage, {"kind": "statement", "body": "A statement."})
    client.post(
        manage, {"kind": "round", "title": "R1", "items": "A\nB", "rule": "percent", "scale_max": 5}
    )
    client.post(manage, {"kind": "section", "heading": "One", "text": "Text."})
    assert c.statements.get().status == "accepted"
    assert c.delphi_rounds.get().items.count() == 2
    client.post(manage, {"kind": "close_round", "number": 1})
    assert c.delphi_rounds.get().status == "closed"
    assert c.sections.get().heading == "One"


def test_join_redirects_only_to_local_pages(c: Consultation, clients: dict[str, Client]) -> None:
    url = reverse("consultations:join", args=[c.pk])
    data = {"sector": Sector.ACADEMIA, "country": "JM"}
    response = clients["expert"].post(url + "?next=https://evil.example/", data)
    assert response["Location"] == reverse("consultations:vote", args=[c.pk])
    local = reverse("consultations:draft", args=[c.pk])
    response = clients["expert"].post(url + f"?next={local}", data)
    assert response["Location"] == local


def test_writing_before_joining_leads_to_the_join_page_and_back(
    c: Consultation, clients: dict[str, Client]
) -> None:
    here = reverse("consultations:statement_list", args=[c.pk])
    response = clients["expert"].post(here, {"body": "A statement before joining."}, follow=True)
    join_url = reverse("consultations:join", args=[c.pk])
    assert response.redirect_chain[-1][0] == join_url + f"?next={here.replace('/', '%2F')}"
    assert "Join the consultation first" in response.content.decode()
    assert not c.statements.filter(body="A statement before joining.").exists()


def test_set_up_refuses_bad_input_clearly_and_keeps_what_was_there(
    c: Consultation, clients: dict[str, Client]
) -> None:
    manage = reverse("consultations:manage", args=[c.pk])
    client = clients["coordinator"]
    # Not a number, or no such round: 404, nothing closed.
    assert client.post(manage, {"kind": "close_round", "number": "x"}).status_code == 404
    assert client.post(manage, {"kind": "close_round", "number": "99"}).status_code == 404
    # An unknown kind, or an empty form: said, nothing written.
    page = client.post(manage, {"kind": "statement", "body": ""}, follow=True).content.decode()
    assert "Check the form." in page
    assert not c.statements.exists()
    # A rule the service refuses on this scale: said on the round form, no round.
    response = client.post(
        manage, {"kind": "round", "title": "R", "items": "A\nB", "rule": "70/15", "scale_max": 5}
    )
    assert response.status_code == 200
    assert "This rule needs a 1-9 scale." in response.content.decode()
    assert not c.delphi_rounds.exists()
