"""Saving a rating through the page and the API, with 8 raters at once, on PostgreSQL.

    .venv/bin/python bench/rating_latency.py [--raters 8] [--seconds 60] [--interval 1.0]

What a team sees while it rates together: `reef serve` (gunicorn, as in production) and
`reef worker` (which seals the audit trail) on a fresh PostgreSQL database
(`reef_ratinglatency`); N raters, each a separate client process with its own session and
API token, each saving one rating every `--interval` seconds (with jitter, so they do not
fall into step), alternating the page's save (the htmx POST the rating form sends) and
`POST /api/v1/assessments/{id}/ratings`. Each rater rates its own indicators, so no two
writes touch the same row. `--interval 0` makes every rater save as fast as it can (a
saturation run: latency there is queueing for the CPUs, not the cost of one save).

Reported, per way in: saves, errors, p50/p95/p99 of the time the client waited (request
sent to response read), and the machine's load average at the start and the end. Then
`audit_seal` and `audit_verify`: every save must be in the sealed chain exactly once.

Sign-in itself is not measured: each rater's session is created on the server side
(as the browser tests do) and its token with `api_token_create`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing as mp
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "reef_ratinglatency"
PORT = int(os.environ.get("PORT", "8766"))


def _server_url() -> str:
    return os.environ.get("REEF_BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "reef.settings",
        "REEF_DATABASE_URL": f"{_server_url()}/{DATABASE}",
        "REEF_SECRET_KEY": os.environ.get("REEF_SECRET_KEY", secrets.token_urlsafe(50)),
        "REEF_HTTPS": "false",
        "REEF_DEBUG": "false",
        "REEF_TESTING": "false",
        "REEF_DEMO": "false",
        "REEF_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REEF_LOG_LEVEL": "WARNING",
        "REEF_CACHE_URL": os.environ.get("REEF_CACHE_URL", "redis://127.0.0.1:6379/8"),
        "REEF_TASKS": "database",
        "REEF_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "REEF_AUDIT_ANCHOR_FILE": str(ROOT / "var" / "bench" / "rating-latency-anchors.log"),
    }


def _writes_bench() -> Any:
    spec = importlib.util.spec_from_file_location(
        "writes_bench", ROOT / "bench" / "writes_bench.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _prepare(raters: int) -> dict[str, Any]:
    """The writes bench's world (an assessment in rating, one team member per rater), on
    this bench's database, then a session and a token per rater."""
    writes = _writes_bench()
    writes.DATABASE = DATABASE
    writes.ANCHORS = ROOT / "var" / "bench" / "rating-latency-anchors.log"
    os.environ.update(_env())
    scenario = json.loads(writes._setup(raters).read_text())
    from django.conf import settings
    from django.test import Client

    from reef.accounts.models import User
    from reef.accounts.services import api_token_create
    from reef.frameworks.models import Indicator

    keys = scenario["indicators"]
    ids = dict(Indicator.objects.filter(key__in=keys).values_list("key", "pk"))
    people = []
    for n, pk in enumerate(scenario["raters"][:raters]):
        user = User.objects.get(pk=pk)
        client = Client()
        client.force_login(user)
        _token, secret = api_token_create(user=user, name="rating latency bench")
        mine = keys[n::raters] or keys  # each rater its own indicators
        people.append(
            {
                "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "token": secret,
                "indicators": [[k, ids[k]] for k in mine],
            }
        )
    return {
        "assessment": scenario["assessment"],
        "people": people,
        "cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }


def _rater(args: tuple[dict[str, Any], int, float, float, float, Any]) -> dict[str, Any]:
    world, index, seconds, interval, start_at, _unused = args
    person = world["people"][index]
    base = f"http://127.0.0.1:{PORT}"
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    cookie = f"{world['cookie']}={person['session']}"
    form_url = f"{base}/assessments/{world['assessment']}/rate/"
    req = urllib.request.Request(form_url, headers={"Cookie": cookie})  # noqa: S310
    html = opener.open(req, timeout=60).read().decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not found:
        raise SystemExit(f"rater {index}: no CSRF token on the rating form")
    csrf = found.group(1)
    csrf_cookie = next((c.value for c in jar if c.name == world["csrf_cookie"]), "")
    page_cookie = f"{cookie}; {world['csrf_cookie']}={csrf_cookie}"
    rng = random.Random(index)
    values = ["met", "partial", "not_met"]
    out: dict[str, list[float]] = {"page": [], "api": []}
    errors: dict[str, list[str]] = {"page": [], "api": []}
    while time.time() < start_at:
        time.sleep(0.005)
    stop = time.monotonic() + seconds
    n = 0
    next_at = time.monotonic() + rng.uniform(0, interval)
    while time.monotonic() < stop:
        if interval:
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += interval * rng.uniform(0.5, 1.5)
        key, ind_id = person["indicators"][n % len(person["indicators"])]
        value = values[(n // 2) % 3]
        way = "page" if n % 2 == 0 else "api"
        if way == "page":
            body = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": csrf,
                    f"i{ind_id}-value": value,
                    f"i{ind_id}-evidence_text": f"latency bench {index}.{n}",
                    f"i{ind_id}-evidence_link": "",
                }
            ).encode()
            req = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
                f"{base}/assessments/{world['assessment']}/rate/{ind_id}/",
                data=body,
                headers={
                    "Cookie": page_cookie,
                    "HX-Request": "true",
                    "X-CSRFToken": csrf,
                    "Referer": form_url,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            expected = 200
        else:
            body = json.dumps(
                {"indicator": key, "value": value, "evidence_text": f"latency bench {index}.{n}"}
            ).encode()
            req = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
                f"{base}/api/v1/assessments/{world['assessment']}/ratings",
                data=body,
                headers={
                    "Authorization": f"Bearer {person['token']}",
                    "Content-Type": "application/json",
                },
            )
            expected = 201
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=60) as response:  # noqa: S310 (loopback)
                response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
            exc.read()
        elapsed = time.perf_counter() - started
        if status == expected:
            out[way].append(elapsed)
        else:
            errors[way].append(str(status))
        n += 1
    return {"latencies": out, "errors": errors}


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def _wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 (loopback)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raters", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between saves")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    a = parser.parse_args()

    world = _prepare(a.raters)
    env = _env()
    logs = ROOT / "var" / "bench"
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/reef"), "serve", "--port", str(PORT), "--workers", str(a.workers)],
        env=env,
        stdout=(logs / "rating-latency-server.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/reef"), "worker", "--no-startup-delay", "--interval", "1"],
        env=env,
        stdout=(logs / "rating-latency-worker.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_up(f"http://127.0.0.1:{PORT}/")
        time.sleep(2)
        load_start = os.getloadavg()
        start_at = time.time() + 3
        ctx = mp.get_context("spawn")
        with ctx.Pool(a.raters) as pool:
            results = pool.map(
                _rater,
                [(world, i, a.seconds, a.interval, start_at, None) for i in range(a.raters)],
            )
        load_end = os.getloadavg()
    finally:
        server.terminate()
        worker.terminate()
        server.wait(30)
        worker.wait(30)

    from reef.core.audit import audit_seal_pending, audit_verify
    from reef.core.models import AuditEntry

    audit_seal_pending(passes=None)
    report = audit_verify()
    saves = {w: sum(len(r["latencies"][w]) for r in results) for w in ("page", "api")}
    errors = {w: [e for r in results for e in r["errors"][w]] for w in ("page", "api")}
    in_chain = AuditEntry.objects.filter(action="rating_submit").count()
    figures: dict[str, Any] = {
        "raters": a.raters,
        "interval_s": a.interval,
        "seconds": a.seconds,
        "workers": a.workers,
        "cpus": os.cpu_count(),
        "load_start": [round(x, 2) for x in load_start],
        "load_end": [round(x, 2) for x in load_end],
        "audit": {
            "verifies": report.ok,
            "entries": report.entries,
            "rating_entries": in_chain,
            "saves": saves["page"] + saves["api"],
        },
    }
    print(
        f"{a.raters} raters, one save every {a.interval:g} s each, {a.seconds:g} s, "
        f"{a.workers} gunicorn workers, {os.cpu_count()} CPUs; load {load_start[0]:.1f} -> "
        f"{load_end[0]:.1f}"
    )
    print(f"{'way in':8} {'saves':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for way in ("page", "api"):
        lat = [x for r in results for x in r["latencies"][way]]
        figures[way] = {
            "saves": saves[way],
            "errors": len(errors[way]),
            "error_statuses": sorted(set(errors[way])),
            "p50_ms": round(_pct(lat, 0.5), 1),
            "p95_ms": round(_pct(lat, 0.95), 1),
            "p99_ms": round(_pct(lat, 0.99), 1),
            "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
        }
        f = figures[way]
        print(
            f"{way:8} {f['saves']:>6} {f['errors']:>6} {f['p50_ms']:>8} {f['p95_ms']:>8} "
            f"{f['p99_ms']:>8}"
        )
    print(f"audit chain: {'verifies' if report.ok else report.problems} ({report.entries} entries)")
    print(f"rating saves acknowledged {saves['page'] + saves['api']}, in the trail {in_chain}")
    if a.json:
        a.json.write_text(json.dumps(figures, indent=2))
    ok = (
        not errors["page"]
        and not errors["api"]
        and report.ok
        and in_chain == saves["page"] + saves["api"]
    )
    print("RESULT:", "PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
