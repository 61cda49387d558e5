"""Pages and API of the expert network as anonymous, a user without access and with access."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reef.core.rules import DEMO
from reef.experts import services
from reef.experts.models import ExpertProfile, MissionRequest, ReviewAssignment, ReviewRound
from reef.experts.tests.helpers import expert, mission, review_round
from tests_support.world import make_user

pytestmark = pytest.mark.django_db


def test_profile_list_and_detail_follow_the_opt_in_and_contact_label(
    clients: dict[str, Client],
) -> None:
    public = expert("Open O.", public=True, country="TT")
    services.profile_update(actor=DEMO, profile=public, contact_tlp="TLP:GREEN")
    private = expert("Hidden H.", country="GD")
    anonymous = clients["anonymous"].get(reverse("experts:home"))
    assert anonymous.status_code == 200
    assert b"Open O." in anonymous.content and b"Hidden H." not in anonymous.content
    page = clients["anonymous"].get(reverse("experts:profile_detail", args=[public.pk]))
    assert page.status_code == 200 and b"open@example.org" not in page.content  # GREEN contact
    public_page = clients["public"].get(reverse("experts:profile_detail", args=[public.pk]))
    assert b"open@example.org" not in public_page.content  # no role: not the community
    donor_page = clients["donor"].get(reverse("experts:profile_detail", args=[public.pk]))
    assert b"open@example.org" in donor_page.content  # community member
    url = reverse("experts:profile_detail", args=[private.pk])
    assert clients["anonymous"].get(url).status_code == 404
    assert clients["outsider"].get(url).status_code == 404
    assert clients["focal_point"].get(url).status_code == 200  # Grenada member
    assert b"hidden@example.org" in clients["coordinator"].get(url).content  # AMBER: region


def test_expert_creates_exports_and_deletes_their_profile(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    client = clients["public"]
    url = reverse("experts:me")
    form = {
        "name": "Me M.",
        "sector": "academia",
        "country": _country_id("JM"),
        "languages": "en, es",
        "seniority": "junior",
        "max_reviews_per_quarter": 2,
        "contact_tlp": "TLP:AMBER",
    }
    response = client.post(url, form)
    assert response.status_code == 200  # consent missing: the form is shown again
    assert not ExpertProfile.objects.filter(user=users["public"]).exists()
    response = client.post(url, {**form, "consent": "on"})
    assert response.status_code == 302
    profile = ExpertProfile.objects.get(user=users["public"])
    assert profile.consent_version and profile.languages == ["en", "es"]
    client.post(reverse("experts:me_availability"), {"start": "2026-01-01", "end": "2026-06-30"})
    client.post(reverse("experts:me_conflict"), {"kind": "country", "country": _country_id("BB")})
    export = client.get(reverse("experts:me_export"))
    assert export.status_code == 200
    assert "attachment" in export["Content-Disposition"]
    data = json.loads(export.content)
    assert data["profile"]["name"] == "Me M." and len(data["availability"]) == 1
    assert data["conflicts"][0]["country"] == "BB"
    assert clients["expert"].get(reverse("experts:me_export")).status_code == 404  # no profile
    assert client.get(reverse("experts:me_delete")).status_code == 200
    assert client.post(reverse("experts:me_delete")).status_code == 302
    assert not ExpertProfile.objects.filter(user=users["public"]).exists()


def _country_id(code: str) -> int:
    from reef.directory.models import Country

    return Country.objects.get(code=code).pk


def _team_pool() -> None:
    expert("Tech T.", roles=("technical",), country="JM", sector="government")
    expert("Justice J.", roles=("criminal_justice",), country="BB", sector="government")
    expert("Local L.", roles=("policy",), country="TT", sector="academia")
    expert("Runner R.", roles=("technical",), country="LC", sector="government", seniority="junior")
    expert("Nascent N.", roles=("technical",), seniority="nascent")


def test_coordinator_builds_and_confirms_a_mission_team(clients: dict[str, Client]) -> None:
    _team_pool()
    m = mission()
    detail = reverse("experts:mission_detail", args=[m.pk])
    propose = reverse("experts:mission_propose", args=[m.pk])
    # Hidden from the outsider (404), visible but not editable for the focal point (403).
    assert clients["outsider"].post(propose).status_code == 404
    assert clients["focal_point"].post(propose).status_code == 403
    assert clients["anonymous"].get(detail).status_code == 404
    page = clients["focal_point"].get(detail)
    assert page.status_code == 200 and b'id="propose-team"' not in page.content
    assert b"runner-up" not in page.content  # second-best choices are for coordinators
    coordinator = clients["coordinator"]
    assert b'id="propose-team"' in coordinator.get(detail).content
    assert coordinator.post(propose).status_code == 302
    page = coordinator.get(detail)
    content = page.content.decode()
    assert "fills the required technical role" in content
    assert "Runner R." in content  # the second-best choice for the technical seat
    assert 'id="coverage-ok"' in content
    member = m.team.get(profile__name="Local L.")
    coordinator.post(reverse("experts:mission_member_remove", args=[m.pk, member.pk]))
    assert 'id="coverage-missing"' in coordinator.get(detail).content.decode()
    coordinator.post(
        reverse("experts:mission_member_add", args=[m.pk]), {"profile": member.profile_id}
    )
    assert coordinator.post(reverse("experts:mission_confirm", args=[m.pk])).status_code == 302
    m.refresh_from_db()
    assert m.status == MissionRequest.Status.CONFIRMED
    assert "Team confirmed" in coordinator.get(detail).content.decode()


def test_mission_request_page(users: dict[str, Any], clients: dict[str, Client]) -> None:
    url = reverse("experts:mission_new")
    assert clients["donor"].get(url).status_code == 403
    response = clients["focal_point"].post(
        url,
        {
            "title": "Grenada mission",
            "country": _country_id("GD"),
            "start": "2026-05-04",
            "end": "2026-05-08",
            "languages": "en",
            "size": 3,
            "nascent_seat": "on",
            "local_rule": "on",
        },
    )
    assert response.status_code == 302
    created = MissionRequest.objects.get(title="Grenada mission")
    assert created.requested_by == users["focal_point"] and created.tlp == "TLP:AMBER"
    # Barbados' focal point may not request for Grenada: the country is not offered.
    response = clients["outsider"].post(
        url,
        {
            "title": "X",
            "country": _country_id("GD"),
            "start": "2026-05-04",
            "end": "2026-05-08",
            "languages": "en",
            "size": 3,
        },
    )
    assert response.status_code == 200 and not MissionRequest.objects.filter(title="X").exists()


def _open_round(reviewer_user: Any) -> tuple[Any, ReviewAssignment]:
    today = timezone.localdate()
    opens = today - dt.timedelta(days=today.weekday())
    rnd = review_round(opens_on=opens, closes_on=opens + dt.timedelta(days=18), k=1)
    mine = expert("Reviewer Me", bio="incident response CSIRT", user=reviewer_user)
    expert("Reviewer Other", bio="incident response teams")
    services.proposal_add(
        actor=DEMO, round=rnd, title="CSIRT programme", text="incident response CSIRT"
    )
    services.round_open(actor=DEMO, round=rnd)
    return rnd, ReviewAssignment.objects.get(reviewer=mine)


def test_reviewer_accepts_reviews_or_declines(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    rnd, assignment = _open_round(users["expert"])
    client = clients["expert"]
    page = client.get(reverse("experts:round_detail", args=[rnd.pk]))
    assert page.status_code == 200 and b"Accept" in page.content
    assert (
        clients["outsider"].get(reverse("experts:round_detail", args=[rnd.pk])).status_code == 404
    )
    respond = reverse("experts:assignment_respond", args=[assignment.pk])
    assert clients["coordinator"].post(respond, {"answer": "accept"}).status_code == 404
    client.post(respond, {"answer": "accept"})
    review = reverse("experts:review_form", args=[assignment.pk])
    assert client.post(review, {"score": "4", "comments": "Well scoped."}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "submitted" and assignment.score == 4
    feedback_url = reverse("experts:proposal_feedback", args=[assignment.proposal_id])
    assert b"Well scoped." not in clients["coordinator"].get(feedback_url).content
    assert b"Well scoped." in client.get(feedback_url).content
    ReviewRound.objects.filter(pk=rnd.pk).update(status="closed")
    feedback = clients["coordinator"].get(feedback_url)
    assert b"Well scoped." in feedback.content and b"Reviewer Me" not in feedback.content
    # Someone outside the round and the proposer's organisation: 404.
    assert (
        clients["outsider"]
        .get(reverse("experts:proposal_feedback", args=[assignment.proposal_id]))
        .status_code
        == 404
    )


def test_decline_through_the_page_reassigns(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    _rnd, assignment = _open_round(users["expert"])
    clients["expert"].post(
        reverse("experts:assignment_respond", args=[assignment.pk]),
        {"answer": "decline", "reason": "conflict of schedule"},
    )
    live = assignment.proposal.assignments.exclude(status="declined")
    assert [a.reviewer.name for a in live if a.reviewer] == ["Reviewer Other"]


def test_round_window_page_refuses_shortening(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    rnd, _ = _open_round(make_user())
    url = reverse("experts:round_window", args=[rnd.pk])
    shorter = rnd.closes_on - dt.timedelta(days=1)
    response = clients["coordinator"].post(url, {"closes_on": shorter.isoformat()}, follow=True)
    assert b"cannot be shortened" in response.content
    rnd.refresh_from_db()
    assert rnd.closes_on != shorter
    assert clients["focal_point"].post(url, {"closes_on": shorter.isoformat()}).status_code == 404


def test_notifications_are_private(users: dict[str, Any], clients: dict[str, Client]) -> None:
    _open_round(users["expert"])
    inbox = reverse("notifications:inbox")
    assert clients["expert"].get(reverse("experts:notifications"))["Location"] == inbox
    assert b"Review invitation" in clients["expert"].get(inbox).content
    assert b"Review invitation" not in clients["coordinator"].get(inbox).content


# --------------------------------------------------------------------------- API


def test_api_profiles(clients: dict[str, Client]) -> None:
    public = expert("Open O.", public=True)
    private = expert("Hidden H.", country="GD")
    listed = clients["anonymous"].get("/api/v1/experts/profiles").json()
    assert [p["name"] for p in listed] == ["Open O."]
    assert listed[0]["contact_email"] is None  # AMBER contact details
    assert clients["anonymous"].get(f"/api/v1/experts/profiles/{private.pk}").status_code == 404
    got = clients["coordinator"].get(f"/api/v1/experts/profiles/{private.pk}")
    assert got.status_code == 200 and got.json()["contact_email"] == "hidden@example.org"
    assert clients["anonymous"].get(f"/api/v1/experts/profiles/{public.pk}").status_code == 200


def test_api_mission_team(clients: dict[str, Client]) -> None:
    _team_pool()
    m = mission()
    url = f"/api/v1/experts/missions/{m.pk}"
    assert clients["anonymous"].get(url).status_code == 404
    assert clients["outsider"].get(url).status_code == 404
    assert clients["focal_point"].get(url).status_code == 200
    assert clients["anonymous"].post(f"{url}/propose").status_code == 401
    assert clients["focal_point"].post(f"{url}/propose").status_code == 403
    proposed = clients["coordinator"].post(f"{url}/propose")
    assert proposed.status_code == 200
    body = proposed.json()
    assert body["status"] == "proposed" and body["missing"] == []
    technical = next(x for x in body["team"] if x["seat"] == "role:technical")
    assert technical["reason"] and technical["runner_up_name"] == "Runner R."
    confirmed = clients["coordinator"].post(f"{url}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    again = clients["coordinator"].post(f"{url}/confirm")
    assert again.status_code == 400


def test_api_export_delete_and_reviews(users: dict[str, Any], clients: dict[str, Client]) -> None:
    assert clients["anonymous"].get("/api/v1/experts/me/export").status_code == 401
    assert clients["expert"].get("/api/v1/experts/me/export").status_code == 404
    rnd, assignment = _open_round(users["expert"])
    client = clients["expert"]
    assert client.get("/api/v1/experts/me/export").json()["profile"]["name"] == "Reviewer Me"
    rounds = client.get("/api/v1/experts/rounds").json()
    assert [r["id"] for r in rounds] == [rnd.pk]
    assert clients["outsider"].get(f"/api/v1/experts/rounds/{rnd.pk}").status_code == 404
    url = f"/api/v1/experts/assignments/{assignment.pk}"
    assert clients["coordinator"].post(f"{url}/accept").status_code == 404
    assert client.post(f"{url}/accept").json()["status"] == "accepted"
    bad = client.post(
        f"{url}/review", {"score": 9, "comments": "x"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "1 to 5" in bad.json()["detail"]
    ok = client.post(
        f"{url}/review", {"score": 5, "comments": "Good."}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["score"] == 5
    feedback_url = f"/api/v1/experts/proposals/{assignment.proposal_id}/feedback"
    # Independence: the coordinator waits for the round to close; the reviewer who
    # submitted sees the feedback.
    withheld = clients["coordinator"].get(feedback_url).json()
    assert withheld["reviews"] == 1 and withheld["mean"] is None and withheld["comments"] == []
    assert client.get(feedback_url).json()["mean"] == 5.0
    ReviewRound.objects.filter(pk=rnd.pk).update(status="closed")
    assert clients["coordinator"].get(feedback_url).json()["mean"] == 5.0
    summary = client.delete("/api/v1/experts/me").json()
    assert summary["reviews_anonymised"] == 1
    assert not ExpertProfile.objects.filter(user=users["expert"]).exists()


def test_api_mission_request(clients: dict[str, Client]) -> None:
    body = {
        "title": "API mission",
        "country": "gd",
        "start": "2026-05-04",
        "end": "2026-05-08",
        "expertise": ["cmm-1.2"],
        "organisations": ["gd-ict-ministry"],
    }
    assert (
        clients["anonymous"]
        .post("/api/v1/experts/missions", body, content_type="application/json")
        .status_code
        == 401
    )
    assert (
        clients["outsider"]
        .post("/api/v1/experts/missions", body, content_type="application/json")
        .status_code
        == 403
    )
    bad = clients["focal_point"].post(
        "/api/v1/experts/missions", {**body, "end": "2026-05-01"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["field"] == "end"
    made = clients["focal_point"].post(
        "/api/v1/experts/missions", body, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["status"] == "requested"
    assert (
        clients["outsider"].get(f"/api/v1/experts/missions/{made.json()['id']}").status_code == 404
    )


def test_coordinator_creates_a_round_with_a_proposal(clients: dict[str, Client]) -> None:
    from reef.directory.models import Grouping
    from reef.experts.models import ReviewRound

    assert clients["focal_point"].get(reverse("experts:round_new")).status_code == 403
    caricom = Grouping.objects.get(slug="caricom").pk
    form = {
        "title": "Round",
        "grouping": caricom,
        "opens_on": "2026-03-02",
        "closes_on": "2026-03-06",
        "reviewers_per_proposal": 2,
        "objective": "total",
    }
    short = clients["coordinator"].post(reverse("experts:round_new"), form)
    assert short.status_code == 200 and b"10 working days" in short.content
    made = clients["coordinator"].post(
        reverse("experts:round_new"), {**form, "closes_on": "2026-03-13"}
    )
    assert made.status_code == 302
    rnd = ReviewRound.objects.get(title="Round")
    assert rnd.owner_organisation is not None and rnd.owner_organisation.slug == "caricom-impacs"
    url = reverse("experts:proposal_new", args=[rnd.pk])
    assert (
        clients["coordinator"].post(url, {"title": "P", "text": "incident response"}).status_code
        == 302
    )
    assert rnd.proposals.count() == 1


def test_profile_filter_answers_htmx_with_rows(clients: dict[str, Client]) -> None:
    expert("Open Academic", public=True, sector="academia")
    expert("Open Private", public=True, sector="private")
    response = clients["anonymous"].get(
        reverse("experts:home"), {"sector": "academia"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Open Academic" in response.content and b"Open Private" not in response.content


def test_directory_is_paged_and_keeps_its_filter(
    clients: dict[str, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Patched where `home` reads it.
    from reef.experts.views import profiles

    monkeypatch.setattr(profiles, "PROFILES_PER_PAGE", 2)
    for name in ("Ann Academic", "Bob Academic", "Cid Academic"):
        expert(name, public=True, sector="academia")
    expert("Dee Private", public=True, sector="private")
    url = reverse("experts:home")
    first = clients["anonymous"].get(url, {"sector": "academia"})
    assert first.status_code == 200
    assert b"Ann Academic" in first.content and b"Cid Academic" not in first.content
    assert b"?sector=academia&amp;page=2" in first.content  # the pager keeps the filter
    second = clients["anonymous"].get(url, {"sector": "academia", "page": "2"})
    assert b"Cid Academic" in second.content and b"Ann Academic" not in second.content
    assert b"Dee Private" not in second.content
    # A page that is not a number is the first; one past the end is the last.
    assert b"Ann Academic" in clients["anonymous"].get(url, {"page": "x"}).content
    assert clients["anonymous"].get(url, {"page": "99"}).status_code == 200
    # The htmx filter answers the list with its pager.
    fragment = clients["anonymous"].get(url, {"sector": "academia"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content and b'class="pagination"' in fragment.content
