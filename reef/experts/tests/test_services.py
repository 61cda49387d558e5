"""Services of the expert network: profiles, data protection, teams, reviews, mentoring."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from reef.core.errors import PermissionDenied, ServiceError
from reef.core.models import AuditEntry
from reef.core.rules import DEMO
from reef.directory.models import Country, Organisation
from reef.experts import services
from reef.experts.models import (
    Availability,
    ConflictDeclaration,
    ExpertiseTag,
    ExpertProfile,
    MentoringActivity,
    MentorPair,
    MissionRequest,
    Notification,
    ReviewAssignment,
    ReviewRound,
    SeniorityChange,
    TeamMember,
)
from reef.experts.tests.helpers import MISSION_END, MISSION_START, expert, mission, review_round
from reef.notifications.models import Notification as InboxNotification
from reef.testing import make_user

pytestmark = pytest.mark.django_db

# A window of exactly 10 working days: Monday 2 March to Friday 13 March 2026.
OPEN, CLOSE = dt.date(2026, 3, 2), dt.date(2026, 3, 13)


def test_taxonomy_is_seeded_with_cmm_factors_and_roles() -> None:
    factors = ExpertiseTag.objects.filter(kind=ExpertiseTag.Kind.FACTOR)
    roles = set(
        ExpertiseTag.objects.filter(kind=ExpertiseTag.Kind.ROLE).values_list("key", flat=True)
    )
    assert factors.count() == 23
    assert factors.filter(key="cmm-1.2", name__icontains="Incident Response").exists()
    assert {"technical", "criminal_justice", "prosecution", "judiciary", "legal_drafting"} <= roles
    assert len(roles) == 10


def test_working_days() -> None:
    assert services.working_days(OPEN, CLOSE) == 10
    assert services.working_days(dt.date(2026, 3, 7), dt.date(2026, 3, 8)) == 0  # a weekend
    assert services.working_days(CLOSE, OPEN) == 0


# --------------------------------------------------------------------------- profiles


def test_profile_needs_consent_and_records_it(users: dict[str, Any]) -> None:
    user = users["expert"]
    tt = Country.objects.get(code="TT")
    before = ExpertProfile.objects.count()
    with pytest.raises(ServiceError, match="consent"):
        services.profile_create(
            actor=user, user=user, name="X", sector="private", country=tt, consent=False
        )
    with pytest.raises(ServiceError, match="sector"):
        services.profile_create(
            actor=user, user=user, name="X", sector="pirate", country=tt, consent=True
        )
    with pytest.raises(ServiceError, match="language"):
        services.profile_create(
            actor=user,
            user=user,
            name="X",
            sector="private",
            country=tt,
            consent=True,
            languages=["English!"],
        )
    with pytest.raises(ServiceError, match="e-mail"):
        services.profile_create(
            actor=user,
            user=user,
            name="X",
            sector="private",
            country=tt,
            consent=True,
            contact_email="not an address",
        )
    assert ExpertProfile.objects.count() == before
    profile = services.profile_create(
        actor=user,
        user=user,
        name="Expert T.",
        sector="private",
        country=tt,
        consent=True,
        languages=["EN", "es"],
    )
    assert profile.consent_at is not None and profile.consent_version
    assert profile.languages == ["en", "es"]
    assert profile.tlp == "TLP:AMBER"  # not public unless the expert opts in
    services.profile_update(actor=user, profile=profile, is_public=True, seniority="senior")
    assert profile.tlp == "TLP:CLEAR"
    assert list(profile.seniority_changes.values_list("new", flat=True)) == ["mid", "senior"]


def test_profile_for_someone_else_is_refused(users: dict[str, Any]) -> None:
    other = make_user()
    with pytest.raises(PermissionDenied):
        services.profile_create(
            actor=users["public"],
            user=other,
            name="X",
            sector="private",
            country=Country.objects.get(code="TT"),
            consent=True,
        )
    profile = expert("Someone A.")
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=users["outsider"], profile=profile, name="Changed")
    profile.refresh_from_db()
    assert profile.name == "Someone A."


def test_conflict_declaration_validates(users: dict[str, Any]) -> None:
    profile = expert("Conflicted C.", user=users["expert"])
    with pytest.raises(ServiceError, match="organisation"):
        services.conflict_declare(actor=users["expert"], profile=profile, kind="organisation")
    with pytest.raises(ServiceError, match="kind"):
        services.conflict_declare(actor=users["expert"], profile=profile, kind="cousin")
    assert not profile.conflicts.exists()
    services.conflict_declare(
        actor=users["expert"], profile=profile, kind="person", person_name="Jane Doe"
    )
    assert profile.conflicts.count() == 1


def _full_profile(users: dict[str, Any]) -> ExpertProfile:
    user = users["expert"]
    profile = expert(
        "Data D.", user=user, roles=("technical", "incident_response"), seniority="nascent"
    )
    services.conflict_declare(
        actor=user, profile=profile, kind="country", country=Country.objects.get(code="BB")
    )
    senior = expert("Mentor M.", seniority="senior")
    services.mentoring_pairs_propose(actor=DEMO)
    services.activity_record(
        actor=user,
        specialist=profile,
        kind="training",
        on=dt.date(2026, 1, 5),
        description="CSIRT course",
    )
    m = mission(nascent_seat=True)
    services.mission_team_propose(actor=DEMO, mission=m)
    assert TeamMember.objects.filter(profile=profile).exists()
    # A submitted review and a pending invitation (the expert is nascent: add them directly).
    rnd = review_round(opens_on=OPEN, closes_on=CLOSE)
    proposal = services.proposal_add(
        actor=DEMO, round=rnd, title="Programme", text="incident response"
    )
    done = ReviewAssignment.objects.create(
        proposal=proposal, reviewer=profile, status="submitted", score=4, comments="Sound plan."
    )
    pending = ReviewAssignment.objects.create(proposal=proposal, reviewer=profile)
    assert senior.pk and done.pk and pending.pk
    return profile


def test_export_holds_everything_about_the_expert(users: dict[str, Any]) -> None:
    profile = _full_profile(users)
    with pytest.raises(PermissionDenied):
        services.profile_export(actor=users["coordinator"], profile=profile)
    data = services.profile_export(actor=users["expert"], profile=profile)
    json.dumps(data)  # serialisable
    assert data["profile"]["name"] == "Data D."
    assert data["profile"]["expertise"] == ["incident_response", "technical"]
    assert data["consent"]["text_version"] == profile.consent_version
    assert len(data["availability"]) == 1
    assert data["conflicts"][0]["country"] == "BB"
    assert data["seniority_changes"][0]["to"] == "nascent"
    assert len(data["missions"]) == 1 and data["missions"][0]["seat"] == "nascent"
    assert {r["status"] for r in data["reviews"]} == {"submitted", "invited"}
    assert data["mentoring"]["as_mentee"][0]["mentor"] == "Mentor M."
    assert data["mentoring"]["activities"][0]["description"] == "CSIRT course"
    assert "mentoring.paired" in [n["kind"] for n in data["inbox"]]  # in the shared inbox


def test_delete_removes_data_and_anonymises_submitted_reviews(users: dict[str, Any]) -> None:
    profile = _full_profile(users)
    pk = profile.pk
    with pytest.raises(PermissionDenied):
        services.profile_delete(actor=users["coordinator"], profile=profile)
    summary = services.profile_delete(actor=users["expert"], profile=profile)
    assert summary["reviews_anonymised"] == 1
    assert summary["review_invitations_removed"] == 1
    assert not ExpertProfile.objects.filter(pk=pk).exists()
    assert not Availability.objects.filter(profile_id=pk).exists()
    assert not ConflictDeclaration.objects.filter(profile_id=pk).exists()
    assert not SeniorityChange.objects.filter(profile_id=pk).exists()
    assert not TeamMember.objects.filter(profile_id=pk).exists()
    assert not MentorPair.objects.filter(mentee_id=pk).exists()
    assert not MentoringActivity.objects.filter(specialist_id=pk).exists()
    assert not Notification.objects.filter(recipient=users["expert"]).exists()
    assert not InboxNotification.objects.filter(
        recipient=users["expert"], subject_type__app_label="experts"
    ).exists()
    kept = ReviewAssignment.objects.get(comments="Sound plan.")
    assert kept.reviewer is None and kept.score == 4  # anonymised, feedback intact
    entry = AuditEntry.objects.filter(action="expert_profile_delete").last()
    assert entry is not None and "Data D." not in json.dumps(entry.detail)


# --------------------------------------------------------------------------- missions


def _pool() -> dict[str, ExpertProfile]:
    pool = {
        # The best-looking experts are each excluded by one hard rule.
        "unavailable": expert(
            "Unavailable U.",
            roles=("technical",),
            seniority="senior",
            available=(dt.date(2026, 3, 3), dt.date(2026, 12, 31)),
        ),
        "conflict_country": expert(
            "Conflicted K.", roles=("criminal_justice",), seniority="senior"
        ),
        "involved_org": expert(
            "Involved I.", roles=("technical",), seniority="senior", organisation="oas"
        ),
        "tech": expert("Tech T.", roles=("technical",), country="JM", sector="government"),
        "cj": expert(
            "Justice J.",
            roles=("criminal_justice",),
            country="BB",
            sector="government",
            languages=("en", "fr"),
        ),
        "local": expert("Local L.", roles=("policy",), country="TT", sector="academia"),
        "nascent": expert("Nascent N.", roles=("technical",), seniority="nascent"),
    }
    services.conflict_declare(
        actor=DEMO,
        profile=pool["conflict_country"],
        kind="country",
        country=Country.objects.get(code="GD"),
    )
    return pool


def test_conflicted_or_unavailable_experts_are_never_proposed() -> None:
    pool = _pool()
    m = mission(organisations=["oas"], languages=("en", "fr"))
    result = services.mission_team_propose(actor=DEMO, mission=m)
    team = {t.profile_id for t in m.team.all()}
    for bad in ("unavailable", "conflict_country", "involved_org"):
        assert pool[bad].pk not in team
    assert team == {pool[k].pk for k in ("tech", "cj", "local", "nascent")}
    assert result["teams"][0]["complete"]
    assert services.mission_coverage(m) == []
    m.refresh_from_db()
    assert m.status == MissionRequest.Status.PROPOSED and m.missing == []
    tech = m.team.get(profile=pool["tech"])
    assert "technical" in tech.reason and tech.seat == "role:technical"
    # A second mission on overlapping dates cannot use anyone already proposed.
    other = mission(
        start=MISSION_START + dt.timedelta(days=2), end=MISSION_END + dt.timedelta(days=2)
    )
    services.mission_team_propose(actor=DEMO, mission=other)
    assert not team & {t.profile_id for t in other.team.all()}


@pytest.mark.parametrize("seed", range(4))
def test_random_pools_respect_hard_rules_and_coverage(seed: int) -> None:
    rng = random.Random(seed)
    role_sets = [
        ("technical",),
        ("criminal_justice",),
        ("policy",),
        ("technical", "criminal_justice"),
        ("digital_forensics",),
    ]
    for i in range(14):
        start = dt.date(2026, rng.choice([1, 2, 3]), rng.randint(1, 5))
        p = expert(
            f"Random {seed}-{i}",
            roles=rng.choice(role_sets),
            country=rng.choice(["TT", "JM", "BB", "GD", "LC"]),
            sector=rng.choice(["private", "academia", "government", "civil_society"]),
            languages=rng.choice([("en",), ("en", "fr"), ("es",)]),
            seniority=rng.choice(["nascent", "junior", "mid", "senior"]),
            organisation=rng.choice([None, "oas", "uwi"]),
            available=(start, start + dt.timedelta(days=rng.randint(10, 90))),
        )
        if rng.random() < 0.3:
            services.conflict_declare(
                actor=DEMO, profile=p, kind="country", country=Country.objects.get(code="GD")
            )
    m = mission(organisations=["oas"], languages=("en",))
    result = services.mission_team_propose(actor=DEMO, mission=m)
    for member in m.team.select_related("profile"):
        assert services.mission_problems(member.profile, m) == []
    missing_rules = {x["rule"] for x in services.mission_coverage(m)}
    if result["teams"][0]["complete"]:
        assert missing_rules == set()
    else:
        assert missing_rules == {x["rule"] for x in result["teams"][0]["missing"]}


def test_coordinator_edits_and_confirms_the_team(users: dict[str, Any]) -> None:
    pool = _pool()
    coordinator = users["coordinator"]
    m = mission(organisations=["oas"])
    with pytest.raises(PermissionDenied):
        services.mission_team_propose(actor=users["outsider"], mission=m)
    with pytest.raises(PermissionDenied):
        services.mission_team_propose(actor=users["focal_point"], mission=m)  # not a coordinator
    services.mission_team_propose(actor=coordinator, mission=m)
    with pytest.raises(ServiceError, match="cannot join"):
        services.team_member_add(actor=coordinator, mission=m, profile=pool["involved_org"])
    with pytest.raises(ServiceError, match="not available"):
        services.team_member_add(actor=coordinator, mission=m, profile=pool["unavailable"])
    local = m.team.get(profile=pool["local"])
    services.team_member_remove(actor=coordinator, member=local)
    m.refresh_from_db()
    assert {x["rule"] for x in m.missing} >= {"local"}
    extra = expert("Extra E.", roles=("awareness",), sector="private", country="LC")
    services.team_member_add(actor=coordinator, mission=m, profile=extra)
    m.refresh_from_db()
    assert m.missing == []
    mail.outbox.clear()
    services.mission_team_confirm(actor=coordinator, mission=m)
    m.refresh_from_db()
    assert m.status == MissionRequest.Status.CONFIRMED
    assert set(m.team.values_list("status", flat=True)) == {"confirmed"}
    assert MentoringActivity.objects.filter(
        specialist=pool["nascent"], kind="shadowed_mission"
    ).exists()
    with pytest.raises(ServiceError, match="confirmed"):
        services.team_member_add(actor=coordinator, mission=m, profile=pool["tech"])


def test_mission_request_validation(users: dict[str, Any]) -> None:
    gd = Country.objects.get(code="GD")
    before = MissionRequest.objects.count()
    with pytest.raises(ServiceError, match="end"):
        services.mission_request_create(
            actor=users["focal_point"], title="M", country=gd, start=MISSION_END, end=MISSION_START
        )
    with pytest.raises(ServiceError, match="team size"):
        services.mission_request_create(
            actor=users["focal_point"],
            title="M",
            country=gd,
            start=MISSION_START,
            end=MISSION_END,
            size=1,
        )
    with pytest.raises(PermissionDenied):
        services.mission_request_create(
            actor=users["outsider"], title="M", country=gd, start=MISSION_START, end=MISSION_END
        )
    with pytest.raises(ServiceError, match="200 characters"):
        services.mission_request_create(
            actor=users["focal_point"],
            title="M" * 201,
            country=gd,
            start=MISSION_START,
            end=MISSION_END,
        )
    with pytest.raises(ServiceError, match="1 to 50"):
        services.mission_request_create(
            actor=users["focal_point"],
            title="M",
            country=gd,
            start=MISSION_START,
            end=MISSION_END,
            size=40000,
        )
    assert MissionRequest.objects.count() == before
    m = services.mission_request_create(
        actor=users["focal_point"], title="M", country=gd, start=MISSION_START, end=MISSION_END
    )
    assert m.required_roles == {"technical": 1, "criminal_justice": 1} and m.assessment_ref is None


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


# --------------------------------------------------------------------------- mentoring


def test_mentoring_pairs_and_growth(users: dict[str, Any]) -> None:
    n1 = expert("Nascent One", seniority="nascent", roles=("digital_forensics",), country="GD")
    n2 = expert("Nascent Two", seniority="nascent", roles=("legal_drafting",), languages=("es",))
    s1 = expert("Senior Forensics", seniority="senior", roles=("digital_forensics",), country="GD")
    expert("Senior Lawyer", seniority="senior", roles=("legal_drafting",), languages=("fr",))
    with pytest.raises(PermissionDenied):
        services.mentoring_pairs_propose(actor=users["public"])
    pairs = services.mentoring_pairs_propose(actor=users["coordinator"])
    assert [(p.mentee_id, p.mentor_id) for p in pairs] == [(n1.pk, s1.pk)]  # n2 shares no language
    assert "same country" in pairs[0].reason
    assert services.mentoring_pairs_propose(actor=users["coordinator"]) == []  # idempotent
    assert n2.mentors.count() == 0
    services.activity_record(
        actor=users["coordinator"],
        specialist=n1,
        kind="co_wrote_review",
        on=dt.date(2026, 2, 1),
        description="Co-wrote a review",
    )
    services.profile_update(actor=DEMO, profile=n1, seniority="junior")
    from reef.experts.selectors import growth_timeline

    kinds = [item["kind"] for item in growth_timeline(n1)]
    assert "seniority" in kinds and "co_wrote_review" in kinds and "mentoring" in kinds
    with pytest.raises(PermissionDenied):
        services.activity_record(
            actor=users["outsider"], specialist=n1, kind="other", on=dt.date(2026, 2, 1)
        )


# --------------------------------------------------------------------------- CLI contract


def test_match_command_prints_json(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "team.json"
    path.write_text(
        json.dumps(
            {
                "missions": [
                    {"id": "m1", "country": "GD", "start": "2026-03-02", "end": "2026-03-06"}
                ],
                "experts": [
                    {
                        "id": "e1",
                        "roles": ["technical"],
                        "sector": "private",
                        "country": "GD",
                        "languages": ["en"],
                        "availability": [{"start": "2026-01-01", "end": "2026-12-31"}],
                    },
                    {
                        "id": "e2",
                        "roles": ["criminal_justice"],
                        "languages": ["en"],
                        "availability": [{"start": "2026-01-01", "end": "2026-12-31"}],
                    },
                ],
            }
        )
    )
    call_command("match", "team", str(path), "--json")
    out = json.loads(capsys.readouterr().out)
    assert {m["expert"] for m in out["teams"][0]["members"]} == {"e1", "e2"}
    reviewers = tmp_path / "reviewers.json"
    reviewers.write_text(
        json.dumps(
            {
                "proposals": [{"id": "p1", "needs": 1, "text": "incident response"}],
                "reviewers": [{"id": "r1", "max_load": 1, "text": "incident response lead"}],
            }
        )
    )
    call_command("match", "reviewers", str(reviewers), "--json")
    assert json.loads(capsys.readouterr().out)["assignment"][0]["reviewer"] == "r1"


def test_match_command_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"proposals": [{"id": "p1", "needs": -1}], "reviewers": []}))
    with pytest.raises(CommandError, match=r"bad\.json: proposals\[0\]\.needs"):
        call_command("match", "reviewers", str(path), "--json")
    with pytest.raises(CommandError, match=r"missing\.json"):
        call_command("match", "team", str(tmp_path / "missing.json"), "--json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("match", "team", str(tmp_path / "broken.json"), "--json")


def test_explain_fills_the_engine_templates_in_the_active_language() -> None:
    parts = [
        ["fills the required %(role)s role", {"role": "technical"}],
        ["fit %(fit)s (%(seniority)s)", {"fit": "0.700", "seniority": "senior"}],
    ]
    assert (
        services.explain(parts, "unused") == "fills the required technical role; fit 0.700 (Senior)"
    )
    assert services.explain(None, "the engine's text") == "the engine's text"
