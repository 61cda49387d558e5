"""Every page a persona's home links to, at regional scale: server time and query count.

Usage:
    .venv/bin/python bench/pages_bench.py [--repeat 20] [--db var/pages-bench.sqlite3]
        [--rebuild] [--persona NAME ...] [--per-route 3] [--only REGEX] [--also URL ...]
        [--before var/pages-before.json]
        [--json var/pages-after.json] [--markdown bench/pages.md]

The region (built once, kept in --db, reused while you iterate; --rebuild makes it anew):
the demo (bench/demodb.py: frameworks, the demo's assessments, plans, experts, records),
then `reef.core.tests.scale.make_world`: the 20 CARICOM countries with 3 assessment
cycles each on the shipped reef-cmm framework (every indicator rated by a team of three,
consolidated, targets set and agreed, needs assessment reports), the regional plan with
2,000 actions and a commitment per need (`reef.planning.tests.scale.make_region`, 400
needs: 400 commitments plus the demo's), 200 experts with a review round, missions and
mentoring, 20 consultations of 2,000 participants who vote on 20 of 60 statements each
(800,000 votes), and 1,000 records (events, publications, briefings). Setup is not timed.

Measured, signed in as each persona (anonymous too), in English: the home page, then
every same-site link on it (no sign-out, file downloads, API, static files or other
sites), each followed once to warm up, once inside CaptureQueriesContext for the query
count, then --repeat times with the time around `Client.get` (server time in-process,
templates rendered, no network). Links that resolve to the same route are the same page
with other ids: at most --per-route of them are measured and the slowest is reported.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PERSONAS = {
    "focal_point": "focal.grenada@demo.reef",
    "coordinator": "coordinator@demo.reef",
    "donor": "oas.officer@demo.reef",
    "expert": "expert.tt@demo.reef",
    "assessor": "assessor.technical@demo.reef",
    "admin": "admin@demo.reef",
    "anonymous": "",
}
SKIP_PREFIXES = ("/static/", "/media/", "/api/", "/accounts/logout", "/i18n/")
# Files, not pages: downloads, feeds and exports.
SKIP_PATTERN = re.compile(
    r"(\.(pdf|docx|xlsx|csv|ics|json|xml|zip|svg|png)$)|/download|/export|/feed|/files?/"
)
SLOW_MS = 100.0


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def same_site_links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    seen: dict[str, None] = {}
    for href in parser.hrefs:
        parts = urlsplit(href)
        if (parts.scheme or parts.netloc) and parts.netloc not in ("testserver", ""):
            continue
        if not parts.path.startswith("/"):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if url.startswith(SKIP_PREFIXES) or SKIP_PATTERN.search(parts.path):
            continue
        seen.setdefault(url, None)
    return list(seen)


def route_of(url: str) -> str:
    """The path with ids replaced by the route's placeholders (/assessments/<int:pk>/)."""
    from django.urls import Resolver404, resolve

    path, _, query = url.partition("?")
    try:
        match = resolve(path)
    except Resolver404:
        return url
    route = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", match.route)
    return route + (f"?{query}" if query else "")


def percentile(times: list[float], q: float) -> float:
    """Nearest rank: of 20 times, p95 is the 19th (one outlier is not the p95)."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def measure(client: Any, url: str, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if client.get(url).status_code == 405:  # warm up: imports, templates, caches
        return {"url": url, "status": 405, "queries": 0, "p50": 0.0, "p95": 0.0}
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "url": url,
        "status": status,
        "queries": len(ctx.captured_queries),
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
    }


def build(database: Path) -> None:
    """The demo and the region, made into `database` (in its own process: see main)."""
    from demodb import setup_demo

    setup_demo(database, keep=True, media=database.parent / "pages-media")
    from reef.core.tests.scale import make_world
    from tests_support.world import ensure_world

    ensure_world()
    started = time.perf_counter()
    world = make_world(say=print)
    print(
        f"region: {len(world.countries)} countries, {len(world.assessments)} assessments, "
        f"{world.reports} reports, {world.records} ({time.perf_counter() - started:.0f} s)"
    )


def environment(database: Path) -> None:
    os.environ["REEF_TESTING"] = "true"  # no audit anchor file, test static root
    os.environ["REEF_DEMO"] = "true"
    os.environ["REEF_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ["REEF_DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reef.settings")


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()


def markdown(
    results: dict[str, list[dict[str, Any]]],
    meta: dict[str, Any],
    before: dict[str, Any] | None,
) -> str:
    cpus = os.cpu_count() or 1
    load = meta["load_before"][0], meta["load_after"][0]
    busy = "machine busy" if max(load) > cpus else "machine quiet"
    lines = [
        "# Pages at regional scale",
        "",
        f"Command: `{meta['command']}`  ",
        f"Date: {meta['date']}; commit {meta['commit']}; SQLite; {meta['repeat']} timed "
        f"requests per page after one warm-up, at most {meta['per_route']} links per route "
        "(slowest shown).  ",
        f"Load (1, 5, 15 min) before {tuple(round(x, 2) for x in meta['load_before'])}, after "
        f"{tuple(round(x, 2) for x in meta['load_after'])} on {cpus} CPUs: {busy}.",
        "",
        "Region: 20 CARICOM countries x 3 assessment cycles on reef-cmm (696 indicators, team "
        "of three), 2,000 actions, 400 needs and their commitments, 200 experts, 20 "
        "consultations x 2,000 participants x 20 of 60 statements, 1,000 records, on top of "
        "the demo. Server time in-process (Django test client), not the network.",
        "",
    ]
    if before is not None:
        lines += [
            f"Before: commit {before['meta']['commit']}, {before['meta']['date']}, "
            f"`{before['meta']['command']}`, load before/after "
            f"{round(before['meta']['load_before'][0], 1)}/"
            f"{round(before['meta']['load_after'][0], 1)}; the figures in brackets are that "
            "run's (a dash: the page was not linked then).",
            "",
        ]
    slow: list[str] = []
    for persona, rows in results.items():
        lines.append(f"## {persona}")
        lines.append("")
        if before is not None:
            lines.append("| page | links | status | queries (before) | p50 ms | p95 ms (before) |")
            lines.append("|---|---:|---:|---:|---:|---:|")
        else:
            lines.append("| page | links | status | queries | p50 ms | p95 ms |")
            lines.append("|---|---:|---:|---:|---:|---:|")
        old = {r["route"]: r for r in (before or {}).get("results", {}).get(persona, [])}
        for r in rows:
            if before is not None:
                o = old.get(r["route"])
                q = f"{r['queries']} ({o['queries'] if o else '-'})"
                p95 = f"{r['p95']:.0f} ({o['p95']:.0f})" if o else f"{r['p95']:.0f} (-)"
            else:
                q, p95 = str(r["queries"]), f"{r['p95']:.0f}"
            lines.append(
                f"| `{r['route']}` | {r['links']} | {r['status']} | {q} | {r['p50']:.0f} | {p95} |"
            )
            if r["p95"] > SLOW_MS:
                slow.append(
                    f"- {persona}: `{r['route']}` p95 {r['p95']:.0f} ms, {r['queries']} queries"
                )
        lines.append("")
    lines.append(f"## Pages over {SLOW_MS:.0f} ms p95")
    lines.append("")
    lines += slow or ["None."]
    lines.append("")
    if meta.get("skipped"):
        lines += ["## Links skipped", "", *[f"- {s}" for s in meta["skipped"]], ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", type=Path, default=ROOT / "var" / "pages-bench.sqlite3")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--persona", action="append", choices=list(PERSONAS))
    parser.add_argument("--per-route", type=int, default=3)
    parser.add_argument("--only", help="measure only the routes this regular expression finds")
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        help="a page the home does not link (e.g. a rating form's part: "
        "'/assessments/9/rate/?group=2.2'), measured for every persona who may see it",
    )
    parser.add_argument("--before", type=Path, help="an earlier --json, shown beside")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--markdown", type=Path, help="write the report here")
    args = parser.parse_args()

    if args.build_only:
        environment(args.db)
        build(args.db)
        return
    if args.rebuild or not args.db.exists():
        building = args.db.with_name(args.db.name + ".building")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--build-only", "--db", str(building)], check=True
        )
        subprocess.run(
            ["sqlite3", str(building), "PRAGMA wal_checkpoint(TRUNCATE);"],
            check=False,
            capture_output=True,
        )
        os.replace(building, args.db)
        print(f"built {args.db} in {time.perf_counter() - started:.0f} s (not timed below)")

    environment(args.db)
    import django

    django.setup()
    from django.core.signals import request_started
    from django.db import reset_queries
    from django.test import Client
    from django.utils import translation

    from reef.accounts.models import User

    request_started.disconnect(reset_queries)  # keep the log so that the queries count
    meta = {
        "command": "python " + " ".join(["bench/pages_bench.py", *sys.argv[1:]]),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "commit": git("rev-parse", "--short", "HEAD")
        + (" (dirty)" if git("status", "--porcelain", "--untracked-files=no") else ""),
        "repeat": args.repeat,
        "per_route": args.per_route,
        "load_before": os.getloadavg(),
    }
    results: dict[str, list[dict[str, Any]]] = {}
    skipped: list[str] = []
    for persona in args.persona or list(PERSONAS):
        translation.activate("en")
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if PERSONAS[persona]:
            user = User.objects.get(email=PERSONAS[persona])
            if user.language not in ("", "en"):
                User.objects.filter(pk=user.pk).update(language="")
            client.force_login(user)
        home = client.get("/")
        assert home.status_code == 200, (persona, home.status_code)
        links = ["/", *[u for u in same_site_links(home.content.decode()) if u != "/"]]
        for url in args.also:
            if url not in links and client.get(url).status_code == 200:
                links.append(url)
        by_route: dict[str, list[str]] = {}
        for url in links:
            by_route.setdefault(route_of(url), []).append(url)
        rows = []
        for route, urls in by_route.items():
            if args.only and not re.search(args.only, route):
                continue
            measured = [measure(client, u, args.repeat) for u in urls[: args.per_route]]
            if all(m["status"] == 405 for m in measured):
                print(f"{persona:12} 405 (POST only, skipped)  {route}")
                skipped.append(f"{persona}: `{route}` answers only POST (405 for a GET)")
                continue
            worst = max(measured, key=lambda m: m["p95"])
            rows.append({"route": route, "links": len(urls), **worst})
            print(
                f"{persona:12} {worst['status']} q={worst['queries']:4d} "
                f"p50={worst['p50']:7.1f} p95={worst['p95']:7.1f}  {route} ({len(urls)})",
                flush=True,
            )
        results[persona] = rows
    meta["load_after"] = os.getloadavg()
    meta["skipped"] = skipped
    before = json.loads(args.before.read_text()) if args.before else None
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=1))
    report = markdown(results, meta, before)
    if args.markdown:
        args.markdown.write_text(report)
    else:
        print(report)


if __name__ == "__main__":
    main()
