"""What the task worker does besides running tasks.

Recovery: django_tasks_db claims a task by marking it RUNNING; a worker killed in
the middle (SIGKILL, out of memory, host lost) leaves it RUNNING for ever. Reef's
tasks are written to be re-run safely, so a task RUNNING for longer than any
task may take goes back to the queue.

Sealing: every few seconds the worker seals audit entries that no writer's
after-commit seal took (see reef.core.audit).
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.db import close_old_connections, connections, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reef.core.audit import audit_append, audit_seal_pending
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


logger = logging.getLogger("reef.audit")


class AuditSealer(threading.Thread):
    """Seals the audit chain every `every` seconds, in its own thread and connection,
    beside the worker's loop (which sleeps only when the queue is empty)."""

    def __init__(self, every: float) -> None:
        super().__init__(name="reef-audit-sealer", daemon=True)
        self.every = every
        self._stop_asked = threading.Event()

    def seal_once(self) -> int:
        close_old_connections()
        try:
            return audit_seal_pending()
        except Exception:
            # The database may be away: the next round tries again.
            logger.exception("sealing the audit chain failed")
            return 0

    def run(self) -> None:
        try:
            while True:
                self.seal_once()  # at start too: catch up after the worker was down
                if self._stop_asked.wait(self.every):
                    self.seal_once()  # a last round for what the tasks just wrote
                    return
        finally:
            connections.close_all()  # this thread's connections only

    def stop(self, timeout: float = 30) -> None:
        self._stop_asked.set()
        self.join(timeout)
