"""Scheduled work run through Django's tasks framework (immediately in dev and tests)."""

from __future__ import annotations

from django.tasks import task


@task()
def freeze_open_data() -> int:
    """Freeze today's open data (run it daily). Returns the snapshots made (0 if done)."""
    from django.utils import timezone

    from reef.core.rules import WORKER
    from reef.records.models import Snapshot
    from reef.records.services import snapshot_freeze

    if Snapshot.objects.filter(date=timezone.localdate()).exists():
        return 0
    return len(snapshot_freeze(actor=WORKER))
