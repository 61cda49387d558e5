"""File-in, file-out commands run with no REEF_* variable, secret key or database (issue 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Runs Reef's command in other processes: left out of `make test-fast`.
pytestmark = pytest.mark.subprocess

REEF = Path(sys.executable).with_name("reef")
POLIS = Path(__file__).resolve().parents[2] / "consultations" / "tests" / "data" / "polis"

MATCH_INPUT = {
    "proposals": [{"id": "p1", "text": "CSIRT maturity review", "needs": 1}],
    "reviewers": [
        {"id": "r1", "text": "incident response lead", "max_load": 3},
        {"id": "r2", "expertise": ["cybercrime law"], "max_load": 1},
    ],
    "affinity": [{"proposal": "p1", "reviewer": "r1", "score": 0.82}],
    "conflicts": [{"proposal": "p1", "reviewer": "r2"}],
}


def _clean_env(home: Path) -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    assert not any(key.startswith("REEF_") for key in env)
    return env


def _reef(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # nosec B603
        [str(REEF), *args],
        cwd=cwd,
        env=_clean_env(cwd),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("file-only")


def test_consensus_analyze_runs_without_any_reef_variable(workdir: Path) -> None:
    result = _reef(["consensus", "analyze", str(POLIS / "brexit-consensus"), "--json"], workdir)
    assert result.returncode == 0, result.stderr
    analysis = json.loads(result.stdout)
    assert analysis["participants"]


@pytest.mark.parametrize("kind", ["reviewers"])
def test_match_runs_without_any_reef_variable(kind: str, workdir: Path) -> None:
    source = workdir / "reviewers.json"
    source.write_text(json.dumps(MATCH_INPUT), encoding="utf-8")
    result = _reef(["match", kind, str(source), "--json"], workdir)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)
    # Bad input: a clear error, not a traceback, still without a key.
    bad = workdir / "bad.json"
    bad.write_text("[" * 5000, encoding="utf-8")
    failed = _reef(["match", kind, str(bad), "--json"], workdir)
    assert failed.returncode != 0
    assert "Traceback" not in failed.stderr
    assert "REEF_SECRET_KEY" not in failed.stderr


def test_commands_that_use_the_database_still_need_the_secret_key(workdir: Path) -> None:
    result = _reef(["audit", "verify"], workdir)
    assert result.returncode != 0
    assert "REEF_SECRET_KEY must be set" in result.stderr


@pytest.mark.skipif(os.name != "posix", reason="POSIX paths")
def test_file_only_mode_has_no_database() -> None:
    code = (
        "import os; os.environ['REEF_FILE_ONLY']='true'; os.environ['DJANGO_SETTINGS_MODULE']="
        "'reef.settings'; import django; django.setup(); from django.db import connection; "
        "connection.cursor()"
    )
    result = subprocess.run(  # nosec B603
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"},  # noqa: S108  # nosec B108
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
