"""Consultation services: creation, who takes part, the window, reminders."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from reef.consultations import rules as R
from reef.consultations import services
from reef.consultations.models import Consultation, Participant, Participation, Sector, Vote
from reef.consultations.tests.helpers import accepted, community_consultation, join, section
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import WORKER, allowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(users: dict[str, Any]) -> Consultation:
    return community_consultation(users["coordinator"])


def test_create_validates_and_changes_nothing(users: dict[str, Any]) -> None:
    before = Consultation.objects.count()
    with pytest.raises(ServiceError, match="TLP:CLEAR"):
        community_consultation(users["coordinator"], participation=Participation.PUBLIC)
    with pytest.raises(ServiceError, match="close after"):
        community_consultation(users["coordinator"], closes_at=timezone.now() - timedelta(days=2))
    with pytest.raises(PermissionDenied):
        community_consultation(users["donor"])  # not an editor at IMPACS
    assert Consultation.objects.count() == before


def test_community_members_take_part_others_do_not(c: Consultation, users: dict[str, Any]) -> None:
    assert allowed(R.may_join, users["focal_point"], c)  # Grenada is in CARICOM
    assert allowed(R.may_join, users["expert"], c)  # a Trinidad and Tobago company
    assert not allowed(R.may_join, users["donor"], c)  # OAS: sees GREEN, not in community
    assert not allowed(R.may_join, users["public"], c)  # no role: does not even see it
    with pytest.raises(PermissionDenied):
        join(users["donor"], c)
    with pytest.raises(ServiceError, match="sector"):
        services.participant_join(actor=users["expert"], consultation=c, sector="", country=None)
    assert not Participant.objects.filter(consultation=c).exists()


def test_participant_data_carries_the_consultation_label(
    c: Consultation, users: dict[str, Any]
) -> None:
    p = join(users["expert"], c, sector=Sector.PRIVATE)
    assert (p.tlp, p.owner_organisation_id) == (c.tlp, c.owner_organisation_id)
    assert Participant.objects.for_user(users["public"]).filter(pk=p.pk).count() == 0
    assert Participant.objects.for_user(users["donor"]).filter(pk=p.pk).count() == 1


def test_window_cannot_be_shortened_once_open(c: Consultation, users: dict[str, Any]) -> None:
    closes = c.closes_at
    with pytest.raises(ServiceError, match="never shortened"):
        services.consultation_set_window(
            actor=users["coordinator"],
            consultation=c,
            opens_at=c.opens_at,
            closes_at=closes - timedelta(hours=1),
        )
    with pytest.raises(ServiceError, match="opening"):
        services.consultation_set_window(
            actor=users["coordinator"],
            consultation=c,
            opens_at=c.opens_at + timedelta(hours=1),
            closes_at=closes,
        )
    with pytest.raises(PermissionDenied):
        services.consultation_set_window(
            actor=users["expert"],
            consultation=c,
            opens_at=c.opens_at,
            closes_at=closes + timedelta(days=1),
        )
    c.refresh_from_db()
    assert c.closes_at == closes
    services.consultation_set_window(
        actor=users["coordinator"],
        consultation=c,
        opens_at=c.opens_at,
        closes_at=closes + timedelta(days=3),
    )
    c.refresh_from_db()
    assert c.closes_at == closes + timedelta(days=3)


def test_open_window_extends_from_what_a_form_sends_back(
    c: Consultation, users: dict[str, Any]
) -> None:
    """A form shows the opening to the second or the minute; sending it back unchanged is
    not moving it (issue 14: extending an open window failed on lost microseconds)."""
    c.opens_at = c.opens_at.replace(second=17, microsecond=123456)
    c.save()
    opened, closes = c.opens_at, c.closes_at
    for shown in (opened.replace(microsecond=0), opened.replace(second=0, microsecond=0), None):
        closes = closes + timedelta(days=1)
        services.consultation_set_window(
            actor=users["coordinator"], consultation=c, opens_at=shown, closes_at=closes
        )
        c.refresh_from_db()
        assert (c.opens_at, c.closes_at) == (opened, closes)
    # The closing sent back at the minute it shows is no shortening either.
    services.consultation_set_window(
        actor=users["coordinator"],
        consultation=c,
        opens_at=None,
        closes_at=closes.replace(second=0, microsecond=0),
    )
    c.refresh_from_db()
    assert c.closes_at == closes
    # A minute earlier is.
    with pytest.raises(ServiceError, match="never shortened"):
        services.consultation_set_window(
            actor=users["coordinator"],
            consultation=c,
            opens_at=None,
            closes_at=closes.replace(second=0, microsecond=0) - timedelta(minutes=1),
        )


def test_window_not_yet_open_may_be_shortened(users: dict[str, Any]) -> None:
    now = timezone.now()
    c = community_consultation(
        users["coordinator"], opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=9)
    )
    services.consultation_set_window(
        actor=users["coordinator"],
        consultation=c,
        opens_at=c.opens_at,
        closes_at=now + timedelta(days=5),
    )


def test_nothing_accepted_after_close(c: Consultation, users: dict[str, Any]) -> None:
    s = accepted(users["coordinator"], c, "Statement.")
    join(users["expert"], c)
    sec = section(users["coordinator"], c)
    Consultation.objects.filter(pk=c.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    s.refresh_from_db()
    sec.refresh_from_db()
    with pytest.raises(ServiceError, match="closed"):
        services.vote_cast(actor=users["expert"], statement=s, value=1)
    with pytest.raises(ServiceError, match="closed"):
        services.section_comment_add(actor=users["expert"], section=sec, body="Late.")
    with pytest.raises(ServiceError, match="closed"):
        services.amendment_propose(actor=users["expert"], section=sec, proposed_text="Late.")
    assert not Vote.objects.filter(consultation=c).exists()


def test_reminders_before_close_once(
    c: Consultation, users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    join(users["expert"], c)
    join(users["focal_point"], c, code="GD")
    # Closes in a week: too early for the 48-hour reminder.
    assert services.consultation_send_reminders(actor=WORKER) == 0
    Consultation.objects.filter(pk=c.pk).update(closes_at=timezone.now() + timedelta(hours=10))
    with django_capture_on_commit_callbacks(execute=True):  # mail leaves after the commit
        assert services.consultation_send_reminders(actor=WORKER) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [users["expert"].email, users["focal_point"].email]
    )
    assert c.title in mail.outbox[0].subject
    assert services.consultation_send_reminders(actor=WORKER) == 0  # once per closing date


def test_reminder_task(
    c: Consultation, users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from reef.consultations.tasks import send_reminders

    join(users["expert"], c)
    Consultation.objects.filter(pk=c.pk).update(closes_at=timezone.now() + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = send_reminders.enqueue()
    assert result.return_value == 1
    assert [m.to for m in mail.outbox] == [[users["expert"].email]]
