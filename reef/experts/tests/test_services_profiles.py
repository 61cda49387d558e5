"""Expert profile services: the taxonomy, consent, conflicts, export and erasure."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from reef.core.errors import PermissionDenied, ServiceError
from reef.core.models import AuditEntry
from reef.core.rules import DEMO
from reef.directory.models import Country
from reef.experts import services
from reef.experts.models import (
    Availability,
    ConflictDeclaration,
    ExpertiseTag,
    ExpertProfile,
    MentoringActivity,
    MentorPair,
    Notification,
    ReviewAssignment,
    SeniorityChange,
    TeamMember,
)
from reef.experts.tests.helpers import CLOSE, OPEN, expert, mission, review_round
from reef.notifications.models import Notification as InboxNotification
from tests_support.world import make_user

pytestmark = pytest.mark.django_db


def test_taxonomy_is_seeded_with_cmm_factors_and_roles() -> None:
    factors = ExpertiseTag.objects.filter(kind=ExpertiseTag.Kind.FACTOR)
    roles = set(
        ExpertiseTag.objects.filter(kind=ExpertiseTag.Kind.ROLE).values_list("key", flat=True)
    )
    assert factors.count() == 23
    assert factors.filter(key="cmm-1.2", name__icontains="Incident Response").exists()
    assert {"technical", "criminal_justice", "prosecution", "judiciary", "legal_drafting"} <= roles
    assert len(roles) == 10


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
