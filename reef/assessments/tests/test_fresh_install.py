"""Issue 12's fresh-install path for assessments: an administrator imports a country's
assessment from the console, the country's manager exports it; nobody else reads it."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reef.accounts.models import Membership
from reef.assessments.models import Assessment
from reef.assessments.tests.test_import_export import DOC
from reef.assessments.tests.test_rules import admin_user
from reef.core.models import AuditEntry
from reef.core.roles import Role
from reef.directory.models import Country
from reef.frameworks.formats import SHIPPED_DIR
from tests_support.world import make_user

pytestmark = pytest.mark.django_db

EXAMPLE = SHIPPED_DIR.parent / "examples" / "staged-example.json"


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_admin_imports_and_the_country_manager_exports(
    world: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = admin_user(monkeypatch)
    focal = make_user(email="focal@example.org")
    # Granted as `reef member grant focal@example.org --role manager --country GD` would.
    membership = Membership.objects.create(
        user=focal, role=Role.MANAGER, country=Country.objects.get(code="GD")
    )
    # The administrator installs the framework and imports the assessment.
    _run("framework", "import", str(EXAMPLE), "--as", admin.email)
    path = tmp_path / "gd-2025.json"
    path.write_text(json.dumps(DOC))
    pk = int(_run("assessment", "import", str(path), "--as", admin.email).strip())
    a = Assessment.objects.get(pk=pk)
    assert a.country.code == "GD" and a.owner_country_id == a.country_id and a.imported
    entry = AuditEntry.objects.filter(action="assessment_import").get()
    assert entry.actor == admin.email
    # The country's manager reads the result back.
    exported = json.loads(_run("assessment", "export", str(pk), "--json", "--as", focal.email))
    assert exported["country"] == "GD" and exported["cycle"] == "2025"
    assert exported["tlp"] == "TLP:AMBER"
    # The administrator, by that role, reads no country's AMBER record.
    with pytest.raises(CommandError, match="Not found"):
        _run("assessment", "export", str(pk), "--json", "--as", admin.email)
    # Revoking the manager's role makes the export "Not found".
    membership.delete()
    with pytest.raises(CommandError, match="Not found"):
        _run("assessment", "export", str(pk), "--json", "--as", focal.email)


def test_console_import_without_identity_acts_for_the_operator(world: None, tmp_path: Path) -> None:
    _run("framework", "import", str(EXAMPLE))
    path = tmp_path / "gd.json"
    path.write_text(json.dumps(DOC))
    pk = int(_run("assessment", "import", str(path)).strip())
    assert Assessment.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.filter(action="assessment_import").get()
    assert entry.actor == "system:import"


def test_people_without_a_role_in_the_country_may_not_import(
    users: dict[str, Any], tmp_path: Path
) -> None:
    _run("framework", "import", str(EXAMPLE), "--as", users["coordinator"].email)
    path = tmp_path / "gd.json"
    path.write_text(json.dumps(DOC))
    for who in ("outsider", "expert", "public"):
        with pytest.raises(CommandError, match="may not import"):
            _run("assessment", "import", str(path), "--as", users[who].email)
    assert not Assessment.objects.exists()
    with pytest.raises(CommandError, match="may import frameworks"):
        _run("framework", "import", str(EXAMPLE), "--as", users["focal_point"].email)
