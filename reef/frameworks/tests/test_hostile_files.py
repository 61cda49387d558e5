"""Framework import refuses hostile files clearly and writes nothing (issue 13, item 16).

Speed and memory of the refusal are measured in reef/core/tests/test_safeload.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from reef.core.models import AuditEntry
from reef.core.tests.test_safeload import ALIAS_BOMB
from reef.frameworks.models import Framework

HOSTILE = {
    "bomb.yaml": ALIAS_BOMB,
    "deep.json": "[" * 50_000 + "]" * 50_000,
    "deep.yaml": "[" * 50_000 + "]" * 50_000,
    "deep-block.yaml": "".join("  " * i + f"k{i}:\n" for i in range(400)) + "  " * 400 + "x\n",
    "infinite.json": '{"slug": "x", "max": 1e999999}',
    "infinite.yaml": "slug: x\nmax: .inf\n",
}
EXPECTED = {
    "bomb.yaml": "too many values",
    "deep.json": "nested too deeply at line 1 column 65",
    "deep.yaml": "nested too deeply",
    "deep-block.yaml": "nested too deeply",
    "infinite.json": "the number 1e999999 is out of range",
    "infinite.yaml": "out of range",
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_framework_import_refuses_hostile_files(
    name: str, tmp_path: Path, users: dict[str, Any]
) -> None:
    path = tmp_path / name
    path.write_text(HOSTILE[name], encoding="utf-8")
    frameworks, entries = Framework.objects.count(), AuditEntry.objects.count()
    with pytest.raises(CommandError) as info:
        call_command("framework", "import", str(path), "--as", users["coordinator"].email)
    assert str(info.value).startswith(f"{name}: ")
    assert EXPECTED[name] in str(info.value)
    assert Framework.objects.count() == frameworks
    assert AuditEntry.objects.count() == entries
