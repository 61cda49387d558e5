"""Opinion groups people can read: bars per statement on the report page, and "you are in
group B; you differ most on ..." for a participant, on the page and in the API."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from reef.consultations import services
from reef.consultations.models import Consultation, Statement
from reef.consultations.tests.helpers import (
    CAMP_STATEMENTS,
    camp_votes,
    community_consultation,
    hidden_consultation,
    join,
    two_camps,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(users: dict[str, Any]) -> Consultation:
    consultation = community_consultation(users["coordinator"])
    two_camps(users["coordinator"], consultation)
    return consultation


def _vote_like_camp(user: Any, consultation: Consultation, camp: int) -> None:
    join(user, consultation)
    votes = camp_votes(camp)
    for s in Statement.objects.filter(consultation=consultation):
        services.vote_cast(actor=user, statement=s, value=votes[s.number])


def _report(client: Client, c: Consultation, query: str = "") -> tuple[int, str]:
    response = client.get(reverse("consultations:report", args=[c.pk]) + query)
    return response.status_code, response.content.decode()


def _api(client: Client, c: Consultation) -> Any:
    return client.get(f"/api/v1/consultations/{c.pk}/me/group")


def test_bars_per_statement_for_who_may_read_the_report(
    c: Consultation, clients: dict[str, Client]
) -> None:
    services.consultation_analyse(consultation=c)
    assert _report(clients["anonymous"], c)[0] == 404
    assert _report(clients["public"], c)[0] == 404  # not in the community
    status, page = _report(clients["expert"], c)
    assert status == 200
    assert "How each group voted" in page and "An opinion group is" in page
    figures = re.findall(r'<figure class="group-bars" id="bars-(\d+)">', page)
    # The divided statements first, then the rest in order.
    assert figures[:4] == ["1", "2", "3", "4"] and sorted(figures[4:]) == ["5", "6"]
    first = page.split('id="bars-1"')[1].split("</figure>")[0]
    assert "sets group A apart" in first or "divides the groups" in first
    # One bar per group, labelled by letter (not by colour alone), with a table alternative.
    assert re.findall(r'font-weight="bold" fill="#1f2a33">([A-Z])</text>', first) == ["A", "B"]
    assert '<table class="visually-hidden">' in first and '<th scope="row">Group A</th>' in first
    assert first.count("<td>100 %</td>") == 2  # A agrees, B disagrees, all of them
    # A participant-free reader is told nothing about "your" group.
    assert "Your opinion group" not in page


def test_svg_numbers_have_a_dot_in_spanish(c: Consultation, clients: dict[str, Client]) -> None:
    services.consultation_analyse(consultation=c)
    client = clients["expert"]
    client.cookies["django_language"] = "es"
    page = client.get(
        reverse("consultations:report", args=[c.pk]), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert '<html lang="es">' in page
    bars = re.findall(r'<svg viewBox="0 0 272 [^"]*"[^>]*>.*?</svg>', page, re.S)
    assert len(bars) == len(CAMP_STATEMENTS)
    numbers = re.findall(r'\s(?:x|y|width|height)="([^"]*)"', "".join(bars))
    assert numbers and all(re.fullmatch(r"\d+(\.\d+)?", n) for n in numbers)
    assert any("." in n for n in numbers)


def test_a_participant_sees_their_group_and_where_it_differs(
    c: Consultation, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    _vote_like_camp(users["expert"], c, camp=1)
    services.consultation_analyse(consultation=c)
    status, page = _report(clients["expert"], c)
    assert status == 200
    mine = page.split('id="my-group"')[1].split("</section>")[0]
    found = re.search(r"You are in group ([A-Z]) \((\d+) people\)", mine)
    assert found is not None and found.group(2) == "5"
    label = found.group(1)
    # Camp 1 disagrees with statements 1-4 where the others agree: the top three named.
    for body in CAMP_STATEMENTS[:3]:
        assert body in mine
    assert CAMP_STATEMENTS[3] not in mine.split("All groups agree on")[0]
    assert f"group {label} disagrees 100 %, others 0 %" in mine
    assert "All groups agree on" in mine and CAMP_STATEMENTS[4] in mine
    # Each statement named links to its bars.
    assert f'<a href="?page=1#bars-1">{CAMP_STATEMENTS[0]}</a>' in mine
    assert f'data-group="{label}"' in page and 'data-status="placed"' in page
    # The API says the same.
    body = _api(clients["expert"], c).json()
    assert body["status"] == "placed" and body["label"] == label and body["size"] == 5
    assert [d["statement"] for d in body["differences"]] == [1, 2, 3]
    assert body["differences"][0] == {
        "statement": 1,
        "body": CAMP_STATEMENTS[0],
        "direction": "disagree",
        "group_share": 1.0,
        "others_share": 0.0,
    }
    assert {x["statement"] for x in body["common"]} == {5, 6}


def test_votes_after_the_analysis_wait_for_the_next_update(
    c: Consultation, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    services.consultation_analyse(consultation=c)
    join(users["expert"], c)
    # Joined, no votes: asked to vote.
    assert _api(clients["expert"], c).json()["status"] == "no_votes"
    assert "Vote on statements to be placed" in _report(clients["expert"], c)[1]
    _vote_like_camp(users["expert"], c, camp=0)  # the queued analysis is held by the test
    _, page = _report(clients["expert"], c)
    assert "your place will be shown after the next update" in page
    assert _api(clients["expert"], c).json()["status"] == "pending"
    services.consultation_analyse(consultation=c)
    assert _api(clients["expert"], c).json()["status"] == "placed"
    # Voting again: still shown, with a note that the next update may move them.
    s = Statement.objects.get(consultation=c, number=1)
    services.vote_cast(actor=users["expert"], statement=s, value=0)
    body = _api(clients["expert"], c).json()
    assert body["status"] == "placed" and body["update_due"] is True
    assert "your place may change with the next update" in _report(clients["expert"], c)[1]


def test_statements_moderated_out_are_not_named(
    c: Consultation, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    _vote_like_camp(users["expert"], c, camp=1)
    services.consultation_analyse(consultation=c)
    first = Statement.objects.get(consultation=c, number=1)
    services.statement_moderate(
        actor=users["coordinator"], statement=first, status=Statement.Status.REJECTED
    )
    # The stored analysis still counts statement 1; the page and the API leave it out.
    body = _api(clients["expert"], c).json()
    assert [d["statement"] for d in body["differences"]] == [2, 3, 4]
    _, page = _report(clients["expert"], c)
    assert 'id="bars-1"' not in page
    assert CAMP_STATEMENTS[0] not in page.split('id="my-group"')[1].split("</section>")[0]
    # Nor among the statements that set a group apart.
    assert CAMP_STATEMENTS[0] not in page.split("What each group thinks")[1].split("</section>")[0]


def test_my_group_api_access(users: dict[str, Any], clients: dict[str, Client]) -> None:
    c = community_consultation(users["coordinator"])
    hidden = hidden_consultation(users["focal_point"])
    assert _api(clients["anonymous"], c).status_code == 404  # TLP:GREEN: not visible
    assert _api(clients["public"], c).status_code == 404  # not in the community
    assert _api(clients["expert"], hidden).status_code == 404
    response = _api(clients["expert"], c)
    assert response.status_code == 200 and response.json()["status"] == "not_joined"
    assert clients["expert"].get("/api/v1/consultations/999999/me/group").status_code == 404
    assert clients["expert"].get("/api/v1/consultations/x/me/group").status_code == 422


def test_bars_come_a_page_at_a_time(
    users: dict[str, Any], clients: dict[str, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reef.consultations.views import opinion_report

    monkeypatch.setattr(opinion_report, "BARS_PER_PAGE", 4)  # where the report view reads it
    c = community_consultation(users["coordinator"])
    two_camps(users["coordinator"], c)
    services.consultation_analyse(consultation=c)
    client = clients["expert"]
    _, first = _report(client, c)
    assert re.findall(r'id="bars-(\d+)"', first) == ["1", "2", "3", "4"]
    assert "Page 1 of 2" in first and "?page=2#group-bars" in first
    _, second = _report(client, c, "?page=2")
    assert sorted(re.findall(r'id="bars-(\d+)"', second)) == ["5", "6"]
    # The polling keeps the page; a bad page number shows a page, not an error.
    assert f'hx-get="/consultations/{c.pk}/report/?page=2"' in second
    for bad in ("?page=x", "?page=-3", "?page=999"):
        status, page = _report(client, c, bad)
        assert status == 200 and 'id="bars-' in page, bad
