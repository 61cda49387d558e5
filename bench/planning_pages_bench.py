"""Benchmark of the regional planning pages at size: 20 countries, 2,000 actions.

Usage: .venv/bin/python bench/planning_pages_bench.py [ACTIONS] [REPEAT]   (default: 2000 10)

Builds a throw-away SQLite database under a temporary folder (migrations, the demo
directory and personas, then `reef.planning.tests.scale.make_region`: every CARICOM
country with a national plan of 20 needs, ACTIONS actions, one commitment per need
and its status history), then times the regional page, its API twin, the recurring
themes page and the twinning page as the CARICOM coordinator. Reports the query count
of each page (pinned in reef/planning/tests/test_queries.py) and median / p95 times.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    actions = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    folder = tempfile.mkdtemp(prefix="reef-planning-bench-")
    os.environ["REEF_DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("REEF_TESTING", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reef.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests_support.world import ensure_world, persona

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    ensure_world()
    from reef.planning.tests.scale import make_region

    regional = make_region(actions=actions, needs_per_country=20)
    print(f"setup: {time.perf_counter() - started:.1f}s, {actions} actions, 20 countries")
    from django.core.signals import request_started
    from django.db import reset_queries

    request_started.disconnect(reset_queries)  # keep the log so the pages' queries count
    client = Client()
    client.force_login(persona("coordinator"))
    pages = {
        "regional page": f"/planning/regional/{regional.pk}/",
        "regional API": f"/api/v1/planning/regional/{regional.pk}",
        "themes page": "/planning/themes/",
        "twinning page": "/planning/twinning/",
    }
    for name, url in pages.items():
        client.get(url)  # warm up (imports, templates)
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(url).status_code
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - t)
        times.sort()
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        print(
            f"{name:15} {status} queries={len(ctx.captured_queries):3d} "
            f"median={statistics.median(times) * 1000:7.1f} ms  p95={p95 * 1000:7.1f} ms"
        )


if __name__ == "__main__":
    main()
