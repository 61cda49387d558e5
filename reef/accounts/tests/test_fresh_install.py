"""A fresh install, no demo, run as an operator would (issue 12): reference data comes
with the schema, the console makes an administrator and gives roles, and a revoked
role closes access at once.

Runs the real `reef` command against a new SQLite file. To run it once against
PostgreSQL, set REEF_FRESH_DATABASE_URL=postgres://.../an_empty_database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Runs Reef's command in other processes: left out of `make test-fast`.
pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parents[3]
ADMIN = "admin@example.org"
FOCAL = "focal@example.org"
PASSWORD = "a long operator password 2026"

DOC: dict[str, Any] = {
    "framework": "example-staged@0.1",
    "country": "GD",
    "cycle": "2025",
    "title": "Grenada 2025 (illustrative)",
    "tlp": "TLP:AMBER",
    "assessors": [{"id": "a1", "name": "Assessor One"}],
    "ratings": [
        {"indicator": "P.1.a.2.1", "assessor": "a1", "value": "met", "evidence": "Mandate"},
        {"indicator": "P.1.a.3.1", "assessor": "a1", "value": "met", "evidence": ""},
        {"indicator": "S.1.2.1", "assessor": "a1", "value": "partial", "evidence": ""},
    ],
    "targets": [{"aspect": "P.1.a", "stage": 4}],
}


def _fresh_database_url(tmp: Path) -> str:
    """An empty database of the kind the suite runs on: SQLite, or a new PostgreSQL database
    beside the test database when the suite runs on PostgreSQL (`make test-postgres`)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp / 'fresh.sqlite3'}"
    import secrets

    import psycopg

    params = connection.get_connection_params()
    name = f"reef_fresh_{secrets.token_hex(4)}"
    conninfo = psycopg.conninfo.make_conninfo(
        host=params.get("host", ""),
        port=str(params.get("port", "")),
        user=params.get("user", ""),
        password=params.get("password", ""),
        dbname="postgres",
    )
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # a fixed pattern of hex digits
    user = params.get("user", "")
    password = params.get("password", "")
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{params.get('host', '')}:{params.get('port', 5432)}/{name}"


class Install:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("REEF_", "DJANGO_"))}
        # Production settings: a real key, no test or demo mode.
        self.env["REEF_SECRET_KEY"] = "fresh-install-test-key-" + "x" * 40
        self.env["REEF_DATABASE_URL"] = os.environ.get(
            "REEF_FRESH_DATABASE_URL", _fresh_database_url(tmp)
        )
        self.env["REEF_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
        self.env["REEF_PASSWORD"] = PASSWORD

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reef.cli", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def ok(self, *args: str) -> str:
        done = self(*args)
        assert done.returncode == 0, f"reef {' '.join(args)}: {done.stderr}"
        return done.stdout


@pytest.fixture(scope="module")
def install(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Install]:
    """migrate, an administrator and a user, the example framework: nothing else."""
    reef = Install(tmp_path_factory.mktemp("fresh"))
    yield from _with_database(reef)


def _with_database(reef: Install) -> Iterator[Install]:
    try:
        yield _installed(reef)
    finally:
        url = reef.env["REEF_DATABASE_URL"]
        if url.startswith("postgres") and "/reef_fresh_" in url:
            import psycopg

            base, _sep, name = url.rpartition("/")
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _installed(reef: Install) -> Install:
    reef.ok("migrate", "--noinput")
    reef.ok("createuser", ADMIN, "--admin")
    reef.ok("createuser", FOCAL)
    reef.ok("framework", "import", str(ROOT / "reef/frameworks/examples/staged-example.json"))
    doc = reef.tmp / "assessment.json"
    doc.write_text(json.dumps(DOC))
    return reef


def test_migrate_alone_gives_the_directory(install: Install) -> None:
    out = install.ok(
        "shell",
        "-c",
        "from reef.directory.models import Country, Grouping;"
        "from reef.experts.models import ExpertiseTag;"
        "print(Country.objects.count(), "
        "Grouping.objects.get(slug='caricom').memberships.count(), "
        "Grouping.objects.count(), ExpertiseTag.objects.count() > 0)",
    )
    # The shell may first say which models it imported: the answer is the last line.
    countries, caricom, groupings, tags = out.strip().splitlines()[-1].split()
    assert int(countries) >= 249 and int(caricom) == 20 and int(groupings) == 3
    assert tags == "True"


def test_console_refuses_clearly(install: Install) -> None:
    refused = install("member", "grant", FOCAL, "--role", "manager", "--country", "ZZ")
    assert refused.returncode != 0 and "Unknown ISO 3166 code" in refused.stderr
    refused = install(
        "member", "grant", "nobody@example.org", "--role", "viewer", "--country", "GD"
    )
    assert refused.returncode != 0 and "No user nobody@example.org" in refused.stderr
    # A user may not give themselves a role, nor may a role-less user give one.
    refused = install(
        "member", "grant", FOCAL, "--role", "manager", "--country", "GD", "--as", FOCAL
    )
    assert refused.returncode != 0 and "may not" in refused.stderr
    listed = json.loads(install.ok("member", "list", "--email", FOCAL, "--json"))
    assert listed == []


def test_fresh_install_sequence(install: Install) -> None:
    """The sequence an operator runs on a fresh database; the administrator imports."""
    install.ok("member", "grant", FOCAL, "--role", "manager", "--country", "GD")
    pk = install.ok(
        "assessment", "import", str(install.tmp / "assessment.json"), "--as", ADMIN
    ).strip()
    exported = json.loads(install.ok("assessment", "export", pk, "--json", "--as", FOCAL))
    assert exported  # the focal point reads the AMBER result
    # The administrator manages people, but reads no country's AMBER records.
    hidden = install("assessment", "export", pk, "--json", "--as", ADMIN)
    assert hidden.returncode != 0 and "Not found" in hidden.stderr
    members = json.loads(install.ok("member", "list", "--country", "GD", "--json"))
    assert [(m["email"], m["role"], m["country"]) for m in members] == [(FOCAL, "manager", "GD")]
    assert members[0]["email_verified"] is True  # created by the operator
    install.ok("member", "revoke", FOCAL, "--role", "manager", "--country", "GD")
    gone = install("assessment", "export", pk, "--json", "--as", FOCAL)
    assert gone.returncode != 0 and "Not found" in gone.stderr
    assert json.loads(install.ok("member", "list", "--country", "GD", "--json")) == []
    install.ok("audit", "verify")
    install.ok("user", "deactivate", FOCAL)
    refused = install("assessment", "export", pk, "--json", "--as", FOCAL)
    assert refused.returncode != 0 and f"No active user {FOCAL}" in refused.stderr


def test_console_operator_imports_an_assessment(install: Install) -> None:
    """Without --as the console operator imports (audited as system:import)."""
    doc = install.tmp / "assessment-2026.json"
    doc.write_text(json.dumps({**DOC, "cycle": "2026"}))
    pk = install.ok("assessment", "import", str(doc)).strip()
    assert pk.isdigit()
