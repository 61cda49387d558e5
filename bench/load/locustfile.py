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

The rest of the writes people make (each by the persona who makes it, with its
API token, or signed in with a session and CSRF token for pages):

- contributors also mark notifications read (API), rate many indicators at once
  (`POST .../ratings/bulk`, versions from `GET .../ratings`), export their XLSX
  rating sheet, fill a few rows and import it, and propose amendments to the
  draft's sections;
- readers (LOAD_READERS accounts, signed in through the login page) open the
  inbox page, mark one notification read and, now and then, all of them;
- a newcomer opens invitation links from the scenario's pool, signs up through
  the form and so accepts them (each link once);
- staff: the consultation's owner (coordinator) decides pending amendments
  (stale ones are rejected), the OAS (donor) and Grenada (focal point) move a
  commitment offered -> accepted -> in progress -> delivered -> verified, each
  step by its side, and the coordinator generates an assessment report (PDF).

Row-level writes the server cannot count from its log (ratings in a batch or a
sheet) are counted here and written with the other counts (REEF_BENCH_COUNTS).
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import re
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

TOKENS: dict[str, str] = {}
SCENARIO: dict[str, Any] = {}
_NEXT_CONTRIBUTOR = itertools.count()
_NEXT_READER = itertools.count()
_NEXT_INVITATION = itertools.count()
# Writes counted by the client (rating rows saved: one per version step).
WRITES: Counter[str] = Counter()
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
    counts.update({f"writes: {name}": n for name, n in WRITES.items()})
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
        """A Bearer token may not create tokens (reef/accounts/api.py): the refusal (403)
        is the expected answer. The idempotent retry this task used to check needs a
        write a token may make; see bench/reliability.md."""
        with self.client.post(
            "/api/v1/tokens",
            json={"name": f"load {uuid.uuid4().hex[:8]}"},
            headers={**self.headers, "Idempotency-Key": uuid.uuid4().hex},
            name="token create (Bearer: refused)",
            catch_response=True,
        ) as response:
            if response.status_code == 403:
                response.success()
            else:
                response.failure(f"a Bearer token created a token: {response.status_code}")

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

    @task(1)
    def read_notification(self) -> None:
        listed = self.client.get(
            "/api/v1/notifications?unread=true&limit=5",
            headers=self.headers,
            name="notifications (API)",
        )
        items = listed.json().get("items", []) if listed.status_code == 200 else []
        if items:
            self.client.post(
                f"/api/v1/notifications/{random.choice(items)['id']}/read",
                headers=self.headers,
                name="notification read (API)",
            )

    def _versions(self) -> dict[str, int]:
        """Your ratings' current versions (indicator -> version)."""
        versions: dict[str, int] = {}
        offset = 0
        while True:  # the list is paginated (X-Total-Count, at most 500 a page)
            own = self.client.get(
                f"{self.assessment}/ratings?limit=500&offset={offset}",
                headers=self.headers,
                name="own ratings",
            )
            if own.status_code != 200:
                return versions
            page = own.json()
            versions.update({r["indicator"]: r["version"] for r in page})
            offset += len(page)
            if not page or offset >= int(own.headers.get("X-Total-Count", offset)):
                return versions

    @task(1)
    def rate_bulk(self) -> None:
        versions = self._versions()
        keys = random.sample(SCENARIO["indicators"], 8)
        with self.client.post(
            f"{self.assessment}/ratings/bulk",
            json={
                "ratings": [
                    {
                        "indicator": key,
                        "value": random.choice(["met", "partial", "not_met", "unknown"]),
                        "evidence": "Batch from the load test.",
                        "version": versions.get(key),
                    }
                    for key in keys
                ]
            },
            headers=self.headers,
            name="ratings bulk",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                WRITES["rating rows"] += len(response.json())
            elif response.status_code == 400 and _only_version_errors(response):
                # The account is shared with another simulated user (more users than
                # accounts) who rated in between: the expected refusal, nothing saved.
                response.success()

    @task(1)
    def rating_sheet(self) -> None:
        from openpyxl import load_workbook

        sheet = self.client.get(
            f"{self.assessment}/sheet.xlsx", headers=self.headers, name="rating sheet export"
        )
        if sheet.status_code != 200:
            return
        wb = load_workbook(io.BytesIO(sheet.content))
        ws = wb["Ratings"]
        for row in random.sample(range(2, ws.max_row + 1), 3):
            ws.cell(row=row, column=4, value=random.choice(["met", "partial", "not_met"]))
            ws.cell(row=row, column=5, value="Filled offline in the load test.")
        filled = sum(
            1
            for (value,) in ws.iter_rows(min_row=2, min_col=4, max_col=4, values_only=True)
            if value
        )
        out = io.BytesIO()
        wb.save(out)
        with self.client.post(
            f"{self.assessment}/sheet",
            files={"sheet": ("sheet.xlsx", out.getvalue(), XLSX)},
            headers=self.headers,
            name="rating sheet import",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                WRITES["rating rows"] += len(response.json())
                if len(response.json()) != filled:
                    response.failure(f"{filled} rows filled, {len(response.json())} saved")
            elif response.status_code == 400 and _only_version_errors(response):
                response.success()

    @task(1)
    def amend(self) -> None:
        section = random.choice(SCENARIO["sections"])
        self.client.post(
            f"{self.consultation}/sections/{section}/amendments",
            json={
                "proposed_text": f"Amended text of section {section} ({uuid.uuid4().hex[:8]}).",
                "rationale": "Clearer, from the load test.",
            },
            headers=self.headers,
            name="amendment propose",
        )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _only_version_errors(response: Any) -> bool:
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return False
    return bool(errors) and all(e.get("field") == "version" for e in errors)


def _csrf(user: HttpUser) -> str:
    """The CSRF token, from its cookie (named after the site, see reef/settings.py)."""
    for name in ("reef-csrf", "__Host-reef-csrf", "csrftoken"):
        if name in user.client.cookies:
            return str(user.client.cookies[name])
    return ""


class Reader(HttpUser):
    """A participant signed in to the pages: the inbox, marking notifications read."""

    fixed_count = int(os.environ.get("LOAD_READER_USERS", "3"))
    wait_time = between(1, 3)

    def on_start(self) -> None:
        readers = SCENARIO.get("readers") or []
        if not readers:
            raise RuntimeError("Reader needs REEF_BENCH_SCENARIO (prepare.py --scenario)")
        account = readers[next(_NEXT_READER) % len(readers)]
        self.client.get("/accounts/login/", name="login page")
        with self.client.post(
            "/accounts/login/",
            data={
                "login": account["email"],
                "password": account["password"],
                "csrfmiddlewaretoken": _csrf(self),
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")

    @task(4)
    def inbox(self) -> None:
        page = self.client.get("/notifications/?unread=1", name="inbox page")
        unread = re.findall(r'action="/notifications/(\d+)/read/"', page.text)
        if unread:
            self.client.post(
                f"/notifications/{random.choice(unread)}/read/",
                data={"csrfmiddlewaretoken": _csrf(self), "next": "/notifications/"},
                headers={"Referer": f"{self.host}/notifications/"},
                name="notification read (page)",
            )

    @task(1)
    def unread_count(self) -> None:
        self.client.get("/notifications/unread/", name="unread count")

    @task(1)
    def read_all(self) -> None:
        if random.random() < 0.2:
            self.client.post(
                "/notifications/read-all/",
                data={"csrfmiddlewaretoken": _csrf(self), "next": "/notifications/"},
                headers={"Referer": f"{self.host}/notifications/"},
                name="notifications read all (page)",
            )


class Newcomer(HttpUser):
    """Invited people opening their link and signing up (each link of the pool once)."""

    fixed_count = 1
    wait_time = between(3, 8)

    @task
    def accept_invitation(self) -> None:
        pool = SCENARIO.get("invitations") or []
        n = next(_NEXT_INVITATION)
        if n >= len(pool):
            return  # the pool is used up: nothing left to accept
        self.client.cookies.clear()  # a new person, anonymous
        link = f"/people/invitation/{pool[n]}/"
        self.client.get(link, name="invitation link")
        password = f"load-{uuid.uuid4().hex}"
        with self.client.post(
            link,
            data={
                "display_name": f"Invitee {n}",
                "password1": password,
                "password2": password,
                "csrfmiddlewaretoken": _csrf(self),
            },
            headers={"Referer": f"{self.host}{link}"},
            name="invitation accept",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"accepting answered {response.status_code}")
                return
            target = response.headers.get("Location", "")
        if target:
            self.client.get(target, name="after accepting")
        self.client.cookies.clear()


STEPS = [  # commitment status -> the persona who moves it there
    ("accepted", "focal_point"),
    ("in_progress", "donor"),
    ("delivered", "donor"),
    ("verified", "focal_point"),
]


class Staff(HttpUser):
    """The people who run things, with their personas' tokens: the consultation's owner
    decides amendments, a donor and a state move commitments, a report is generated."""

    weight = 1
    wait_time = between(1, 3)

    def token(self, persona: str) -> dict[str, str]:
        return {"Authorization": TOKENS[persona]}

    @task(3)
    def commitment(self) -> None:
        need = random.choice(SCENARIO["needs"])
        offered = self.client.post(
            f"/api/v1/planning/needs/{need}/commitments",
            json={
                "organisation": "oas",
                "kind": "money",
                "amount": str(random.randint(1, 50) * 1000),
                "currency": "USD",
                "description": "Pledged in the load test.",
            },
            headers=self.token("donor"),
            name="commitment offer",
        )
        if offered.status_code != 201:
            return
        pk = offered.json()["id"]
        for to, persona in STEPS:
            moved = self.client.post(
                f"/api/v1/planning/commitments/{pk}/transition",
                json={"to": to, "note": "Load test."},
                headers=self.token(persona),
                name=f"commitment -> {to}",
            )
            if moved.status_code != 200:
                return

    @task(3)
    def decide_amendment(self) -> None:
        owner = self.token("coordinator")
        consultation = f"/api/v1/consultations/{SCENARIO['consultation']}"
        section = random.choice(SCENARIO["sections"])
        listed = self.client.get(
            f"{consultation}/sections/{section}/amendments", headers=owner, name="amendments"
        )
        pending = [a for a in listed.json() if a["status"] == "pending"] if listed.ok else []
        if not pending:
            return
        amendment = random.choice(pending)
        accept = not amendment["stale"] and random.random() < 0.5
        with self.client.post(
            f"{consultation}/amendments/{amendment['id']}/decision",
            json={
                "accept": accept,
                "reason": "Better wording." if accept else "Keeps the section as agreed.",
            },
            headers=owner,
            name="amendment decide",
            catch_response=True,
        ) as response:
            if response.status_code == 409:
                # Decided by another owner first, or the section changed meanwhile.
                response.success()

    @task(1)
    def report(self) -> None:
        """Ask the worker for an assessment's report, poll its state, download it once done
        (a stored report is served at once; the first ask of a version is queued)."""
        base = f"/api/v1/assessments/{SCENARIO['report_assessment']}"
        headers = self.token("coordinator")
        asked = self.client.post(
            f"{base}/reports/pdf", headers=headers, name="assessment report (prepare)"
        )
        if asked.status_code != 202:
            return
        state = asked.json()
        for _ in range(30):
            if state.get("state") in ("done", "failed"):
                break
            time.sleep(2)
            polled = self.client.get(
                f"{base}/reports/pdf", headers=headers, name="assessment report (state)"
            )
            if polled.status_code != 200:
                return
            state = polled.json()
        if state.get("state") != "done":
            return
        with self.client.get(
            state["download"],
            headers=headers,
            name="assessment report (PDF)",
            catch_response=True,
        ) as response:
            if response.ok and not response.content.startswith(b"%PDF"):
                response.failure("not a PDF")
