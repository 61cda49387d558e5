"""Tasks run immediately in the demo and tests, and through a real worker in production."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus

from reef.core.models import AuditEntry
from reef.core.tasks import audit_verify_task

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db
def test_tasks_run_immediately_by_default() -> None:
    result = audit_verify_task.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_database_backend_queues_until_the_worker_runs(settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS
    before = AuditEntry.objects.filter(action="audit_verified").count()
    result = audit_verify_task.using(backend="default").enqueue()
    assert result.status == TaskResultStatus.READY
    assert AuditEntry.objects.filter(action="audit_verified").count() == before
    call_command("db_worker", batch=True, startup_delay=False, interval=0.1, verbosity=0)
    result.refresh()
    status: TaskResultStatus = result.status  # refresh() changed it behind mypy's back
    assert status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["ok"] is True
    assert AuditEntry.objects.filter(action="audit_verified").count() == before + 1
