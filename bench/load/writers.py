"""50 concurrent writers on SQLite: no "database is locked", no lost rows.

    REEF_DATABASE_URL=sqlite:///var/bench/writers.sqlite3 \\
        python bench/load/writers.py [PROCS] [WRITES]

Each of PROCS processes (default 50) makes WRITES (default 20) writes through
the services (an API token: one row plus one audit entry, in one IMMEDIATE
transaction) and 5 versioned updates of one shared organisation (retrying on
Conflict). Every process starts at the same moment (a barrier). Afterwards:
rows found == writes reported, the organisation's version advanced by exactly
the number of successful updates, "database is locked" errors == 0, the audit
chain verifies and PRAGMA integrity_check is ok.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reef.settings")


def _setup() -> None:
    import django

    django.setup()


def worker(n: int, writes: int, barrier: mp.synchronize.Barrier, out: mp.Queue) -> None:  # type: ignore[type-arg]
    _setup()
    from django.db import OperationalError

    from reef.accounts.services import api_token_create
    from reef.core.errors import Conflict
    from reef.directory.models import Organisation
    from reef.directory.services import organisation_update
    from tests_support.world import persona

    donor = persona("donor")
    barrier.wait()
    created = locked = other = updates = conflicts = 0
    for i in range(writes):
        try:
            api_token_create(user=donor, name=f"writer {n}.{i}")
            created += 1
        except OperationalError as exc:
            locked += "locked" in str(exc)
            other += "locked" not in str(exc)
    for _ in range(5):
        while True:
            org = Organisation.objects.get(slug="oas")
            try:
                organisation_update(
                    actor=donor,
                    organisation=org,
                    description=f"w{n}",
                    website="",
                    expected_version=org.version,
                )
                updates += 1
                break
            except Conflict:
                conflicts += 1
            except OperationalError as exc:
                locked += "locked" in str(exc)
                other += "locked" not in str(exc)
                break
    out.put((created, locked, other, updates, conflicts))


def main() -> None:
    procs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    writes = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    _setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    from reef.accounts import demo as accounts_demo
    from reef.accounts.models import ApiToken
    from reef.core.audit import audit_seal_pending, audit_verify
    from reef.directory import demo as directory_demo
    from reef.directory.models import Organisation

    directory_demo.load(lambda _line: None)
    accounts_demo.load(lambda _line: None)
    tokens_before = ApiToken.objects.filter(name__startswith="writer ").count()
    version_before = Organisation.objects.get(slug="oas").version
    connection.close()

    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(procs)
    out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    started = time.perf_counter()
    workers = [ctx.Process(target=worker, args=(n, writes, barrier, out)) for n in range(procs)]
    for p in workers:
        p.start()
    results = [out.get(timeout=600) for _ in workers]
    for p in workers:
        p.join()
    elapsed = time.perf_counter() - started
    created = sum(r[0] for r in results)
    locked = sum(r[1] for r in results)
    other = sum(r[2] for r in results)
    updates = sum(r[3] for r in results)
    conflicts = sum(r[4] for r in results)
    rows = ApiToken.objects.filter(name__startswith="writer ").count() - tokens_before
    version = Organisation.objects.get(slug="oas").version - version_before
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        integrity = cursor.fetchone()[0]
    audit_seal_pending(wait=True, passes=None)
    verified = audit_verify()
    print(
        f"processes={procs} writes/process={writes} elapsed={elapsed:.1f}s "
        f"({(created + updates) / elapsed:.0f} writes/s)"
    )
    print(f"token rows: reported={created} found={rows} lost={created - rows}")
    print(
        f"versioned updates: ok={updates} conflicts-retried={conflicts} "
        f"version advanced={version} lost={updates - version}"
    )
    print(
        f"'database is locked'={locked} other db errors={other} "
        f"integrity={integrity} audit chain ok={verified.ok} ({verified.entries} entries)"
    )
    ok = (
        locked == 0
        and other == 0
        and rows == created == procs * writes
        and version == updates == procs * 5
        and integrity == "ok"
        and verified.ok
    )
    print("RESULT:", "PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
