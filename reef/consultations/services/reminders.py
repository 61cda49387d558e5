"""Reminders before a consultation closes."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reef.consultations import rules as R
from reef.consultations.models import Consultation
from reef.core.audit import audit_append
from reef.core.rules import Actor, require
from reef.notifications.services import notify_handoff


@transaction.atomic
def consultation_send_reminders(*, actor: Actor, now: datetime | None = None) -> int:
    """Mail participants and named members of every open consultation closing within its
    reminder period, once per closing date. Returns how many consultations were reminded."""
    require(R.may_remind, actor)
    now = now or timezone.now()
    sent = 0
    # Several rows of one table are locked in primary-key order (docs/reliability.md).
    candidates = (
        Consultation.objects.select_for_update()
        .filter(opens_at__lte=now, closes_at__gt=now, reminded_at__isnull=True)
        .order_by("pk")
    )
    for c in candidates:
        if c.closes_at - now > timedelta(hours=c.remind_hours):
            continue
        # Those who have not answered yet hear of it, each in their own language, each on
        # their own (no one learns who else takes part), in the inbox and by mail.
        recipients = notify_handoff(
            kind="consultation.window_closing",
            subject_obj=c,
            actor=actor,
            url=reverse("consultations:detail", args=[c.pk]),
        )
        c.reminded_at = now
        c.save(update_fields=["reminded_at"])
        audit_append(
            action="consultation_remind",
            actor=actor,
            obj=c,
            detail={"recipients": len(recipients)},
        )
        sent += 1
    return sent
