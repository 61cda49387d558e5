"""Writers take one lock first on PostgreSQL, so they cannot deadlock."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, connections, transaction

from reef.core.audit import audit_append
from reef.core.lockorder import takes_row_locks
from reef.core.models import AuditEntry
from reef.directory.models import Organisation


def test_which_statements_take_the_head_lock_first() -> None:
    assert takes_row_locks('UPDATE "consultations_consultation" SET "x" = 1')
    assert takes_row_locks('INSERT INTO "planning_need" ("a") VALUES (1)')
    assert takes_row_locks('DELETE FROM "records_outcome" WHERE "id" = 1')
    assert takes_row_locks('SELECT "id" FROM "planning_plan" WHERE "id" = 1 FOR UPDATE')
    assert takes_row_locks('SELECT * FROM "a" WHERE "id" = 1 FOR NO KEY UPDATE')
    assert not takes_row_locks('SELECT "id" FROM "planning_plan" WHERE "id" = 1')
    assert takes_row_locks('SELECT * FROM "core_audithead" WHERE "id" = 1 FOR UPDATE')
    assert not takes_row_locks('UPDATE "django_session" SET "x" = 1')


@pytest.mark.django_db(transaction=True)
def test_opposite_orders_do_not_deadlock(world: None) -> None:
    """One writer updates a row then audits; the other audits then updates the same row."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with IMMEDIATE transactions")
    slug = Organisation.objects.values_list("slug", flat=True).first()
    audit_append(action="lockorder_setup")  # the chain head exists
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def row_then_audit() -> None:
        try:
            start.wait()
            with transaction.atomic():
                Organisation.objects.filter(slug=slug).update(description="row first")
                time.sleep(0.3)
                audit_append(action="lockorder_row_first")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def audit_then_row() -> None:
        try:
            start.wait()
            with transaction.atomic():
                audit_append(action="lockorder_audit_first")
                time.sleep(0.3)
                Organisation.objects.filter(slug=slug).update(description="audit first")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads: list[Any] = [
        threading.Thread(target=row_then_audit),
        threading.Thread(target=audit_then_row),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert AuditEntry.objects.filter(action__startswith="lockorder_").count() == 3


def _holds_writers_lock() -> bool:
    from reef.core.lockorder import WRITERS_LOCK_KEY

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s"
            " AND pid = pg_backend_pid() AND granted",
            [WRITERS_LOCK_KEY],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


@pytest.mark.django_db(transaction=True)
def test_lock_taken_once_and_again_after_a_savepoint_rollback(
    world: None, django_assert_num_queries: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    slug = Organisation.objects.values_list("slug", flat=True).first()
    with transaction.atomic():
        assert not _holds_writers_lock()
        with django_assert_num_queries(2):  # the lock, then the update
            Organisation.objects.filter(slug=slug).update(description="a")
        with django_assert_num_queries(1):  # held: no second lock query
            Organisation.objects.filter(slug=slug).update(description="b")
        assert _holds_writers_lock()
    assert not _holds_writers_lock()  # released at commit
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: the lock is taken inside it
                Organisation.objects.filter(slug=slug).update(description="c")
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        assert not _holds_writers_lock()  # released with the savepoint
        Organisation.objects.filter(slug=slug).update(description="d")
        assert _holds_writers_lock()  # taken again
