"""Concurrent audited writes on PostgreSQL: this tree against an earlier design, same run.

    git worktree add <DIR> <COMMIT>         # the earlier design, e.g. main before sealing
    .venv/bin/python bench/writes_bench.py --before <DIR> [--seconds 15] [--rounds 2]

Every write is a real one: an assessor saving a rating through the assessments service
(`rating_submit`: the rating row and its audit entry in one transaction). N writer
processes (1, 8, 32; each a separate Django process, like gunicorn's workers) are started,
set up, then released together and write as fast as they can for a fixed time, each
rating its own indicators of one assessment in rating (no two writers touch the same
row). The same runs are made with this tree's code and with the code of `--before`
(PYTHONPATH points at it), alternating, on one fresh database (`reef_writesbench`,
dropped and created; both designs share its schema, a superset). The machine's load
average is recorded at each run.

Reported: writes per second for each N and design, p50/p95 of one rating save with 8
concurrent raters, errors. After the runs, `audit_seal` then `audit_verify`: the chain
must verify with every entry sealed once, and the bench's writes must all be there:
audit entries == writes reported by the writers == sum of the rating versions.

Needs a PostgreSQL server: REEF_BENCH_PG (default postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "reef_writesbench"
WRITERS = (1, 8, 32)
ANCHORS = ROOT / "var" / "bench" / "writes-anchors.log"


def _server() -> str:
    return os.environ.get("REEF_BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def _env(tree: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(tree),
        "DJANGO_SETTINGS_MODULE": "reef.settings",
        "REEF_DATABASE_URL": f"{_server()}/{DATABASE}",
        "REEF_SECRET_KEY": os.environ.get("REEF_SECRET_KEY", "writes-bench-not-secret"),
        # Anchored as in production (a line, fsynced, per anchoring: before each writer's
        # commit, now each seal).
        "REEF_AUDIT_ANCHOR_FILE": str(ANCHORS),
        "REEF_TASKS": "immediate",
        "REEF_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


# Child: one writer process -------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    import reef
    from reef.accounts.models import User
    from reef.assessments import services
    from reef.assessments.models import Assessment

    scenario = json.loads(Path(args.scenario).read_text())
    rater = User.objects.get(pk=scenario["raters"][args.index])
    assessment = Assessment.objects.get(pk=scenario["assessment"])
    indicators = scenario["indicators"]
    values = ["met", "partial", "not_met"]
    done = errors = 0

    def write(n: int) -> None:
        services.rating_submit(
            actor=rater,
            assessment=assessment,
            indicator=indicators[n % len(indicators)],
            value=values[n % 3],
            evidence_text=f"bench {args.index}.{n}",
        )

    for n in range(2):  # warm-up: caches, connection
        write(n)
        done += 1
    print(json.dumps({"ready": str(Path(reef.__file__).parent.parent)}), flush=True)
    sys.stdin.readline()  # the parent releases every writer at once
    latencies: list[float] = []
    cpu = time.process_time()
    stop = time.monotonic() + args.seconds
    n = done
    while time.monotonic() < stop:
        started = time.perf_counter()
        try:
            write(n)
        except Exception as exc:  # a deadlock or a refused write: counted, never hidden
            errors += 1
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}"[:300]}), flush=True)
        else:
            latencies.append(time.perf_counter() - started)
            done += 1
        n += 1
    cpu = time.process_time() - cpu
    print(
        json.dumps({"done": done, "errors": errors, "latencies": latencies, "cpu": cpu}),
        flush=True,
    )


# Parent ----------------------------------------------------------------------------------


def _setup(raters_needed: int) -> Path:
    """A fresh database with this tree's schema, the demo world and an assessment in rating
    whose team has one member per writer."""
    import psycopg

    ANCHORS.parent.mkdir(parents=True, exist_ok=True)
    ANCHORS.unlink(missing_ok=True)
    with psycopg.connect(f"{_server()}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    os.environ.update(_env(ROOT))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from reef.accounts.services import user_create
    from reef.assessments import services
    from reef.directory.models import Country
    from reef.frameworks import demo as frameworks_demo
    from reef.frameworks.models import Framework
    from tests_support.world import ensure_world, persona

    ensure_world()
    frameworks_demo.load(lambda _line: None)
    raters = [
        user_create(email=f"rater-{n:02d}@bench.reef.invalid", password=None)
        for n in range(max(raters_needed, 2))
    ]
    coordinator = persona("coordinator")
    framework = Framework.objects.get(slug="reef-cmm")
    assessment = services.assessment_request(
        actor=persona("focal_point"),
        country=Country.objects.get(code="GD"),
        framework=framework,
        cycle="writes-bench",
    )
    services.assessment_accept(actor=coordinator, assessment=assessment)
    services.assessment_assign_team(
        actor=coordinator,
        assessment=assessment,
        members=raters,
        lead=raters[0],
        roles={raters[1].pk: "criminal_justice"},
    )
    indicators = list(framework.indicators.values_list("key", flat=True)[:50])
    target = ROOT / "var" / "bench" / "writes-scenario.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps(
            {
                "assessment": assessment.pk,
                "raters": [u.pk for u in raters],
                "indicators": indicators,
            }
        )
    )
    return target


def _run(tree: Path, writers: int, seconds: float, scenario: Path) -> dict[str, Any]:
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                "--index",
                str(i),
                "--seconds",
                str(seconds),
                "--scenario",
                str(scenario),
            ],
            env=_env(tree),
            cwd=tree,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(writers)
    ]
    for proc in procs:
        assert proc.stdout is not None
        ready = json.loads(proc.stdout.readline())
        if Path(ready["ready"]).resolve() != tree.resolve():
            raise SystemExit(f"a writer imported reef from {ready['ready']}, not {tree}")
    load = os.getloadavg()[0]
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    done = errors = 0
    cpu = 0.0
    latencies: list[float] = []
    messages: list[str] = []
    for proc in procs:
        out, _ = proc.communicate(timeout=seconds + 300)
        for line in out.splitlines():
            row = json.loads(line)
            if "done" in row:
                done += row["done"]
                errors += row["errors"]
                latencies += row["latencies"]
                cpu += row["cpu"]
            elif "error" in row:
                messages.append(row["error"])
    measured = len(latencies)
    return {
        "writers": writers,
        "writes": done,
        "measured": measured,
        "per_second": measured / seconds,
        # the writers' own CPU (Python, the driver), not the database server's
        "client_cpu_ms": cpu * 1000 / measured if measured else float("nan"),
        "errors": errors,
        "error_kinds": sorted({m.split(":")[0] for m in messages}),
        "p50_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95_ms": (
            statistics.quantiles(latencies, n=20)[-1] * 1000 if len(latencies) > 1 else float("nan")
        ),
        "load_before": load,
        "load_after": os.getloadavg()[0],
    }


def _check(written: int) -> dict[str, Any]:
    from django.db.models import Sum

    from reef.assessments.models import Rating
    from reef.core.audit import audit_seal_pending, audit_verify
    from reef.core.models import AuditEntry

    audit_seal_pending(wait=True, passes=None)
    result = audit_verify()
    entries = AuditEntry.objects.filter(action="rating_submit").count()
    versions = Rating.objects.aggregate(n=Sum("version"))["n"] or 0
    ratings = Rating.objects.count()
    return {
        "chain_ok": result.ok,
        "problems": result.problems[:5],
        "chain_entries": result.entries,
        "all_entries": AuditEntry.objects.count(),
        "unsealed": AuditEntry.objects.filter(seq__isnull=True).count(),
        "rating_entries": entries,
        "writes_reported": written,
        # a new rating starts at version 1, each later save adds one
        "rating_saves_stored": versions,
        "ratings": ratings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="checkout of the earlier design")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--writers", default=",".join(map(str, WRITERS)), help="e.g. 1,8,32")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--index", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    designs = {"after": ROOT}
    if args.before is not None:
        designs["before"] = args.before.resolve()
    counts = [int(n) for n in args.writers.split(",")]
    scenario = _setup(max(counts))
    from reef.core.audit import audit_seal_pending

    results: list[dict[str, Any]] = []
    for round_ in range(args.rounds):
        for position, writers in enumerate(counts):
            names = list(designs)
            if (round_ + position) % 2:
                names.reverse()  # alternate which design goes first
            for name in names:
                row = {
                    "design": name,
                    "round": round_ + 1,
                    **_run(designs[name], writers, args.seconds, scenario),
                }
                audit_seal_pending(wait=True, passes=None)  # leave a sealed chain to the next run
                results.append(row)
                print(
                    f"round {row['round']} {name:6} N={writers:2}: "
                    f"{row['per_second']:6.1f} writes/s "
                    f"p50 {row['p50_ms']:6.1f} ms p95 {row['p95_ms']:6.1f} ms "
                    f"cpu {row['client_cpu_ms']:4.1f} ms/write "
                    f"errors {row['errors']} {row['error_kinds']} "
                    f"load {row['load_before']:.1f}->{row['load_after']:.1f}",
                    flush=True,
                )
    written = sum(r["writes"] for r in results)
    check = _check(written)
    print(json.dumps(check, indent=2))
    out = ROOT / "var" / "bench" / "writes.json"
    out.write_text(json.dumps({"runs": results, "check": check, "seconds": args.seconds}, indent=2))
    print(f"\n{'design':6} {'N':>3} {'writes/s (median)':>18} {'p50 ms':>8} {'p95 ms':>8}  loads")
    for name in designs:
        for writers in counts:
            rows = [r for r in results if r["design"] == name and r["writers"] == writers]
            print(
                f"{name:6} {writers:3} {statistics.median(r['per_second'] for r in rows):18.1f} "
                f"{statistics.median(r['p50_ms'] for r in rows):8.1f} "
                f"{statistics.median(r['p95_ms'] for r in rows):8.1f}  "
                + " ".join(f"{r['load_before']:.1f}" for r in rows)
            )
    ok = (
        check["chain_ok"]
        and check["unsealed"] == 0
        and check["chain_entries"] == check["all_entries"]
        and check["rating_entries"] == check["writes_reported"] == check["rating_saves_stored"]
    )
    print("RESULT:", "PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
