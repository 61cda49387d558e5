from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from reef.core.audit import audit_append, audit_seal, audit_verify
from reef.core.models import AuditEntry, AuditHead

# A test's transaction never commits, so nothing seals after commit here: tests that
# check the chain seal explicitly, as the after-commit hook or the worker would.


@pytest.mark.django_db
def test_chain_verifies_after_appends(users: dict[str, Any]) -> None:
    audit_seal()  # what building the personas audited, when this worker built them here
    for i in range(5):
        audit_append(action="test", actor=users["focal_point"], detail={"i": i})
    assert audit_seal() == 5
    result = audit_verify()
    assert result.ok, result.problems
    call_command("audit", "verify")


@pytest.mark.django_db
def test_entries_are_append_only() -> None:
    entry = audit_append(action="test")
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


@pytest.mark.django_db
def test_edited_entry_is_detected() -> None:
    audit_append(action="one")
    target = audit_append(action="two", detail={"amount": 100})
    audit_append(action="three")
    audit_seal()
    target.refresh_from_db()
    AuditEntry.objects.filter(pk=target.pk).update(detail={"amount": 1})
    result = audit_verify()
    assert not result.ok
    assert any(f"entry {target.seq}: content changed" in p for p in result.problems)
    with pytest.raises(CommandError):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_deleted_entry_is_detected() -> None:
    audit_append(action="one")
    target = audit_append(action="two")
    audit_append(action="three")
    audit_seal()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [target.pk])
    assert not audit_verify().ok


@pytest.mark.django_db
def test_deleted_tail_is_detected() -> None:
    audit_append(action="one")
    last = audit_append(action="two")
    audit_seal()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [last.pk])
    problems = audit_verify().problems
    assert any("chain head" in p for p in problems)


@pytest.mark.django_db
def test_rewritten_chain_without_the_key_is_detected(settings: Any) -> None:
    audit_append(action="one")
    audit_seal()
    head = AuditHead.objects.get(pk=1)
    AuditHead.objects.filter(pk=1).update(anchor="0" * 64)
    assert any("anchor" in p for p in audit_verify().problems)
    AuditHead.objects.filter(pk=1).update(anchor=head.anchor)
    settings.REEF_AUDIT_KEY = "another key"
    assert not audit_verify().ok


@pytest.mark.django_db
def test_control_characters_cannot_forge_lines() -> None:
    entry = audit_append(action="x\nforged", object_type="a\rb")
    assert "\n" not in entry.action and "\r" not in entry.object_type


@pytest.mark.django_db
def test_sign_in_and_failures_are_audited(client: Any, users: dict[str, Any]) -> None:
    client.post("/accounts/login/", {"login": "focal.grenada@demo.reef", "password": "wrong"})
    assert AuditEntry.objects.filter(action="sign_in_failed").exists()
