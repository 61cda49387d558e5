"""Background work of the expert network, run through Django's tasks framework."""

from __future__ import annotations

from django.tasks import task

from reef.core.rules import WORKER
from reef.experts.services import reviews_remind


@task()
def send_review_reminders(days_before: int = 3) -> int:
    """Remind reviewers whose review window closes within `days_before` days."""
    return reviews_remind(actor=WORKER, days_before=days_before)
