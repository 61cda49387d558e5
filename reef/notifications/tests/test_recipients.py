"""Who each hand-off notifies: the person who must act next."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from reef.assessments.models import Assessment, Status
from reef.assessments.tests.helpers import build
from reef.consultations import services as consultations
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.experts.models import ExpertProfile, MissionRequest, TeamMember
from reef.notifications import recipients, services
from reef.notifications.kinds import KINDS, commitment_kind
from reef.planning import services as planning
from reef.planning.models import Need, Plan


def test_every_kind_has_a_recipients_function() -> None:
    assert set(KINDS) >= {
        "assessment.requested",
        "assessment.accepted",
        "mission.team_proposed",
        "assessment.rating_opened",
        "assessment.rating_closed",
        "assessment.consolidated",
        "assessment.draft_report_ready",
        "assessment.amendment_proposed",
        "assessment.report_released",
        "planning.need_published",
        "planning.commitment_offered",
        "planning.commitment_accepted",
        "planning.commitment_declined",
        "planning.commitment_delivered",
        "planning.commitment_verified",
        "consultation.window_closing",
    }
    for kind in KINDS.values():
        assert kind.recipients in recipients.RECIPIENTS, kind.key


def test_assessment_hand_offs(users: dict[str, Any], requested: Assessment) -> None:
    fp, coordinator, expert = users["focal_point"], users["coordinator"], users["expert"]
    assert recipients.recipients_for("assessment.requested", requested) == [coordinator]
    assert recipients.recipients_for("assessment.accepted", requested) == [fp]
    assert recipients.recipients_for("assessment.draft_report_ready", requested) == [fp]
    assert recipients.recipients_for("assessment.rating_closed", requested) == []
    rating = build(users, until=Status.RATING, cycle="2027")
    assert recipients.recipients_for("assessment.rating_closed", rating) == [coordinator]
    released = recipients.recipients_for("assessment.report_released", rating)
    assert set(released) == {coordinator, expert}
    # The requester left: the country's managers are told instead.
    Assessment.objects.filter(pk=requested.pk).update(requested_by=None)
    requested.refresh_from_db()
    assert recipients.recipients_for("assessment.accepted", requested) == [fp]


def test_team_proposed_goes_to_the_proposed_experts(users: dict[str, Any]) -> None:
    gd = Country.objects.get(code="GD")
    mission = MissionRequest.objects.create(
        title="Mission",
        country=gd,
        start=dt.date(2026, 3, 2),
        end=dt.date(2026, 3, 6),
        tlp=TLP.AMBER,
        owner_country=gd,
        status="proposed",
    )
    tt = Country.objects.get(code="TT")
    mine = ExpertProfile.objects.create(
        user=users["expert"], name="E", sector="academia", country=tt, owner_country=tt
    )
    other = ExpertProfile.objects.create(name="No account", sector="academia", country=tt)
    for profile in (mine, other):
        TeamMember.objects.create(mission=mission, profile=profile, tlp=TLP.AMBER, owner_country=gd)
    assert recipients.recipients_for("mission.team_proposed", mission) == [users["expert"]]
    sent = services.notify(
        recipients=recipients.proposed_experts(mission),
        kind="mission.team_proposed",
        subject_obj=mission,
        actor=users["coordinator"],
    )
    assert [n.recipient for n in sent] == [users["expert"]]  # team members see their mission


def test_commitment_hand_offs_and_matching_interest(
    users: dict[str, Any], gd_plan: Plan, need: Need
) -> None:
    oas = Organisation.objects.get(slug="oas")
    donor, fp = users["donor"], users["focal_point"]
    # No interest yet: the OAS never pledged in this area and the donor follows none.
    assert recipients.recipients_for("planning.need_published", need) == []
    services.notification_preference_set(
        actor=donor, delivery="immediate", need_areas=[need.area.key]
    )
    assert recipients.recipients_for("planning.need_published", need) == [donor]
    services.notification_preference_set(actor=donor, delivery="immediate", need_areas=[])
    commitment = planning.commitment_offer(
        actor=donor, need=need, organisation=oas, amount=Decimal("1000")
    )
    assert recipients.recipients_for("planning.commitment_offered", commitment) == [fp]
    for kind in ("accepted", "declined", "verified"):
        assert recipients.recipients_for(f"planning.commitment_{kind}", commitment) == [donor]
    (offered,) = services.notify_handoff(
        kind="planning.commitment_offered",
        subject_obj=commitment,
        actor=donor,
        url=f"/planning/commitments/{commitment.pk}/",
    )
    assert offered.recipient == fp
    assert commitment_kind("accepted", "beneficiary") == "planning.commitment_accepted"
    assert commitment_kind("verified", "beneficiary") == "planning.commitment_verified"
    assert commitment_kind("withdrawn", "beneficiary") == "planning.commitment_declined"
    assert commitment_kind("withdrawn", "pledger") is None  # the donor withdrew it itself
    # Delivery is the state's hand-off: it verifies next.
    assert commitment_kind("delivered", "pledger") == "planning.commitment_delivered"
    assert recipients.recipients_for("planning.commitment_delivered", commitment) == [fp]
    (accepted,) = services.notify_handoff(
        kind="planning.commitment_accepted", subject_obj=commitment, actor=fp
    )
    assert accepted.recipient == donor
    # Having pledged in the area is an interest: the next need there is announced.
    later = planning.need_create(
        actor=fp, plan=gd_plan, area=need.area.key, title="A second CSIRT team", cost_amount="10"
    )
    assert recipients.recipients_for("planning.need_published", later) == [donor]
    assert users["outsider"] not in recipients.interested_consortium_members(later)


def test_window_closing_goes_to_those_who_have_not_answered(users: dict[str, Any]) -> None:
    now = timezone.now()
    oas = Organisation.objects.get(slug="oas")
    c = consultations.consultation_create(
        actor=users["donor"],
        title="Strategy",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1),
        owner_organisation=oas,
        tlp=TLP.GREEN,
        members=[users["focal_point"], users["coordinator"]],
        participation="named",
    )
    assert set(recipients.recipients_for("consultation.window_closing", c)) == {
        users["focal_point"],
        users["coordinator"],
    }
    gd = Country.objects.get(code="GD")
    consultations.participant_join(
        actor=users["focal_point"], consultation=c, sector="government", country=gd
    )
    consultations.statement_submit(
        actor=users["focal_point"], consultation=c, body="Train more incident handlers."
    )
    assert recipients.recipients_for("consultation.window_closing", c) == [users["coordinator"]]
