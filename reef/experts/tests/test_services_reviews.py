"""Review round services: windows, reviewer assignment, declines, reviews and reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import DEMO
from reef.directory.models import Country, Organisation
from reef.experts import services
from reef.experts.models import (
    ExpertProfile,
    ReviewAssignment,
    ReviewRound,
)
from reef.experts.tests.helpers import CLOSE, OPEN, expert, review_round
from reef.notifications.models import Notification as InboxNotification
from tests_support.world import make_user

pytestmark = pytest.mark.django_db


def test_working_days() -> None:
    assert services.working_days(OPEN, CLOSE) == 10
    assert services.working_days(dt.date(2026, 3, 7), dt.date(2026, 3, 8)) == 0  # a weekend
    assert services.working_days(CLOSE, OPEN) == 0


# --------------------------------------------------------------------------- reviews


def test_the_shortest_window_is_a_setting(world: None, settings: Any) -> None:
    settings.REEF_REVIEW_MIN_WORKING_DAYS = 5
    friday = OPEN + dt.timedelta(days=4)
    assert review_round(opens_on=OPEN, closes_on=friday).closes_on == friday
    with pytest.raises(ServiceError, match="5 working days"):
        review_round(opens_on=OPEN, closes_on=friday - dt.timedelta(days=1))


def test_window_must_be_long_enough_and_cannot_be_shortened(users: dict[str, Any]) -> None:
    with pytest.raises(ServiceError, match="10 working days"):
        review_round(opens_on=OPEN, closes_on=CLOSE - dt.timedelta(days=1))
    rnd = review_round(opens_on=OPEN, closes_on=CLOSE + dt.timedelta(days=7))
    coordinator = users["coordinator"]
    services.round_set_window(actor=coordinator, round=rnd, closes_on=CLOSE)  # draft: may move
    expert("Reviewer R.", bio="incident response")
    services.proposal_add(actor=DEMO, round=rnd, title="CSIRT programme", text="incident response")
    services.round_open(actor=coordinator, round=rnd)
    with pytest.raises(ServiceError, match="cannot be shortened"):
        services.round_set_window(
            actor=coordinator, round=rnd, closes_on=CLOSE - dt.timedelta(days=1)
        )
    with pytest.raises(ServiceError, match="start"):
        services.round_set_window(
            actor=coordinator,
            round=rnd,
            opens_on=OPEN + dt.timedelta(days=1),
            closes_on=CLOSE + dt.timedelta(days=5),
        )
    with pytest.raises(ServiceError, match="cut short"):
        services.round_close(actor=coordinator, round=rnd, today=CLOSE)
    rnd.refresh_from_db()
    assert (rnd.opens_on, rnd.closes_on) == (OPEN, CLOSE)
    services.round_set_window(actor=coordinator, round=rnd, closes_on=CLOSE + dt.timedelta(days=3))
    rnd.refresh_from_db()
    assert rnd.closes_on == CLOSE + dt.timedelta(days=3)
    with pytest.raises(PermissionDenied):
        services.round_set_window(
            actor=users["outsider"], round=rnd, closes_on=CLOSE + dt.timedelta(days=9)
        )


def _round_with_reviewers() -> tuple[ReviewRound, dict[str, ExpertProfile]]:
    rnd = review_round(opens_on=OPEN, closes_on=CLOSE, k=2)
    people = {
        "ir": expert(
            "Incident I.", bio="incident response CSIRT national CERT operations", max_reviews=1
        ),
        "law": expert(
            "Law L.",
            bio="cybercrime law prosecution legislation Budapest convention",
            max_reviews=1,
        ),
        "edu": expert(
            "Educator E.", bio="cyber security education curriculum awareness", max_reviews=2
        ),
        "gen": expert("General G.", bio="cyber security strategy", max_reviews=2),
        "oas": expert("Staff S.", bio="incident response CSIRT", organisation="oas", max_reviews=5),
        "gov": expert(
            "Official O.",
            bio="incident response CSIRT",
            sector="government",
            country="GD",
            max_reviews=5,
        ),
        "person": expert("Friend F.", bio="incident response CSIRT", max_reviews=5),
        "nascent": expert(
            "Novice N.", bio="incident response CSIRT", seniority="nascent", max_reviews=5
        ),
    }
    services.conflict_declare(
        actor=DEMO, profile=people["person"], kind="person", person_name="A. Author"
    )
    oas = Organisation.objects.get(slug="oas")
    gd = Country.objects.get(code="GD")
    services.proposal_add(
        actor=DEMO,
        round=rnd,
        title="National CSIRT programme",
        text="Set up a national CSIRT: incident response, CERT operations.",
        author_organisation=oas,
        author_name="A. Author",
        country=gd,
    )
    services.proposal_add(
        actor=DEMO,
        round=rnd,
        title="Cybercrime legislation",
        text="Model cybercrime law and prosecution training.",
        author_organisation=oas,
        country=gd,
    )
    return rnd, people


def test_assignment_respects_needs_loads_and_conflicts(users: dict[str, Any]) -> None:
    rnd, people = _round_with_reviewers()
    services.round_open(actor=users["coordinator"], round=rnd)
    rnd.refresh_from_db()
    assert rnd.status == ReviewRound.Status.OPEN
    assignments = list(ReviewAssignment.objects.filter(proposal__round=rnd))
    per_proposal: dict[int, int] = {}
    per_reviewer: dict[int, int] = {}
    for a in assignments:
        assert a.reviewer is not None
        per_proposal[a.proposal_id] = per_proposal.get(a.proposal_id, 0) + 1
        per_reviewer[a.reviewer_id] = per_reviewer.get(a.reviewer_id, 0) + 1
        assert services.review_conflicts(a.reviewer, a.proposal) == []
    assert sorted(per_proposal.values()) == [2, 2]
    for profile in people.values():
        assert per_reviewer.get(profile.pk, 0) <= profile.max_reviews_per_quarter
    excluded = {people[k].pk for k in ("oas", "gov", "nascent")}
    assert not excluded & set(per_reviewer)
    csirt = rnd.proposals.get(title__startswith="National")
    assert not csirt.assignments.filter(reviewer=people["person"]).exists()
    # Affinity: the incident responder reviews the CSIRT programme.
    assert csirt.assignments.filter(reviewer=people["ir"]).exists()


def test_quarterly_load_counts_other_rounds(users: dict[str, Any]) -> None:
    busy = expert("Busy B.", bio="incident response CSIRT", max_reviews=1)
    expert("Free F.", bio="security strategy", max_reviews=5)
    first = review_round(opens_on=OPEN, closes_on=CLOSE, k=1)
    services.proposal_add(actor=DEMO, round=first, title="CSIRT", text="incident response CSIRT")
    services.round_open(actor=DEMO, round=first)
    assert ReviewAssignment.objects.filter(reviewer=busy).count() == 1
    # Same quarter: the busy reviewer's one review is used up.
    second = review_round(
        opens_on=OPEN + dt.timedelta(days=7), closes_on=CLOSE + dt.timedelta(days=7), k=1
    )
    services.proposal_add(actor=DEMO, round=second, title="CSIRT 2", text="incident response CSIRT")
    services.round_open(actor=DEMO, round=second)
    assert ReviewAssignment.objects.filter(reviewer=busy).count() == 1
    assert ReviewAssignment.objects.filter(proposal__round=second).count() == 1
    # Next quarter: available again.
    third = review_round(opens_on=dt.date(2026, 4, 6), closes_on=dt.date(2026, 4, 17), k=1)
    services.proposal_add(actor=DEMO, round=third, title="CSIRT 3", text="incident response CSIRT")
    services.round_open(actor=DEMO, round=third)
    assert ReviewAssignment.objects.filter(reviewer=busy, proposal__round=third).count() == 1


def test_fair_objective_assigns_every_proposal(users: dict[str, Any]) -> None:
    rnd, _people = _round_with_reviewers()
    ReviewRound.objects.filter(pk=rnd.pk).update(objective="fair")
    rnd.refresh_from_db()
    services.round_open(actor=users["coordinator"], round=rnd)
    for proposal in rnd.proposals.all():
        assert proposal.assignments.count() == 2


def test_a_decline_triggers_reassignment(users: dict[str, Any]) -> None:
    rnd, people = _round_with_reviewers()
    ir_user = make_user()
    ExpertProfile.objects.filter(pk=people["ir"].pk).update(user=ir_user)
    services.round_open(actor=users["coordinator"], round=rnd)
    invitation = ReviewAssignment.objects.get(reviewer=people["ir"])
    with pytest.raises(PermissionDenied):
        services.assignment_decline(actor=users["expert"], assignment=invitation)
    mail.outbox.clear()
    created = services.assignment_decline(actor=ir_user, assignment=invitation, reason="travelling")
    assert len(created) == 1
    replacement = created[0]
    assert replacement.proposal_id == invitation.proposal_id
    assert replacement.reviewer_id != people["ir"].pk
    assert replacement.reviewer_id not in {
        people[k].pk for k in ("oas", "gov", "nascent", "person")
    }
    live = invitation.proposal.assignments.exclude(status="declined")
    assert live.count() == 2
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    with pytest.raises(ServiceError, match="already"):
        services.assignment_decline(actor=ir_user, assignment=invitation)


def test_reviews_are_scored_and_aggregated(users: dict[str, Any]) -> None:
    rnd, _people = _round_with_reviewers()
    services.round_open(actor=DEMO, round=rnd)
    a = ReviewAssignment.objects.filter(proposal__round=rnd).first()
    assert a is not None and a.reviewer is not None
    reviewer_user = make_user()
    ExpertProfile.objects.filter(pk=a.reviewer_id).update(user=reviewer_user)
    a.refresh_from_db()
    with pytest.raises(ServiceError, match="Accept"):
        services.review_submit(
            actor=reviewer_user, assignment=a, score=4, comments="Good", today=OPEN
        )
    services.assignment_accept(actor=reviewer_user, assignment=a)
    for bad in (0, 6):
        with pytest.raises(ServiceError, match="1 to 5"):
            services.review_submit(
                actor=reviewer_user, assignment=a, score=bad, comments="x", today=OPEN
            )
    with pytest.raises(ServiceError, match="window"):
        services.review_submit(
            actor=reviewer_user,
            assignment=a,
            score=4,
            comments="x",
            today=CLOSE + dt.timedelta(days=1),
        )
    services.review_submit(
        actor=reviewer_user, assignment=a, score=4, comments="Clear and feasible.", today=OPEN
    )
    from reef.experts.selectors import proposal_feedback

    feedback = proposal_feedback(reviewer_user, a.proposal)
    assert feedback["reviews"] == 1 and feedback["mean"] == 4.0
    assert feedback["comments"] == ["Clear and feasible."]


def test_reminders_before_the_window_closes() -> None:
    rnd, people = _round_with_reviewers()
    for p in people.values():
        ExpertProfile.objects.filter(pk=p.pk).update(user=make_user())
    services.round_open(actor=DEMO, round=rnd)
    mail.outbox.clear()
    assert services.reviews_remind(days_before=3, today=CLOSE - dt.timedelta(days=7)) == 0
    sent = services.reviews_remind(days_before=3, today=CLOSE - dt.timedelta(days=2))
    assert sent == 4
    reminded = InboxNotification.objects.filter(kind="review.reminder")
    assert reminded.values("recipient").distinct().count() == 4
    # Not twice on the same day.
    assert services.reviews_remind(days_before=3, today=CLOSE - dt.timedelta(days=2)) == 0


def test_review_remind_command_runs_the_task(capsys: Any) -> None:
    call_command("review", "remind", "--days", "2")
    assert "Reminders sent: 0." in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("review", "remind", "--days", "-1")
