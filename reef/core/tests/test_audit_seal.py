"""Audit entries are appended without touching the chain head and sealed after commit,
so writers do not queue behind each other."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reef.accounts.services import api_token_create
from reef.core import audit
from reef.core.audit import GENESIS, audit_append, audit_seal, audit_verify
from reef.core.models import AuditEntry, AuditHead
from reef.directory.models import Organisation
from reef.directory.services import organisation_update
from tests_support.world import ensure_world, persona


def _head() -> tuple[int, str]:
    head = AuditHead.objects.filter(pk=1).first()
    return (head.seq, head.hash) if head else (0, GENESIS)


def _in_thread(target: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


# Database tests run inside a transaction that never commits: nothing seals after commit
# there, so these tests seal explicitly, as the after-commit hook or the worker would.


@pytest.mark.django_db
def test_append_leaves_the_head_alone_and_seal_chains_in_id_order() -> None:
    audit_seal()  # whatever the test database holds already
    head_before = _head()
    appended = [audit_append(action="seal_test", detail={"i": i}) for i in range(4)]
    stored = list(AuditEntry.objects.filter(pk__in=[e.pk for e in appended]).order_by("id"))
    assert all(e.seq is None and e.hash is None and e.prev_hash == "" for e in stored)
    assert _head() == head_before  # writers never touch the head
    times = [e.at for e in stored]

    assert audit_seal() == 4
    sealed = list(AuditEntry.objects.filter(pk__in=[e.pk for e in appended]).order_by("id"))
    seq0, hash0 = head_before
    assert [e.seq for e in sealed] == [seq0 + 1, seq0 + 2, seq0 + 3, seq0 + 4]
    assert sealed[0].prev_hash == hash0
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(sealed))
    assert [e.at for e in sealed] == times  # the time of the action, not of the seal
    assert _head() == (seq0 + 4, sealed[-1].hash)
    result = audit_verify()
    assert result.ok, result.problems
    assert not any("not sealed" in n for n in result.notes)
    # Nothing left: a second seal seals nothing and changes nothing.
    assert audit_seal() == 0
    assert _head() == (seq0 + 4, sealed[-1].hash)


@pytest.mark.django_db
def test_seal_limit_and_sealed_entries_stay_append_only() -> None:
    audit_seal()
    for i in range(3):
        audit_append(action="seal_limit", detail={"i": i})
    assert audit_seal(limit=2) == 2
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 1
    assert audit_seal(limit=2) == 1
    entry = AuditEntry.objects.filter(action="seal_limit").last()
    assert entry is not None and entry.seq is not None
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    assert audit_verify().ok


@pytest.mark.django_db
def test_verify_notes_fresh_unsealed_entries_and_flags_old_ones(settings: Any) -> None:
    audit_seal()
    entry = audit_append(action="waiting")
    result = audit_verify()
    assert result.ok, result.problems
    assert any("1 entries not sealed yet" in n for n in result.notes), result.notes

    settings.REEF_AUDIT_SEAL_MAX_AGE = 60
    AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.now() - timedelta(seconds=61))
    with CaptureQueriesContext(connection) as ctx:
        result = audit_verify()
    writing = ("INSERT", "UPDATE", "DELETE")
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().startswith(writing)]
    assert writes == []  # verify never writes, never seals
    assert not result.ok
    assert any("not sealed yet" in p and "REEF_AUDIT_SEAL_MAX_AGE" in p for p in result.problems)
    assert AuditEntry.objects.get(pk=entry.pk).seq is None
    audit_seal()
    assert audit_verify().ok


@pytest.mark.django_db
def test_tampering_with_a_sealed_entry_is_detected() -> None:
    audit_seal()
    audit_append(action="one")
    target = audit_append(action="two", detail={"amount": 100})
    audit_append(action="three")
    audit_seal()
    target.refresh_from_db()
    AuditEntry.objects.filter(pk=target.pk).update(actor="someone else")
    problems = audit_verify().problems
    assert any(f"entry {target.seq}: content changed" in p for p in problems), problems
    # Unsealing it to have it sealed again under new content breaks the chain's head.
    AuditEntry.objects.filter(pk=target.pk).update(seq=None, hash=None, prev_hash="")
    assert not audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_sealed_once_after_commit_never_before_and_nothing_rolled_back() -> None:
    calls: list[int] = []
    real = audit.audit_seal

    def counting(**kwargs: Any) -> int:
        calls.append(1)
        return real(**kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(audit, "audit_seal", counting)
        with transaction.atomic():
            first = audit_append(action="commit_one")
            audit_append(action="commit_two")
            assert AuditEntry.objects.get(pk=first.pk).seq is None  # not before the commit
            assert calls == []
        assert calls == [1]  # one seal for the transaction
        assert not AuditEntry.objects.filter(seq__isnull=True).exists()
        with pytest.raises(ValueError), transaction.atomic():
            audit_append(action="rolled_back")
            raise ValueError
        assert calls == [1]
        assert not AuditEntry.objects.filter(action="rolled_back").exists()
        # Outside a transaction: sealed at once.
        alone = audit_append(action="alone")
        assert calls == [1, 1]
    assert AuditEntry.objects.get(pk=alone.pk).seq is not None
    result = audit_verify()
    assert result.ok, result.problems
    assert result.entries == AuditEntry.objects.count()


@pytest.mark.django_db(transaction=True)
def test_in_a_request_the_seal_waits_for_the_response_then_runs_once() -> None:
    from django.core.signals import request_finished

    calls: list[int] = []
    real = audit.audit_seal

    def counting(**kwargs: Any) -> int:
        calls.append(1)
        return real(**kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(audit, "audit_seal", counting)
        # What RequestContextMiddleware does around each view.
        deferral = audit.seals_after_response()
        read = audit_append(action="read")  # a read audited outside a transaction
        with transaction.atomic():
            write = audit_append(action="write")
        audit.end_deferral(deferral)
        # Both committed, neither sealed: the person is not kept waiting for the chain.
        assert AuditEntry.objects.filter(pk__in=[read.pk, write.pk], seq__isnull=True).count() == 2
        assert calls == []
        request_finished.send(sender=None)  # the response has been sent
        assert calls == [1]  # one seal for the whole request
        assert not AuditEntry.objects.filter(seq__isnull=True).exists()
        # After the request: sealed after each commit again.
        audit_append(action="after")
        assert calls == [1, 1]
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_request_through_the_client_is_sealed_when_it_returns(client: Any) -> None:
    ensure_world()
    client.force_login(persona("coordinator"))
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302
    # The middleware deferred the seals and request_finished ran them and reset.
    assert audit._deferred.get() is None
    assert audit._after_response.get() == frozenset()
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_response_never_closed_leaves_no_deferral_behind(rf: Any) -> None:
    from reef.core.middleware import RequestContextMiddleware

    def view(request: Any) -> Any:
        from django.http import HttpResponse

        with transaction.atomic():
            audit_append(action="in_view")
        return HttpResponse("ok")

    # A RequestFactory request: nobody closes the response, request_finished never runs.
    RequestContextMiddleware(view)(rf.get("/"))
    assert audit._deferred.get() is None
    # Later code in this thread seals after its commit as usual, the left-over included.
    with transaction.atomic():
        audit_append(action="after")
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_seal_after_commit_keeps_the_write_and_the_worker_seals_it(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> int:
        raise OperationalError("the database went away between commit and seal")

    monkeypatch.setattr(audit, "audit_seal", broken)
    with transaction.atomic():
        entry = audit_append(action="seal_failed")
    assert AuditEntry.objects.get(pk=entry.pk).seq is None  # committed, not sealed
    monkeypatch.undo()

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command(
        "worker", batch=True, startup_delay=False, interval=0.1, seal_every=0.1, verbosity=0
    )
    assert AuditEntry.objects.get(pk=entry.pk).seq is not None
    result = audit_verify()
    assert result.ok, result.problems


@pytest.mark.django_db(transaction=True)
def test_reef_audit_seal_command(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setattr(audit, "_seal_on_commit", lambda alias="default": None)
    for i in range(3):
        audit_append(action="cli_seal", detail={"i": i})
    monkeypatch.undo()
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 3
    call_command("audit", "seal")
    out = capsys.readouterr().out
    assert "Sealed 3 entries" in out
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    call_command("audit", "seal")
    assert "Sealed 0 entries" in capsys.readouterr().out
    call_command("audit", "verify")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_each_entry_sealed_once() -> None:
    workers, writes = (4, 5) if connection.vendor == "sqlite" else (8, 10)
    errors: list[BaseException] = []

    def write(n: int) -> Callable[[], None]:
        def run() -> None:
            for i in range(writes):
                with transaction.atomic():
                    audit_append(action="concurrent", detail={"n": n, "i": i})

        return run

    threads = [_in_thread(write(n), errors) for n in range(workers)]
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    audit.audit_seal_pending(wait=True, passes=None)
    entries = list(AuditEntry.objects.filter(action="concurrent"))
    assert len(entries) == workers * writes
    assert len({(e.detail["n"], e.detail["i"]) for e in entries}) == workers * writes
    result = audit_verify()
    assert result.ok, result.problems
    assert result.entries == AuditEntry.objects.count()


# PostgreSQL: the head no longer serialises writers -------------------------------------


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself (IMMEDIATE transactions)")


@pytest.mark.django_db(transaction=True)
def test_a_sealer_skips_a_held_head_instead_of_queueing() -> None:
    _postgresql_only()
    audit_append(action="head_exists")
    held, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold_head() -> None:
        with transaction.atomic():
            AuditHead.objects.select_for_update().get(pk=1)
            held.set()
            release.wait(30)

    holder = _in_thread(hold_head, errors)
    assert held.wait(30)
    try:
        started = time.monotonic()
        entry = audit_append(action="while_head_held")  # its seal is skipped, not queued
        assert audit_seal() == 0
        assert time.monotonic() - started < 5
        assert AuditEntry.objects.get(pk=entry.pk).seq is None
    finally:
        release.set()
        holder.join(30)
    assert errors == []
    assert audit_seal() == 1  # the next seal takes it
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_write_does_not_wait_for_an_unrelated_open_write() -> None:
    """Before: every write took one advisory lock (and the head row) until commit."""
    _postgresql_only()
    ensure_world()
    audit_append(action="head_exists")
    donor, other = persona("donor"), persona("public")
    written, release, done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def slow_update() -> None:
        with transaction.atomic():
            org = Organisation.objects.get(slug="oas")
            organisation_update(actor=donor, organisation=org, description="held open", website="")
            written.set()
            release.wait(30)  # the transaction stays open, its audit entry appended

    def other_write() -> None:
        api_token_create(user=other, name="while another write is open")
        done.set()

    first = _in_thread(slow_update, errors)
    try:
        assert written.wait(30)
        second = _in_thread(other_write, errors)
        assert done.wait(10), "the second write waited for the first one's commit"
        assert not release.is_set()
    finally:
        release.set()
        first.join(30)
    second.join(30)
    assert errors == []
    audit_seal(wait=True)
    result = audit_verify()
    assert result.ok, result.problems
    assert result.entries == AuditEntry.objects.count()
    for action in ("organisation_update", "api_token_create"):
        assert AuditEntry.objects.filter(action=action).count() == 1


@pytest.mark.django_db(transaction=True)
def test_opposite_orders_of_row_and_audit_do_not_deadlock() -> None:
    """The cycle the writers' lock prevented: a row then the audit head, against the audit
    head then the row. Appending locks no shared row any more, so it cannot form."""
    _postgresql_only()
    ensure_world()
    slug = Organisation.objects.values_list("slug", flat=True).first()
    audit_append(action="order_setup")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def row_then_audit() -> None:
        start.wait()
        with transaction.atomic():
            Organisation.objects.filter(slug=slug).update(description="row first")
            time.sleep(0.3)
            audit_append(action="order_row_first")

    def audit_then_row() -> None:
        start.wait()
        with transaction.atomic():
            audit_append(action="order_audit_first")
            time.sleep(0.3)
            Organisation.objects.filter(slug=slug).update(description="audit first")

    threads = [_in_thread(row_then_audit, errors), _in_thread(audit_then_row, errors)]
    for t in threads:
        t.join(30)
    assert errors == []
    audit_seal(wait=True)
    assert AuditEntry.objects.filter(action__startswith="order_").count() == 3
    assert audit_verify().ok
