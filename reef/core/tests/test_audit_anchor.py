"""The audit chain's head is anchored outside the database (issue 13, item 7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from reef.core.audit import audit_append, audit_verify, read_anchors, write_anchor
from reef.core.models import AuditEntry, AuditHead


@pytest.fixture
def anchor_file(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "anchors" / "audit-anchors.log"
    settings.REEF_AUDIT_ANCHOR_FILE = str(path)
    return path


def _head_row() -> tuple[int, str, str]:
    head = AuditHead.objects.get(pk=1)
    return head.seq, head.hash, head.anchor


def _roll_back_to(row: tuple[int, str, str]) -> None:
    """The attack: delete the newest entries and write the old head row back."""
    seq, head_hash, anchor = row
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq > %s", [seq])
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=head_hash, anchor=anchor)


@pytest.mark.django_db(transaction=True)
def test_rolled_back_audit_chain_is_detected(anchor_file: Path) -> None:
    audit_append(action="one")
    old_head = _head_row()
    audit_append(action="two")
    audit_append(action="three")
    assert audit_verify().ok
    _roll_back_to(old_head)
    # The database alone cannot tell: that was the weakness.
    assert audit_verify(anchor_files=[]).ok
    problems = audit_verify().problems
    assert any("behind its external anchor" in p for p in problems), problems
    with pytest.raises(CommandError, match="Audit chain broken"):
        call_command("audit", "verify")


@pytest.mark.django_db(transaction=True)
def test_rolled_back_then_regrown_chain_is_detected(anchor_file: Path) -> None:
    audit_append(action="one")
    old_head = _head_row()
    audit_append(action="two")
    _roll_back_to(old_head)
    # Growing the chain back to the anchored length gives another hash at that entry.
    audit_append(action="forged two")
    problems = audit_verify().problems
    assert any("disagrees with its external anchor" in p for p in problems), problems


@pytest.mark.django_db(transaction=True)
def test_one_anchor_per_transaction_and_never_a_rolled_back_head(anchor_file: Path) -> None:
    start = _head_row()[0]  # the world's own entries, if any
    with transaction.atomic():
        for i in range(5):
            audit_append(action="batch", detail={"i": i})
    anchors, bad = read_anchors(anchor_file)
    assert not bad
    assert [(a.kind, a.seq) for a in anchors] == [("anchor", start + 5)]
    with transaction.atomic():
        audit_append(action="kept")
        try:
            with transaction.atomic():
                audit_append(action="rolled back")
                raise ValueError
        except ValueError:
            pass
    with transaction.atomic():
        try:
            with transaction.atomic():
                audit_append(action="rolled back first")
                raise ValueError
        except ValueError:
            pass
        audit_append(action="kept after a rolled-back savepoint")
    anchors, _ = read_anchors(anchor_file)
    assert [a.seq for a in anchors] == [start + 5, start + 6, start + 7]
    assert AuditEntry.objects.count() == start + 7
    result = audit_verify()
    assert result.ok, result.problems
    assert not result.notes


@pytest.mark.django_db(transaction=True)
def test_anchor_line_signed_without_the_key_is_refused(anchor_file: Path, settings: Any) -> None:
    audit_append(action="one")
    settings.REEF_AUDIT_KEY = "not the operator's key"
    write_anchor(1, "f" * 64)
    settings.REEF_AUDIT_KEY = settings.SECRET_KEY
    anchor_file.write_text(anchor_file.read_text() + "garbage\n")
    problems = audit_verify().problems
    assert sum("does not verify with the audit key" in p for p in problems) == 1
    assert any("not an anchor line" in p for p in problems)


@pytest.mark.django_db(transaction=True)
def test_missing_anchor_file_is_a_note_and_audit_anchor_writes_it(anchor_file: Path) -> None:
    start = _head_row()[0]
    audit_append(action="one")
    anchor_file.unlink()
    result = audit_verify()
    assert result.ok and any("no external anchor yet" in n for n in result.notes)
    call_command("audit", "anchor")
    anchors, _ = read_anchors(anchor_file)
    assert [a.seq for a in anchors] == [start + 1]


@pytest.mark.django_db(transaction=True)
def test_restore_resets_the_anchor_to_the_restored_head(anchor_file: Path, tmp_path: Path) -> None:
    audit_append(action="before backup")
    backup = tmp_path / "reef.backup"
    call_command("backup", str(backup))
    audit_append(action="after backup")
    call_command("restore", str(backup))
    anchors, _ = read_anchors(anchor_file)
    assert anchors[-1].kind == "reset"
    result = audit_verify()
    assert result.ok, result.problems


@pytest.mark.django_db(transaction=True)
def test_rekey_reanchors_under_the_new_key(
    anchor_file: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.REEF_AUDIT_KEY = "old audit key"
    audit_append(action="one")
    assert audit_verify().ok
    monkeypatch.setenv("REEF_OLD_AUDIT_KEY", "old audit key")
    settings.REEF_AUDIT_KEY = "new audit key"
    assert not audit_verify().ok
    with pytest.raises(CommandError, match="old-key-env"):
        call_command("audit", "rekey")
    call_command("audit", "rekey", "--old-key-env", "REEF_OLD_AUDIT_KEY")
    result = audit_verify()
    assert result.ok, result.problems
    assert list(anchor_file.parent.glob("audit-anchors.log.retired-*"))
    # A wrong old key changes nothing.
    monkeypatch.setenv("REEF_OLD_AUDIT_KEY", "a guess")
    with pytest.raises(CommandError):
        call_command("audit", "rekey", "--old-key-env", "REEF_OLD_AUDIT_KEY")
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_new_database_is_anchored_again_only_by_an_explicit_reset(anchor_file: Path) -> None:
    audit_append(action="one")
    audit_append(action="two")
    # The database is emptied (a new database, or a deliberate restore of an empty one).
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
    AuditHead.objects.filter(pk=1).update(seq=0, hash="0" * 64, anchor="")
    problems = audit_verify().problems
    assert any("audit anchor --reset" in p for p in problems), problems
    call_command("audit", "anchor", "--reset")
    assert audit_verify().ok
    audit_append(action="first of the new chain")
    result = audit_verify()
    assert result.ok, result.problems
    assert read_anchors(anchor_file)[0][-1].seq == 1


def test_deploy_check_warns_without_an_anchor_file(settings: Any) -> None:
    from reef.core.checks import reef_deploy_checks

    settings.REEF_AUDIT_ANCHOR_FILE = ""
    assert "reef.W010" in {p.id for p in reef_deploy_checks(None)}
    settings.REEF_AUDIT_ANCHOR_FILE = "/srv/anchors/audit-anchors.log"
    assert "reef.W010" not in {p.id for p in reef_deploy_checks(None)}
