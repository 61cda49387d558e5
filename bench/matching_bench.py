"""Benchmark for reef.experts.matching, every run a whole process.

    .venv/bin/python bench/matching_bench.py [--quick] [--records] [--repeats 3] [--out DIR]

Reviewer assignment: dense affinities (4 decimals), 3 reviewers per proposal,
loads uniform in 4..7, 1% conflicts. Reef runs as `reef match reviewers FILE
--json` (interpreter start, load + validate + solve + write the JSON); the peer
is the transportation LP solved independently with SciPy/HiGHS in its own
process (its constraint matrix is totally unimodular, so the LP optimum is the
integer optimum), which also checks Reef's total. Team building: 200 missions x
1,000 experts; the peer is the same batch solved without candidate pruning
(`candidates_extra: null`). Each pair runs --repeats times, alternating which
goes first; the table gives medians of wall time, CPU time (user + sys) and peak
RSS (GNU time), with the load average before and after, and says when the
machine was busy (1-minute load above half the CPUs at the start).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from procs import alternate, load_average, medians
from scipy.optimize import linprog

ROOT = Path(__file__).resolve().parents[1]


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


def reef_match(kind: str, path: Path) -> list[str]:
    # `reef match` from this checkout (the installed `reef` script may be another).
    code = "import sys; from reef.cli import main; sys.argv[0] = 'reef'; main()"
    return [sys.executable, "-c", code, "match", kind, str(path), "--json", "--indent", "0"]


def pair(
    argv: dict[str, list[str]], outs: dict[str, Path], repeats: int
) -> dict[str, dict[str, Any]]:
    """Both commands `repeats` times, alternating which goes first; medians per command."""
    runs = alternate(argv, outs, repeats)
    return {n: medians(r) | {"all_wall": [x["wall"] for x in r]} for n, r in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 x 1,000 only, 50 missions")
    parser.add_argument("--records", action="store_true", help="also time the record-list form")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command (default 3)")
    parser.add_argument("--out", default=None, help="directory for the JSON files")
    parser.add_argument("--lp", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.lp:  # child: the independent LP optimum of one reviewer file
        data = json.loads(Path(args.lp).read_text())
        print(json.dumps({"optimum": lp_optimum(data, args.n)}))
        return
    cpus = os.cpu_count() or 1
    start_load = load_average()
    busy = start_load[0] > 0.5 * cpus
    print(f"load average (1/5/15 min) at start: {start_load}", flush=True)
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
            del data
            size_mb = path.stat().st_size / 1e6
            before = load_average()
            outs = {"reef": path.with_suffix(".out.json"), "lp": path.with_suffix(".lp.json")}
            argv = {
                "reef": reef_match("reviewers", path),
                "lp": [sys.executable, __file__, "--lp", str(path), "--n", str(n)],
            }
            med = pair(argv, outs, args.repeats)
            out = json.loads(outs["reef"].read_text())
            optimum = json.loads(outs["lp"].read_text())["optimum"]
            ok = abs(out["total"] - optimum) <= 1e-6 * max(1.0, optimum)
            form = "records" if records else "affinity_matrix"
            rows.append(
                {
                    "case": f"reviewers {n} x {n} ({form}, {size_mb:.0f} MB)",
                    "peer": "SciPy/HiGHS LP",
                    **{f"reef_{k}": v for k, v in med["reef"].items()},
                    **{f"peer_{k}": v for k, v in med["lp"].items()},
                    "load": (before[0], load_average()[0]),
                    "result": f"total {out['total']:.4f}, LP optimum {optimum:.4f}, "
                    f"{'equal' if ok else 'MISMATCH'}; unfilled {len(out['unfilled'])}",
                }
            )
            print(rows[-1], flush=True)
    n_m, n_e = (50, 300) if args.quick else (200, 1000)
    data = team_instance(n_m, n_e, seed=7)
    path = workdir / f"teams-{n_m}-{n_e}.json"
    path.write_text(json.dumps(data))
    exact_path = workdir / f"teams-{n_m}-{n_e}-unpruned.json"
    exact_path.write_text(json.dumps({**data, "candidates_extra": None}))
    before = load_average()
    outs = {"reef": path.with_suffix(".out.json"), "exact": exact_path.with_suffix(".out.json")}
    med = pair(
        {"reef": reef_match("team", path), "exact": reef_match("team", exact_path)},
        outs,
        args.repeats,
    )
    out = json.loads(outs["reef"].read_text())
    ref = json.loads(outs["exact"].read_text())
    complete = sum(t["complete"] for t in out["teams"])
    missing = sum(e["needed"] - e["covered"] for t in out["teams"] for e in t["missing"])
    ref_missing = sum(e["needed"] - e["covered"] for t in ref["teams"] for e in t["missing"])
    same = ref_missing == missing and abs(ref["total_fit"] - out["total_fit"]) <= 1e-6
    rows.append(
        {
            "case": f"teams {n_m} missions x {n_e} experts",
            "peer": "Reef unpruned",
            **{f"reef_{k}": v for k, v in med["reef"].items()},
            **{f"peer_{k}": v for k, v in med["exact"].items()},
            "load": (before[0], load_average()[0]),
            "result": f"{complete}/{n_m} complete, {missing} coverage units missing, "
            f"status {out['status']}, fit {out['total_fit']:.6f}; unpruned: {ref_missing} "
            f"missing, fit {ref['total_fit']:.6f}, {'equal' if same else 'DIFFERENT'}",
        }
    )
    print(rows[-1], flush=True)
    (workdir / "results.json").write_text(json.dumps(rows, indent=2))
    end_load = load_average()
    print(f"\nload average (1/5/15 min): start {start_load}, end {end_load}")
    if busy:
        print(
            f"MACHINE BUSY: 1-minute load {start_load[0]:.1f} at the start, above half the "
            f"{cpus} CPUs; wall times are inflated, CPU time is the steadier figure."
        )
    print(
        f"\nMedians of {args.repeats} whole-process runs each, alternating order.\n\n"
        "| case | Reef wall s | Reef CPU s | Reef MiB | peer | peer wall s | peer CPU s |"
        " peer MiB | load before / after | result |\n"
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | --- |"
    )
    for r in rows:
        print(
            f"| {r['case']} | {r['reef_wall']:.2f} | {r['reef_cpu']:.2f} | {r['reef_mb']:.0f}"
            f" | {r['peer']} | {r['peer_wall']:.2f} | {r['peer_cpu']:.2f} | {r['peer_mb']:.0f}"
            f" | {r['load'][0]:.1f} / {r['load'][1]:.1f} | {r['result']} |"
        )


if __name__ == "__main__":
    main()
