"""`reef consensus analyze` and `reef match` run without loading Django, with the same output
and errors as their management commands (which run when an option only Django knows is given)."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

# Runs Reef's command in other processes: left out of `make test-fast`.
pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parents[3]
POLIS = ROOT / "reef" / "consultations" / "tests" / "data" / "polis"
MATCH_INPUT = {
    "proposals": [{"id": "p1", "text": "CSIRT maturity review", "needs": 1}],
    "reviewers": [
        {"id": "r1", "text": "incident response lead", "max_load": 3},
        {"id": "r2", "expertise": ["cybercrime law"], "max_load": 1},
    ],
    "affinity": [{"proposal": "p1", "reviewer": "r1", "score": 0.82}],
}
# Prints whether Django was imported once `reef ...` has finished.
RUN = (
    "import atexit, sys; atexit.register(lambda: sys.stderr.write("
    "'DJANGO-LOADED' if 'django.conf' in sys.modules else 'NO-DJANGO')); "
    "from reef.cli import main; main(sys.argv[1:])"
)


def reef(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "LANG": "C.UTF-8", "PYTHONPATH": str(ROOT)}
    return subprocess.run(  # nosec B603
        [sys.executable, "-c", RUN, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _same(a: object, b: object) -> bool:
    """Equal, floats to 1e-9: two processes may sum in another order (SIMD alignment), which
    moves the last bits of a coordinate, never a group or a count."""
    if isinstance(a, float) or isinstance(b, float):
        return (
            isinstance(a, int | float)
            and isinstance(b, int | float)
            and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def test_same_compares_floats_to_their_last_bits_only() -> None:
    assert _same({"x": [1.0867654417144894, 2]}, {"x": [1.0867654417144887, 2]})
    assert not _same({"x": [1.08, 2]}, {"x": [1.09, 2]})
    assert not _same({"group": 1}, {"group": 2})


def test_consensus_analyze_without_django_prints_the_command_output(tmp_path: Path) -> None:
    folder = POLIS / "brexit-consensus"
    fast = reef("consensus", "analyze", str(folder), "--json", cwd=tmp_path)
    assert fast.returncode == 0, fast.stderr
    assert fast.stderr.endswith("NO-DJANGO")
    out = StringIO()
    call_command("consensus", "analyze", str(folder), "--json", stdout=out)
    assert _same(json.loads(fast.stdout), json.loads(out.getvalue()))
    text = reef("consensus", "analyse", str(folder), cwd=tmp_path)
    out = StringIO()
    call_command("consensus", "analyse", str(folder), stdout=out)
    assert text.stdout == out.getvalue()


def test_consensus_analyze_errors_without_django(tmp_path: Path) -> None:
    shutil.copy(POLIS / "brexit-consensus" / "comments.csv", tmp_path / "comments.csv")
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n1,d,1,1,1\n2,d,1,2,maybe\n"
    )
    bad = reef("consensus", "analyze", str(tmp_path), "--json", cwd=tmp_path)
    assert bad.returncode == 1
    assert "CommandError: Bad Polis export:" in bad.stderr
    assert "line 3, column 'vote'" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert bad.stdout == ""
    missing = reef("consensus", "analyze", str(tmp_path / "nope"), cwd=tmp_path)
    assert missing.returncode == 1
    assert "not a folder" in missing.stderr


def test_match_without_django_prints_the_command_output(tmp_path: Path) -> None:
    source = tmp_path / "reviewers.json"
    source.write_text(json.dumps(MATCH_INPUT), encoding="utf-8")
    fast = reef("match", "reviewers", str(source), "--json", cwd=tmp_path)
    assert fast.returncode == 0, fast.stderr
    assert fast.stderr.endswith("NO-DJANGO")
    out = StringIO()
    call_command("match", "reviewers", str(source), "--json", stdout=out)
    assert fast.stdout == out.getvalue()
    bad = tmp_path / "bad.json"
    bad.write_text("[" * 5000, encoding="utf-8")
    failed = reef("match", "reviewers", str(bad), "--json", cwd=tmp_path)
    assert failed.returncode == 1
    assert failed.stderr.startswith(f"CommandError: {bad}: ")
    assert "Traceback" not in failed.stderr


@pytest.mark.parametrize("command", ["consensus", "match"])
def test_options_only_django_knows_still_work(tmp_path: Path, command: str) -> None:
    if command == "consensus":
        args = ["consensus", "analyze", str(POLIS / "brexit-consensus"), "--json"]
    else:
        source = tmp_path / "reviewers.json"
        source.write_text(json.dumps(MATCH_INPUT), encoding="utf-8")
        args = ["match", "reviewers", str(source), "--json"]
    result = reef(*args, "--verbosity", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)
    assert result.stderr.endswith("DJANGO-LOADED")
