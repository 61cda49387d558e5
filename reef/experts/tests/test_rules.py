"""The expert network's rules: a permitted and a refused persona for each, system actors,
and the regression tests of issue 13: reviews are independent (item 5) and a mission does
not show a profile its reader may not see (item 9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reef.core.errors import PermissionDenied
from reef.core.rules import DEMO, RULES, WORKER, allowed
from reef.directory.models import Country, Grouping, Organisation
from reef.experts import rules, services
from reef.experts.models import (
    ExpertProfile,
    MentoringActivity,
    MissionRequest,
    Notification,
    Proposal,
    ReviewAssignment,
    ReviewRound,
)
from reef.experts.tests.helpers import expert, mission, review_round
from tests_support.world import make_user

pytestmark = pytest.mark.django_db


def test_every_expert_write_has_a_rule() -> None:
    assert {
        "experts.profile_create",
        "experts.profile_edit",
        "experts.profile_export",
        "experts.profile_delete",
        "experts.mission_request",
        "experts.mission_team_propose",
        "experts.mission_team_edit",
        "experts.mission_team_confirm",
        "experts.round_create",
        "experts.round_window",
        "experts.proposal_add",
        "experts.round_open",
        "experts.round_assign",
        "experts.round_close",
        "experts.review_answer",
        "experts.reviews_read",
        "experts.mentoring_propose",
        "experts.activity_record",
        "experts.notification_read",
    } <= set(RULES)


def test_profile_rules(users: dict[str, Any]) -> None:
    own = expert("Self S.", country="GD", user=users["expert"])
    tt = expert("Other O.", country="TT")
    for rule in (rules.may_edit_profile, rules.may_export_profile, rules.may_delete_profile):
        assert allowed(rule, users["expert"], own), rule.name
        assert not allowed(rule, users["outsider"], own), rule.name
    assert allowed(rules.may_edit_profile, users["coordinator"], tt)
    assert not allowed(rules.may_edit_profile, users["focal_point"], tt)
    assert not allowed(rules.may_export_profile, users["coordinator"], tt)  # the expert only
    assert not allowed(rules.may_export_profile, DEMO, own)
    assert allowed(rules.may_delete_profile, users["coordinator"], tt)  # no account
    assert not allowed(rules.may_delete_profile, users["coordinator"], own)  # has an account
    gd = Country.objects.get(code="GD")
    mine = ExpertProfile(user=users["public"], country=gd)
    assert allowed(rules.may_create_profile, users["public"], mine)
    assert not allowed(rules.may_create_profile, users["outsider"], mine)
    assert allowed(rules.may_create_profile, users["coordinator"], ExpertProfile(country=gd))
    assert not allowed(rules.may_create_profile, users["focal_point"], ExpertProfile(country=gd))
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=users["outsider"], profile=tt, name="Changed")
    tt.refresh_from_db()
    assert tt.name == "Other O."


def test_mission_and_round_rules(users: dict[str, Any]) -> None:
    gd = Country.objects.get(code="GD")
    draft = MissionRequest(country=gd)
    assert allowed(rules.may_request_mission, users["focal_point"], draft)
    assert allowed(rules.may_request_mission, users["coordinator"], draft)
    assert not allowed(rules.may_request_mission, users["donor"], draft)
    m = mission()
    for rule in (rules.may_propose_team, rules.may_edit_team, rules.may_confirm_team):
        assert allowed(rule, users["coordinator"], m), rule.name
        assert not allowed(rule, users["focal_point"], m), rule.name
        assert allowed(rule, DEMO, m), rule.name
    caricom = Grouping.objects.get(slug="caricom")
    assert allowed(rules.may_create_round, users["coordinator"], ReviewRound(grouping=caricom))
    assert not allowed(rules.may_create_round, users["focal_point"], ReviewRound(grouping=caricom))
    rnd = review_round(opens_on=dt.date(2026, 6, 1), closes_on=dt.date(2026, 6, 30))
    for rule in (
        rules.may_set_window,
        rules.may_add_proposal,
        rules.may_open_round,
        rules.may_assign_round,
        rules.may_close_round,
    ):
        assert allowed(rule, users["coordinator"], rnd), rule.name
        assert not allowed(rule, users["donor"], rnd), rule.name
    with pytest.raises(PermissionDenied):
        services.round_set_window(actor=users["donor"], round=rnd, closes_on=dt.date(2026, 7, 30))


def test_mentoring_and_inbox_rules(users: dict[str, Any]) -> None:
    assert allowed(rules.may_propose_mentoring, users["coordinator"])
    assert not allowed(rules.may_propose_mentoring, users["focal_point"])
    assert allowed(rules.may_propose_mentoring, DEMO)
    with pytest.raises(PermissionDenied):
        services.mentoring_pairs_propose(actor=users["focal_point"])
    specialist = expert("Nascent N.", country="GD", seniority="nascent", user=users["expert"])
    activity = MentoringActivity(specialist=specialist, pair=None)
    assert allowed(rules.may_record_activity, users["expert"], activity)
    assert allowed(rules.may_record_activity, users["coordinator"], activity)
    assert not allowed(rules.may_record_activity, users["outsider"], activity)
    note = Notification(recipient=users["expert"], subject="x")
    assert allowed(rules.may_mark_read, users["expert"], note)
    assert not allowed(rules.may_mark_read, users["coordinator"], note)
    assert not allowed(rules.may_mark_read, WORKER, note)


# --------------------------------------------------------------------------- item 5


def _round_with_two_reviewers() -> tuple[ReviewRound, Proposal, Any, Any, Any, Any]:
    """An open round (window around today) with one proposal by the OAS and two
    reviewers who have accounts; both accepted."""
    today = timezone.localdate()
    opens = today - dt.timedelta(days=today.weekday())
    rnd = review_round(opens_on=opens, closes_on=opens + dt.timedelta(days=18), k=2)
    first, second = make_user(), make_user()
    a = expert("Reviewer A.", bio="incident response CSIRT", user=first)
    b = expert("Reviewer B.", bio="incident response teams CSIRT", user=second)
    proposal = services.proposal_add(
        actor=DEMO,
        round=rnd,
        title="CSIRT programme",
        text="incident response CSIRT",
        author_organisation=Organisation.objects.get(slug="oas"),
    )
    services.round_open(actor=DEMO, round=rnd)
    mine = ReviewAssignment.objects.get(reviewer=a)
    theirs = ReviewAssignment.objects.get(reviewer=b)
    services.assignment_accept(actor=first, assignment=mine)
    services.assignment_accept(actor=second, assignment=theirs)
    return rnd, proposal, first, second, mine, theirs


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_reviewer_who_has_not_submitted_cannot_read_the_others_reviews(
    clients: dict[str, Client],
) -> None:
    rnd, proposal, first, second, mine, theirs = _round_with_two_reviewers()
    services.review_submit(actor=first, assignment=mine, score=2, comments="Secret judgement of A.")
    api = f"/api/v1/experts/proposals/{proposal.pk}/feedback"
    page = reverse("experts:proposal_feedback", args=[proposal.pk])
    waiting = _client(second)
    # B has not submitted: counts only, no score, no comment, through the API and the page.
    body = waiting.get(api).json()
    assert body["reviews"] == 1 and body["shown"] is False
    assert body["mean"] is None and body["comments"] == [] and body["distribution"] == {}
    assert "Secret judgement" not in waiting.get(page).content.decode()
    assert (
        "Secret judgement"
        not in waiting.get(reverse("experts:round_detail", args=[rnd.pk])).content.decode()
    )
    # Nor may the proposer (the OAS, the donor persona) or the round's coordinator yet.
    for name in ("donor", "coordinator"):
        assert clients[name].get(api).json()["mean"] is None, name
        assert "Secret judgement" not in clients[name].get(page).content.decode(), name
    # A, who has submitted, sees them; so does B once B has submitted.
    assert _client(first).get(api).json()["comments"] == ["Secret judgement of A."]
    services.review_submit(actor=second, assignment=theirs, score=4, comments="B's view.")
    assert waiting.get(api).json()["mean"] == 3.0
    # Once the round is closed (after the window), the proposer reads the feedback.
    ReviewRound.objects.filter(pk=rnd.pk).update(status=ReviewRound.Status.CLOSED)
    assert clients["donor"].get(api).json()["mean"] == 3.0
    assert "Secret judgement of A." in clients["donor"].get(page).content.decode()
    # The outsider still may not see the proposal at all.
    assert clients["outsider"].get(api).status_code == 404


def test_reviews_rule_follows_the_independent_phase(users: dict[str, Any]) -> None:
    # `users` builds the world: a transactional test before this one may have flushed the
    # reference data (groupings) that the data migrations load.
    _rnd, proposal, first, second, mine, _theirs = _round_with_two_reviewers()
    assert allowed(rules.may_answer_invitation, first, mine)
    assert not allowed(rules.may_answer_invitation, second, mine)
    assert not allowed(rules.may_answer_invitation, DEMO, mine)  # nobody answers for them
    with pytest.raises(PermissionDenied):
        services.review_submit(actor=second, assignment=mine, score=5, comments="not mine")
    assert not allowed(rules.may_see_reviews, first, proposal)
    services.review_submit(actor=first, assignment=mine, score=3, comments="ok")
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert allowed(rules.may_see_reviews, first, proposal)
    assert not allowed(rules.may_see_reviews, second, proposal)


# --------------------------------------------------------------------------- item 9


def test_a_mission_does_not_show_a_profile_its_reader_may_not_see(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    hidden = expert("Amber Member", country="TT", sector="academia", seniority="senior")
    m = mission(country="GD")
    services.team_member_add(actor=DEMO, mission=m, profile=hidden)
    focal = clients["focal_point"]  # sees Grenada's mission, not Trinidad's AMBER profile
    assert focal.get(reverse("experts:profile_detail", args=[hidden.pk])).status_code == 404
    assert focal.get(f"/api/v1/experts/profiles/{hidden.pk}").status_code == 404
    page = focal.get(reverse("experts:mission_detail", args=[m.pk])).content.decode()
    assert "Amber Member" not in page and "profile not shared with you" in page
    assert "Trinidad" not in page
    member = focal.get(f"/api/v1/experts/missions/{m.pk}").json()["team"][0]
    assert member["expert"] is None and member["shared"] is False
    assert "Amber Member" not in str(member) and member["covers"] == [] and member["reason"] == ""
    # The region's coordinator may see the profile, so the mission names the expert.
    coordinator = clients["coordinator"]
    assert coordinator.get(reverse("experts:profile_detail", args=[hidden.pk])).status_code == 200
    assert (
        "Amber Member"
        in coordinator.get(reverse("experts:mission_detail", args=[m.pk])).content.decode()
    )
    shown = coordinator.get(f"/api/v1/experts/missions/{m.pk}").json()["team"][0]
    assert shown["expert"] == hidden.pk and shown["name"] == "Amber Member"


def test_growth_page_offers_recording_only_to_whom_the_rule_allows(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    specialist = expert("Nascent G.", country="GD", seniority="nascent", user=users["expert"])
    url = reverse("experts:growth", args=[specialist.pk])
    own = clients["expert"].get(url).content.decode()
    assert "Record an activity" in own
    member = clients["focal_point"].get(url)  # Grenada's manager sees the growth page
    assert member.status_code == 200 and "Record an activity" not in member.content.decode()
    refused = clients["focal_point"].post(url, {"kind": "training", "on": "2026-05-01"})
    assert refused.status_code in {302, 403}
    assert not MentoringActivity.objects.filter(specialist=specialist).exists()
