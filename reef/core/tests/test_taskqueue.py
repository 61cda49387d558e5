"""A task left RUNNING by a dead worker goes back to the queue and runs once more."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reef.core.errors import ServiceError
from reef.core.models import AuditEntry
from reef.core.taskqueue import tasks_requeue_stale
from reef.core.tasks import audit_verify_task

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _left_running(started_ago: timedelta) -> DBTaskResult[..., Any]:
    """A task claimed by a worker that then died (what SIGKILL leaves behind)."""
    result = audit_verify_task.using(backend="default").enqueue()
    row = DBTaskResult.objects.get(id=result.id)
    row.status = TaskResultStatus.RUNNING
    row.started_at = timezone.now() - started_ago
    row.worker_ids = ["dead-worker"]
    row.save()
    return row


@pytest.mark.django_db(transaction=True)
def test_stale_running_task_is_requeued_and_then_runs(settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS
    stale = _left_running(timedelta(hours=2))
    recent = _left_running(timedelta(seconds=30))  # a live worker's task: left alone
    assert tasks_requeue_stale(older_than=timedelta(hours=1)) == [str(stale.id)]
    stale.refresh_from_db()
    recent.refresh_from_db()
    assert stale.status == TaskResultStatus.READY and stale.started_at is None
    assert recent.status == TaskResultStatus.RUNNING
    entry = AuditEntry.objects.filter(action="tasks_requeued").get()
    assert entry.detail["tasks"][0]["id"] == str(stale.id)
    call_command("db_worker", batch=True, startup_delay=False, interval=0.1, verbosity=0)
    stale.refresh_from_db()
    assert stale.status == TaskResultStatus.SUCCESSFUL
    assert stale.worker_ids[0] == "dead-worker" and len(stale.worker_ids) == 2


@pytest.mark.django_db(transaction=True)
def test_nothing_stale_changes_nothing(settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS
    recent = _left_running(timedelta(seconds=5))
    assert tasks_requeue_stale(older_than=timedelta(minutes=10)) == []
    recent.refresh_from_db()
    assert recent.status == TaskResultStatus.RUNNING
    assert not AuditEntry.objects.filter(action="tasks_requeued").exists()


@pytest.mark.django_db
def test_negative_age_is_a_clear_error() -> None:
    with pytest.raises(ServiceError, match="zero or more"):
        tasks_requeue_stale(older_than=timedelta(seconds=-1))
    with pytest.raises(CommandError, match="zero or more"):
        call_command("requeue_tasks", older_than=-5)


@pytest.mark.django_db(transaction=True)
def test_reef_worker_requeues_before_it_runs(settings: Any, monkeypatch: Any) -> None:
    from reef import cli

    settings.TASKS = DATABASE_TASKS
    stale = _left_running(timedelta(minutes=20))
    calls: list[list[str]] = []
    real = cli._manage

    def spy(argv: list[str]) -> None:
        calls.append(argv)
        if argv[0] == "worker":
            call_command("worker", batch=True, startup_delay=False, interval=0.1, verbosity=0)
        else:
            real(argv)

    monkeypatch.setattr(cli, "_manage", spy)
    cli.worker(["--requeue-stale", "600", "--batch"])
    assert calls == [["requeue_tasks", "--older-than", "600"], ["worker", "--batch"]]
    stale.refresh_from_db()
    assert stale.status == TaskResultStatus.SUCCESSFUL
