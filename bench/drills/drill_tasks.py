"""A task designed to be idempotent, for the worker-kill drill.

The effect (one audit entry per marker) is checked and written in one
transaction at the end, after the long work. A worker killed during the work
leaves nothing; a worker killed after the commit but before the task is marked
successful leaves the effect, and the rerun sees it and does nothing. Either
way, once the task is run again, the effect exists exactly once.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.tasks import task


@task()
def slow_effect(marker: str, seconds: float) -> str:
    from reef.core.audit import audit_append
    from reef.core.models import AuditEntry, AuditHead

    time.sleep(seconds)  # the long work, outside any transaction
    with transaction.atomic():
        AuditHead.objects.select_for_update().get_or_create(pk=1)  # serialise the check
        if AuditEntry.objects.filter(action="drill_task_effect", object_id=marker).exists():
            return "already done"
        audit_append(action="drill_task_effect", object_id=marker)
    return "done"
