"""Benchmark for reef.experts.matching.

    .venv/bin/python bench/matching_bench.py [--quick] [--records] [--out DIR]

Reviewer assignment: dense affinities (4 decimals), 3 reviewers per proposal,
loads uniform in 4..7, 1% conflicts, timed end to end from the JSON file
(load + validate + solve + write the output JSON; wall-clock and CPU seconds of
the process, since the machine may be shared), and checked against the
optimum of the transportation LP solved independently with SciPy/HiGHS (its
constraint matrix is totally unimodular, so the LP optimum is the integer
optimum). Team building: 200 missions x 1,000 experts, checked against the same
batch solved without candidate pruning (`candidates_extra: null`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reef.experts.matching import run_cli


def reviewer_instance(n: int, seed: int, records: bool) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    scores = np.round(rng.random((n, n)), 4)
    loads = rng.integers(4, 8, n)
    conflict = rng.random((n, n)) < 0.01
    data: dict[str, Any] = {
        "proposals": [{"id": f"p{i}", "needs": 3} for i in range(n)],
        "reviewers": [{"id": f"r{j}", "max_load": int(loads[j])} for j in range(n)],
        "conflicts": [
            {"proposal": f"p{i}", "reviewer": f"r{j}"}
            for i, j in zip(*np.nonzero(conflict), strict=True)
        ],
        "objective": "total",
    }
    if records:
        data["affinity"] = [
            {"proposal": f"p{i}", "reviewer": f"r{j}", "score": float(scores[i, j])}
            for i in range(n)
            for j in range(n)
        ]
    else:
        data["affinity_matrix"] = scores.tolist()
    return data


def lp_optimum(data: dict[str, Any], n: int) -> float:
    """Independent exact optimum: the transportation LP with HiGHS."""
    if "affinity_matrix" in data:
        scores = np.asarray(data["affinity_matrix"])
    else:
        scores = np.array([a["score"] for a in data["affinity"]]).reshape(n, n)
    allowed = np.ones((n, n), dtype=bool)
    for c in data["conflicts"]:
        allowed[int(c["proposal"][1:]), int(c["reviewer"][1:])] = False
    p, r = np.nonzero(allowed)
    e = len(p)
    cols = np.arange(e)
    a_eq = sp.csr_matrix((np.ones(e), (p, cols)), shape=(n, e))
    a_ub = sp.csr_matrix((np.ones(e), (r, cols)), shape=(n, e))
    loads = [rv["max_load"] for rv in data["reviewers"]]
    res = linprog(
        -scores[p, r],
        A_ub=a_ub,
        b_ub=loads,
        A_eq=a_eq,
        b_eq=np.full(n, 3),
        bounds=(0, 1),
        method="highs",
    )
    assert res.status == 0, res.message
    return float(-res.fun)


def team_instance(n_missions: int, n_experts: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    regions = [f"region-{k}" for k in range(8)]
    countries = [(f"C{k:02d}", regions[k % 8]) for k in range(40)]
    tags = [f"tag-{k}" for k in range(30)]
    roles = ["technical", "criminal_justice", "policy", "diplomacy"]
    sectors = ["government", "private", "academia", "civil_society", "international"]
    langs = ["en", "fr", "es", "pt", "ar", "ru"]
    levels = ["nascent", "junior", "mid", "senior", "principal"]
    base = dt.date(2026, 1, 1)
    experts = []
    for i in range(n_experts):
        country, region = countries[int(rng.integers(40))]
        spans = []
        for _ in range(int(rng.integers(1, 4))):
            s = base + dt.timedelta(days=int(rng.integers(0, 330)))
            spans.append(
                {
                    "start": s.isoformat(),
                    "end": (s + dt.timedelta(days=int(rng.integers(20, 120)))).isoformat(),
                }
            )
        spoken = ["en"] if rng.random() < 0.8 else []
        spoken += [lang for lang in langs[1:] if rng.random() < 0.2]
        experts.append(
            {
                "id": f"e{i}",
                "roles": [roles[int(rng.integers(4))]]
                + (["technical"] if rng.random() < 0.1 else []),
                "expertise": sorted({tags[int(k)] for k in rng.integers(0, 30, 4)}),
                "sector": sectors[int(rng.integers(5))],
                "country": country,
                "region": region,
                "organisation": f"org-{int(rng.integers(300))}",
                "languages": spoken or ["fr"],
                "seniority": levels[int(rng.choice(5, p=[0.1, 0.2, 0.3, 0.3, 0.1]))],
                "availability": spans,
                "conflicts": {"countries": [countries[int(rng.integers(40))][0]]},
            }
        )
    missions = []
    for m in range(n_missions):
        country, region = countries[int(rng.integers(40))]
        s = base + dt.timedelta(days=int(rng.integers(0, 340)))
        missions.append(
            {
                "id": f"m{m}",
                "country": country,
                "region": region,
                "organisations": [f"org-{int(rng.integers(300))}"],
                "start": s.isoformat(),
                "end": (s + dt.timedelta(days=int(rng.integers(4, 15)))).isoformat(),
                "languages": ["en"]
                + ([langs[int(rng.integers(1, 6))]] if rng.random() < 0.4 else []),
                "size": int(rng.integers(3, 6)),
                "nascent_seat": bool(rng.random() < 0.5),
                "expertise": sorted({tags[int(k)] for k in rng.integers(0, 30, 3)}),
            }
        )
    return {"missions": missions, "experts": experts, "max_missions_per_expert": 2}


def timed(kind: str, path: Path) -> tuple[dict[str, Any], float, float]:
    """(output, wall seconds, CPU seconds of this process) for one end-to-end run."""
    start, cpu = time.perf_counter(), time.process_time()
    out = run_cli(kind, str(path))
    path.with_suffix(".out.json").write_text(json.dumps(out))
    return out, time.perf_counter() - start, time.process_time() - cpu


def load_average() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 x 1,000 only, 50 missions")
    parser.add_argument("--records", action="store_true", help="also time the record-list form")
    parser.add_argument("--out", default=None, help="directory for the JSON files")
    parser.add_argument(
        "--no-exact-teams",
        action="store_true",
        help="skip the unpruned (candidates_extra: null) team run used as the reference",
    )
    args = parser.parse_args()
    print(f"load average (1/5/15 min) at start: {load_average()}", flush=True)
    workdir = Path(args.out or tempfile.mkdtemp(prefix="reef-match-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    sizes = [1000] if args.quick else [1000, 2000]
    forms = [False, True] if args.records else [False]
    for n in sizes:
        for records in forms:
            data = reviewer_instance(n, seed=n, records=records)
            path = workdir / f"reviewers-{n}-{'records' if records else 'matrix'}.json"
            path.write_text(json.dumps(data))
            size_mb = path.stat().st_size / 1e6
            out, seconds, cpu = timed("reviewers", path)
            optimum = lp_optimum(data, n)
            ok = abs(out["total"] - optimum) <= 1e-6 * max(1.0, optimum)
            form = "records" if records else "affinity_matrix"
            rows.append(
                {
                    "case": f"reviewers {n} x {n} ({form}, {size_mb:.0f} MB)",
                    "seconds": round(seconds, 2),
                    "cpu": round(cpu, 2),
                    "result": f"total {out['total']:.4f}, LP optimum {optimum:.4f}, "
                    f"{'equal' if ok else 'MISMATCH'}; unfilled {len(out['unfilled'])}",
                }
            )
            print(rows[-1], flush=True)
            del data
    n_m, n_e = (50, 300) if args.quick else (200, 1000)
    data = team_instance(n_m, n_e, seed=7)
    path = workdir / f"teams-{n_m}-{n_e}.json"
    path.write_text(json.dumps(data))
    out, seconds, cpu = timed("team", path)
    complete = sum(t["complete"] for t in out["teams"])
    missing = sum(e["needed"] - e["covered"] for t in out["teams"] for e in t["missing"])
    result = (
        f"{complete}/{n_m} complete, {missing} coverage units missing, "
        f"status {out['status']}, fit {out['total_fit']:.6f}"
    )
    if not args.no_exact_teams:
        # Reference: the same batch without candidate pruning (slower, exact).
        exact_path = workdir / f"teams-{n_m}-{n_e}-unpruned.json"
        exact_path.write_text(json.dumps({**data, "candidates_extra": None}))
        ref, ref_seconds, _ = timed("team", exact_path)
        ref_missing = sum(e["needed"] - e["covered"] for t in ref["teams"] for e in t["missing"])
        same = ref_missing == missing and abs(ref["total_fit"] - out["total_fit"]) <= 1e-6
        result += (
            f"; unpruned reference ({ref_seconds:.1f} s, status {ref['status']}): "
            f"{ref_missing} missing, fit {ref['total_fit']:.6f}, "
            f"{'equal' if same else 'DIFFERENT'}"
        )
    rows.append(
        {
            "case": f"teams {n_m} missions x {n_e} experts",
            "seconds": round(seconds, 2),
            "cpu": round(cpu, 2),
            "result": result,
        }
    )
    print(rows[-1], flush=True)
    (workdir / "results.json").write_text(json.dumps(rows, indent=2))
    print(f"load average (1/5/15 min) at end: {load_average()}")
    print("\n| case | wall s (end to end) | CPU s | result |\n| --- | ---: | ---: | --- |")
    for row in rows:
        print(f"| {row['case']} | {row['seconds']:.2f} | {row['cpu']:.2f} | {row['result']} |")


if __name__ == "__main__":
    main()
