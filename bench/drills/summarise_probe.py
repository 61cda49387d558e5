"""Summarise probe.py output: answers per phase; PASS when no 500/connection error,
only 503 with the clear message while the database is down, and 200/201 again after."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

rows = [json.loads(x) for x in Path(sys.argv[1]).read_text().splitlines() if x.strip()]
down_phase = sys.argv[2] if len(sys.argv) > 2 else "down"
phases: dict[str, Counter[str]] = {}
for r in rows:
    phases.setdefault(r["phase"], Counter())[f"{r['kind']}:{r['status']}"] += 1
for name, counts in phases.items():
    print(f"{name:>10}: {dict(sorted(counts.items()))}")
problems = []
if any(r["status"] in (0, 500) for r in rows):
    problems.append("500 or connection error seen")
down = [r for r in rows if r["phase"] == down_phase]
if not down or any(r["status"] != 503 or not r["clear"] for r in down):
    problems.append("while down, not every answer was a clear 503")
restart = [r for r in rows if r["phase"] == "restarted"]
if restart:
    first_ok = next((r["t"] for r in restart if r["status"] in (200, 201)), None)
    t0 = restart[0]["t"]
    if first_ok is None:
        problems.append("never recovered")
    else:
        print(f"recovered {first_ok - t0:.1f} s after the database came back")
        late = [r for r in restart if r["t"] > first_ok + 2 and r["status"] not in (200, 201)]
        if late:
            problems.append(f"{len(late)} failures after recovery")
print("RESULT:", "PASS" if not problems else "FAIL " + "; ".join(problems))
sys.exit(0 if not problems else 1)
