"""Recovery of the task queue after a worker died.

django_tasks_db claims a task by marking it RUNNING; a worker killed in the
middle (SIGKILL, out of memory, host lost) leaves it RUNNING for ever. Reef's
tasks are written to be re-run safely, so a task RUNNING for longer than any
task may take goes back to the queue.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reef.core.audit import audit_append
from reef.core.errors import ServiceError


@transaction.atomic
def tasks_requeue_stale(*, older_than: timedelta) -> list[str]:
    """Put tasks RUNNING since before `older_than` ago back in the queue; their ids."""
    if older_than < timedelta(0):
        raise ServiceError("The age must be zero or more.", field="older_than")
    cutoff = timezone.now() - older_than
    stale = list(
        DBTaskResult.objects.select_for_update()
        .filter(status=TaskResultStatus.RUNNING, started_at__lte=cutoff)
        .values_list("id", "task_path")
    )
    ids = [str(task_id) for task_id, _path in stale]
    if ids:
        DBTaskResult.objects.filter(id__in=[task_id for task_id, _path in stale]).update(
            status=TaskResultStatus.READY, started_at=None
        )
        audit_append(
            action="tasks_requeued",
            detail={
                "older_than_seconds": int(older_than.total_seconds()),
                "tasks": [{"id": str(i), "task": p} for i, p in stale],
            },
        )
    return ids
