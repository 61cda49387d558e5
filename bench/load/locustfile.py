"""Reef load profile: public pages, API reads and writes, as a mix of simulated users.

    REEF_BENCH_TOKENS=var/bench/tokens.json locust -f bench/load/locustfile.py \
        --host http://127.0.0.1:8765 --headless -u 50 -r 10 -t 2m

Writes: API token creation (with Idempotency-Key, one retry in five replays the
same key), organisation updates with If-Match (412 when another user wrote first
is an expected answer, not an error), and, with REEF_BENCH_SCENARIO (written by
`prepare.py --scenario`), contributors who vote on a public consultation's
statements, rate indicators of an assessment as its team, comment on sections of
a draft and read the opinion report. Endpoints that answer 404 are skipped after
their first answer.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

TOKENS: dict[str, str] = {}
SCENARIO: dict[str, Any] = {}
_NEXT_CONTRIBUTOR = itertools.count()
MISSING: set[str] = set()
PUBLIC_PAGES = [
    "/",
    "/directory/countries/",
    "/directory/countries/GD/",
    "/directory/countries/TT/",
    "/directory/groupings/caricom/",
    "/directory/organisations/",
    "/directory/organisations/oas/",
    "/frameworks/",
    "/records/",
    "/records/events/",
    "/records/publications/",
]
API_READS = [
    "/api/v1/countries",
    "/api/v1/countries/GD",
    "/api/v1/organisations",
    "/api/v1/organisations/oas",
    "/api/v1/frameworks",
    "/api/v1/records/events",
    "/api/v1/records/publications",
]
# Organisations each persona may edit (see reef/accounts/demo.py).
EDITABLE = {"donor": ["oas"], "expert": ["tt-secure-networks"], "coordinator": ["caricom-impacs"]}


@events.test_start.add_listener
def _setup(environment, **_kwargs):  # type: ignore[no-untyped-def]
    path = Path(os.environ.get("REEF_BENCH_TOKENS", "var/bench/tokens.json"))
    TOKENS.update(json.loads(path.read_text()))
    scenario = os.environ.get("REEF_BENCH_SCENARIO")
    if scenario:
        SCENARIO.update(json.loads(Path(scenario).read_text()))


@events.quitting.add_listener
def _write_counts(environment, **_kwargs):  # type: ignore[no-untyped-def]
    """Exact accepted counts per request name (the CSV can miss the last requests)."""
    path = os.environ.get("REEF_BENCH_COUNTS")
    if not path:
        return
    counts = {
        name: entry.num_requests - entry.num_failures
        for (name, _method), entry in environment.stats.entries.items()
    }
    Path(path).write_text(json.dumps(counts, indent=2))


def _present(urls: list[str]) -> list[str]:
    return [u for u in urls if u not in MISSING] or ["/"]


def _get(user: HttpUser, url: str, name: str, headers: dict[str, str] | None = None) -> None:
    """GET, skipping (from then on) an endpoint that answers 404: its app is not built yet."""
    with user.client.get(url, headers=headers, name=name, catch_response=True) as response:
        if response.status_code == 404:
            MISSING.add(url)
            response.success()


class Visitor(HttpUser):
    """Anonymous public: pages and open API reads."""

    weight = 5
    wait_time = between(0.5, 2)

    @task(3)
    def page(self) -> None:
        _get(self, random.choice(_present(PUBLIC_PAGES)), "page")

    @task(2)
    def api_read(self) -> None:
        _get(self, random.choice(_present(API_READS)), "api read (anonymous)")


class ApiUser(HttpUser):
    """A signed-in API client: reads, token creation, organisation updates."""

    weight = 3
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.persona = random.choice(list(EDITABLE))
        self.headers = {"Authorization": TOKENS[self.persona]}

    @task(5)
    def read(self) -> None:
        _get(self, random.choice(_present(API_READS)), "api read (token)", self.headers)

    @task(1)
    def me(self) -> None:
        self.client.get("/api/v1/me", headers=self.headers, name="api me")

    @task(1)
    def create_token(self) -> None:
        key = uuid.uuid4().hex
        body = {"name": f"load {key[:8]}"}
        headers = {**self.headers, "Idempotency-Key": key}
        first = self.client.post("/api/v1/tokens", json=body, headers=headers, name="token create")
        if random.random() < 0.2 and first.status_code == 201:
            with self.client.post(
                "/api/v1/tokens",
                json=body,
                headers=headers,
                name="token create (retry)",
                catch_response=True,
            ) as retry:
                if retry.status_code != 201 or retry.content != first.content:
                    retry.failure(f"retry did not replay: {retry.status_code}")

    @task(2)
    def update_organisation(self) -> None:
        slug = random.choice(EDITABLE[self.persona])
        url = f"/api/v1/organisations/{slug}"
        read = self.client.get(url, headers=self.headers, name="org read for update")
        if read.status_code != 200:
            return
        with self.client.put(
            url,
            json={"description": f"Updated by load test {uuid.uuid4().hex[:6]}", "website": ""},
            headers={**self.headers, "If-Match": read.headers.get("ETag", "")},
            name="org update (If-Match)",
            catch_response=True,
        ) as response:
            if response.status_code == 412:
                response.success()  # another user wrote first: the expected refusal


class Contributor(HttpUser):
    """A signed-in participant: votes, rates as an assessor, comments on a draft.

    Each simulated contributor takes its own account from the scenario (accounts are
    reused round-robin when there are more simulated users than accounts).
    """

    weight = 4
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        tokens = SCENARIO.get("contributors") or []
        if not tokens:
            raise RuntimeError("Contributor needs REEF_BENCH_SCENARIO (prepare.py --scenario)")
        self.headers = {"Authorization": tokens[next(_NEXT_CONTRIBUTOR) % len(tokens)]}
        self.consultation = f"/api/v1/consultations/{SCENARIO['consultation']}"
        self.assessment = f"/api/v1/assessments/{SCENARIO['assessment']}"

    @task(6)
    def vote(self) -> None:
        self.client.post(
            f"{self.consultation}/votes",
            json={
                "statement": random.choice(SCENARIO["statements"]),
                "value": random.choice([-1, 0, 1]),
            },
            headers=self.headers,
            name="vote",
        )

    @task(3)
    def rate(self) -> None:
        self.client.post(
            f"{self.assessment}/ratings",
            json={
                "indicator": random.choice(SCENARIO["indicators"]),
                "value": random.choice(["met", "partial", "not_met", "unknown"]),
                "evidence": "Seen in the load test's interview notes.",
            },
            headers=self.headers,
            name="rating",
        )

    @task(1)
    def comment(self) -> None:
        section = random.choice(SCENARIO["sections"])
        self.client.post(
            f"{self.consultation}/sections/{section}/comments",
            json={"body": f"A comment from the load test ({uuid.uuid4().hex[:8]})."},
            headers=self.headers,
            name="section comment",
        )

    @task(2)
    def read_ratings(self) -> None:
        self.client.get(f"{self.assessment}/ratings", headers=self.headers, name="own ratings")

    @task(1)
    def report(self) -> None:
        self.client.get(f"{self.consultation}/report", headers=self.headers, name="opinion report")
