from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from reef.core.audit import audit_append, audit_verify
from reef.core.backup import BackupError, restore, row_counts
from reef.core.tlp import TLP
from reef.directory.models import Country, Person
from tests_support.world import ensure_world


def _snapshot() -> dict[str, Any]:
    return {
        "counts": row_counts(),
        "people": list(Person.objects.order_by("pk").values_list("pk", "name", "tlp")),
    }


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_gives_identical_data(tmp_path: Path) -> None:
    ensure_world()
    gd = Country.objects.get(code="GD")
    Person.objects.create(name="Before backup", country=gd, owner_country=gd, tlp=TLP.AMBER)
    audit_append(action="before_backup")
    before = _snapshot()
    target = tmp_path / "reef.backup"
    call_command("backup", str(target))
    assert target.stat().st_size > 0
    # Changes after the backup disappear on restore.
    Person.objects.create(name="After backup", country=gd, owner_country=gd, tlp=TLP.AMBER)
    Person.objects.filter(name="Before backup").update(name="Changed")
    call_command("restore", str(target))
    after = _snapshot()
    assert after == before
    assert audit_verify().ok


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus"
    bogus.write_bytes(b"not a database at all")
    with pytest.raises(BackupError):
        restore(bogus)
    with pytest.raises(BackupError):
        restore(tmp_path / "missing")
