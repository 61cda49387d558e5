"""The expert network's hand-offs go through the shared notification service (issue 14):
an inbox item for each recipient who may see the record, and an e-mail (immediate path)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from reef.accounts.models import User
from reef.core.rules import DEMO, WORKER
from reef.experts import services
from reef.experts.models import (
    ExpertProfile,
    MentorPair,
    ReviewAssignment,
    TeamMember,
)
from reef.experts.models import Notification as OldNotification
from reef.experts.tests.helpers import expert, mission, review_round
from reef.notifications.models import Notification
from reef.notifications.render import render
from tests_support.world import make_user

pytestmark = pytest.mark.django_db

OPEN, CLOSE = dt.date(2026, 3, 2), dt.date(2026, 3, 13)


def _inbox(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).select_related("recipient").order_by("pk"))


def _mailed_to(outbox: list[Any]) -> list[str]:
    return sorted(m.to[0] for m in outbox)


def test_team_confirmed_reaches_each_member(
    users: dict[str, Any], mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    members = [make_user() for _ in range(3)]
    expert("Tech T.", user=members[0], roles=("technical",), sector="academia")
    expert("Justice J.", user=members[1], roles=("criminal_justice",))
    expert("Nascent N.", user=members[2], seniority="nascent")
    m = mission(languages=("en",))
    services.mission_team_propose(actor=DEMO, mission=m)
    on_team = {t.profile.user for t in TeamMember.objects.filter(mission=m)}
    assert on_team and on_team <= set(members)
    Notification.objects.all().delete()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mission_team_confirm(actor=users["coordinator"], mission=m)
    sent = _inbox("mission.team_confirmed")
    assert {n.recipient for n in sent} == on_team
    assert {n.subject_id for n in sent} == {m.pk}
    assert sent[0].url == reverse("experts:mission_detail", args=[m.pk])
    shown = render(sent[0])
    assert shown.visible and m.title in shown.title
    assert _mailed_to(mailoutbox) == sorted(u.email for u in on_team)
    assert m.title in mailoutbox[0].subject
    assert not OldNotification.objects.exists()


def _round_with(reviewer: User) -> tuple[Any, ExpertProfile]:
    rnd = review_round(opens_on=OPEN, closes_on=CLOSE, k=1)
    profile = expert("Reviewer R.", bio="incident response CSIRT", user=reviewer)
    services.proposal_add(
        actor=DEMO, round=rnd, title="CSIRT programme", text="incident response CSIRT"
    )
    return rnd, profile


def test_review_invitation_reaches_the_reviewer(
    users: dict[str, Any], mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    reviewer = make_user()
    rnd, profile = _round_with(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(actor=users["coordinator"], round=rnd)
    assignment = ReviewAssignment.objects.get(reviewer=profile)
    sent = _inbox("review.invited")
    assert [(n.recipient, n.subject_id) for n in sent] == [(reviewer, assignment.pk)]
    assert sent[0].url == reverse("experts:round_detail", args=[rnd.pk])
    assert render(sent[0]).title.endswith("CSIRT programme")
    assert _mailed_to(mailoutbox) == [reviewer.email]
    assert "CSIRT programme" in mailoutbox[0].subject
    assert not OldNotification.objects.exists()


def test_review_reminder_reaches_the_reviewer_once_a_day(
    users: dict[str, Any], mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    reviewer = make_user()
    rnd, profile = _round_with(reviewer)
    services.round_open(actor=DEMO, round=rnd)
    mailoutbox.clear()
    day = CLOSE - dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reviews_remind(actor=WORKER, days_before=3, today=day) == 1
        assert services.reviews_remind(actor=WORKER, days_before=3, today=day) == 0
    sent = _inbox("review.reminder")
    assignment = ReviewAssignment.objects.get(reviewer=profile)
    assert [(n.recipient, n.subject_id) for n in sent] == [(reviewer, assignment.pk)]
    assert sent[0].actor is None and sent[0].actor_label  # the worker sent it
    assert _mailed_to(mailoutbox) == [reviewer.email]
    assert "Reminder" in mailoutbox[0].subject
    assert not OldNotification.objects.exists()


def test_mentoring_pair_reaches_mentee_and_mentor_across_countries(
    users: dict[str, Any], mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    mentee_user, mentor_user = make_user(), make_user()
    mentee = expert(
        "Nascent One", user=mentee_user, seniority="nascent", roles=("digital_forensics",)
    )
    mentor = expert(
        "Senior Two",
        user=mentor_user,
        seniority="senior",
        roles=("digital_forensics",),
        country="GD",
    )
    with django_capture_on_commit_callbacks(execute=True):
        pairs = services.mentoring_pairs_propose(actor=users["coordinator"])
    assert [(p.mentee_id, p.mentor_id) for p in pairs] == [(mentee.pk, mentor.pk)]
    pair = pairs[0]
    # The pair is TLP:AMBER owned by the mentee's country; the mentor (another country,
    # no membership) still sees it as a participant, so the notice is not skipped.
    assert pair.owner_country_id != mentor.country_id
    assert MentorPair.objects.for_user(mentor_user).filter(pk=pair.pk).exists()
    sent = _inbox("mentoring.paired")
    assert {n.recipient for n in sent} == {mentee_user, mentor_user}
    assert {n.url for n in sent} == {reverse("experts:growth", args=[mentee.pk])}
    assert "Nascent One" in render(sent[0]).title
    assert _mailed_to(mailoutbox) == sorted([mentee_user.email, mentor_user.email])
    assert not OldNotification.objects.exists()


def test_an_outsider_never_gets_a_notice_about_a_pair(users: dict[str, Any]) -> None:
    from reef.notifications.services import notify

    mentee = expert("Nascent One", user=make_user(), seniority="nascent")
    expert("Senior Two", user=make_user(), seniority="senior")
    pair = services.mentoring_pairs_propose(actor=DEMO)[0]
    assert (
        notify(
            recipients=[users["outsider"]], kind="mentoring.paired", subject_obj=pair, actor=DEMO
        )
        == []
    )
    assert not Notification.objects.filter(recipient=users["outsider"]).exists()
    assert pair.mentee_id == mentee.pk


def test_old_page_moves_to_the_shared_inbox_and_old_api_still_answers(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    from reef.core.tlp import TLP

    old = OldNotification.objects.create(
        recipient=users["expert"], subject="Review invitation: old", body="Old", tlp=TLP.RED
    )
    old.readers.add(users["expert"])
    page = clients["expert"].get(reverse("experts:notifications"))
    assert page.status_code == 302 and page["Location"] == reverse("notifications:inbox")
    assert clients["anonymous"].get(reverse("experts:notifications")).status_code == 302
    api = clients["expert"].get("/api/v1/experts/notifications")
    assert api.status_code == 200
    assert [n["subject"] for n in api.json()] == ["Review invitation: old"]
    assert clients["coordinator"].get("/api/v1/experts/notifications").json() == []
    assert clients["anonymous"].get("/api/v1/experts/notifications").status_code == 401


def test_deleting_a_profile_erases_its_expert_notices(world: None) -> None:
    user = make_user()
    expert("Nascent One", user=user, seniority="nascent")
    expert("Senior Two", user=make_user(), seniority="senior")
    services.mentoring_pairs_propose(actor=DEMO)
    assert Notification.objects.filter(recipient=user).count() == 1
    profile = ExpertProfile.objects.get(user=user)
    data = services.profile_export(actor=user, profile=profile)
    assert [n["kind"] for n in data["inbox"]] == ["mentoring.paired"]
    summary = services.profile_delete(actor=user, profile=profile)
    assert summary["notifications"] == 1
    assert not Notification.objects.filter(recipient=user).exists()
