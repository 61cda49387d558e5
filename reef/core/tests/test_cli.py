"""The `reef` console command: demo on a chosen port, idempotent demo data, audit verify."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

# Runs Reef's command in other processes: left out of `make test-fast`.
pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REEF_", "DJANGO_"))}
    env["REEF_DATABASE_URL"] = f"sqlite:///{db}"
    return env


def _reef(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reef.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _counts(db: Path) -> dict[str, int]:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        counts = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    finally:
        con.close()
    # Sessions, caches and the audit trail change with use; domain data must not.
    return {t: n for t, n in counts.items() if not t.startswith(("core_audit", "django_session"))}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One demo database loaded by `reef demo --no-serve`, shared by the tests below (the
    first load is most of their time; a second load on it is the idempotence check)."""
    db = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    first = _reef("demo", "--no-serve", env=_env(db))
    assert first.returncode == 0, first.stderr
    return db, first.stdout


def test_demo_is_idempotent(demo_db: tuple[Path, str]) -> None:
    db, first_output = demo_db
    assert "illustrative" in first_output
    assert "focal.grenada@demo.reef" in first_output
    once = _counts(db)
    second = _reef("demo", "--no-serve", env=_env(db))
    assert second.returncode == 0, second.stderr
    assert _counts(db) == once
    verify = _reef("audit", "verify", env={**_env(db), "REEF_DEMO": "true"})
    assert verify.returncode == 0, verify.stderr
    assert "verified" in verify.stdout
    # The audit chain is anchored beside its own database, never in the project's var/.
    anchors = db.parent / "demo.audit-anchors.log"
    assert anchors.read_text().startswith("reset ")
    assert "no external anchor" not in verify.stderr


def test_demo_answers_on_the_chosen_port(tmp_path: Path, demo_db: tuple[Path, str]) -> None:
    port = _free_port()
    # The output goes to a file: a pipe nobody reads fills up and stalls the demo.
    log = (tmp_path / "demo.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "reef.cli", "demo", "--port", str(port)],
        cwd=ROOT,
        env=_env(demo_db[0]),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        body = b""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    body = r.read()
                    break
            except OSError:
                if process.poll() is not None:
                    pytest.fail((tmp_path / "demo.log").read_text(errors="replace"))
                time.sleep(1)
        assert b"Reef" in body
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=10
        ) as r:
            assert r.status == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_bad_port_is_refused(tmp_path: Path) -> None:
    result = _reef("demo", "--port", "70000", env=_env(tmp_path / "x.sqlite3"))
    assert result.returncode != 0
    assert "--port" in result.stderr


def test_serve_recycles_workers_after_max_requests(settings: Any) -> None:
    from reef import cli

    assert cli._max_requests() == settings.REEF_MAX_REQUESTS
    settings.REEF_MAX_REQUESTS = 0
    assert cli._max_requests() == 0
