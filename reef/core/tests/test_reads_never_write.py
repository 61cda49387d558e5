"""GET requests write nothing: every route, as anonymous and as every persona.

Each GET runs under `CaptureQueriesContext`; every INSERT, UPDATE or DELETE it sends is
named by its table. Two kinds are allowed, and documented in docs/reliability.md:

- the audit entry of a read of restricted data (`reef.core.audit.audit_read`: action
  "read"; and an expert's download of everything Reef holds about them, action
  "expert_profile_export"), with the chain head it advances;
- session rows (`django_session`: signing in, the language, CSRF rotation), and their
  token equivalent: a read with an API token stamps the token's last use, at most once a
  minute (`test_a_token_read_writes_only_its_use_stamp`).

Pages come from the URL configuration with the samples of each app's tests/routes.py (as in
test_routes.py), a POST-only page included (its GET must write nothing either). API reads
come from the OpenAPI schema's GET operations; their path parameters are filled from the
same samples (`API_SAMPLES`), and at least one caller must get a 200, so the read was
really made. A GET operation with parameters and no entry in `API_SAMPLES` fails.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reef.core.models import AuditEntry, AuditHead
from reef.core.tests.route_world import RouteWorld, app_of, app_samples, by_app
from reef.core.tests.routes import EVERYONE, Sample
from reef.core.tests.test_routes import OWN_ROUTES, THIRD_PARTY

_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)
SESSION_TABLE = "django_session"
AUDIT_TABLES = {AuditEntry._meta.db_table, AuditHead._meta.db_table}
READ_AUDIT_ACTIONS = {"read", "expert_profile_export"}

# API path (after /api/v1) -> the page sample whose objects it reads, and how the page's URL
# parameters become the operation's ({api name: page name}).
API_SAMPLES: dict[str, tuple[str, dict[str, str]]] = {
    "/organisations/{slug}": ("directory:organisation_detail", {"slug": "slug"}),
    "/people/places/{kind}/{key}/members": ("people:members", {"kind": "kind", "key": "key"}),
    "/frameworks/{slug}": ("frameworks:framework_detail", {"slug": "slug"}),
    "/assessments/{assessment_id}": ("assessments:assessment_detail", {"assessment_id": "pk"}),
    "/assessments/{assessment_id}/reports/{fmt}": (
        "assessments:report_status",
        {"assessment_id": "pk", "fmt": "fmt"},
    ),
    "/planning/plans/{pk}": ("planning:plan_detail", {"pk": "pk"}),
    "/planning/needs/{pk}": ("planning:need_detail", {"pk": "pk"}),
    "/planning/commitments/{pk}": ("planning:commitment_detail", {"pk": "pk"}),
    "/planning/regional/{pk}": ("planning:regional", {"pk": "pk"}),
    "/experts/profiles/{pk}": ("experts:profile_detail", {"pk": "pk"}),
    "/experts/missions/{pk}": ("experts:mission_detail", {"pk": "pk"}),
    "/experts/rounds/{pk}": ("experts:round_detail", {"pk": "pk"}),
    "/experts/proposals/{pk}/feedback": ("experts:proposal_feedback", {"pk": "pk"}),
    "/consultations/{pk}/delphi/{number}": (
        "consultations:delphi",
        {"pk": "pk", "number": "number"},
    ),
    "/consultations/{pk}": ("consultations:detail", {"pk": "pk"}),
    "/consultations/{pk}/me/group": ("consultations:report", {"pk": "pk"}),
    "/consultations/{pk}/sections/{number}": (
        "consultations:section",
        {"pk": "pk", "number": "number"},
    ),
    "/records/events/{slug}": ("records:event_detail", {"slug": "slug"}),
    "/records/publications/{slug}": ("records:publication_detail", {"slug": "slug"}),
    "/records/briefings/{slug}": ("records:briefing_detail", {"slug": "slug"}),
    "/planning/actions/{pk}": ("planning:action_sustainability", {"pk": "pk"}),
    "/planning/risks/{pk}": ("planning:risk_edit", {"pk": "pk"}),
    "/sharing/{kind}/{record_id}": ("sharing", {"kind": "kind", "record_id": "pk"}),
}
API_LITERALS = {"/countries/{code}": {"code": "GD"}}
# Reads without path parameters whose objects come from a page sample all the same.
API_SAMPLES["/experts/me/export"] = ("experts:me_export", {})
API_QUERIES = {"/records/search": "q=strategy"}
# Where the sample's best caller gets another status than 200 for a reason of the route's.
API_READ_STATUS = {
    # Feedback stays hidden (403) until the caller has answered the round; the sample has
    # no answers, and the 403 comes after the round was read.
    "/consultations/{pk}/delphi/{number}/feedback": 403,
    # A report is made by the worker when asked for (a POST); until then the download
    # says so (400), and reads never ask for one.
    "/assessments/{assessment_id}/report.pdf": 400,
    "/assessments/{assessment_id}/report.docx": 400,
}


def writes_of(queries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(statement kind, table) of every INSERT, UPDATE and DELETE among `queries`."""
    found = []
    for q in queries:
        m = _WRITE.match(q["sql"])
        if m:
            found.append((m.group(1).split()[0].upper(), m.group(2)))
    return found


def _unexpected_writes(client: Client, url: str) -> tuple[int, list[str]]:
    last_id = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    writes = [w for w in writes_of(ctx.captured_queries) if w[1] != SESSION_TABLE]
    if any(table in AUDIT_TABLES for _, table in writes):
        actions = set(AuditEntry.objects.filter(id__gt=last_id).values_list("action", flat=True))
        if actions <= READ_AUDIT_ACTIONS:  # audited reads only: the documented exception
            writes = [w for w in writes if w[1] not in AUDIT_TABLES]
        else:
            writes.append(("AUDIT", f"actions {sorted(actions)}"))
    return response.status_code, [f"{kind} {table}" for kind, table in writes]


def _check(clients: dict[str, Client], url: str) -> dict[str, int]:
    failures, statuses = [], {}
    for who in EVERYONE:
        status, writes = _unexpected_writes(clients[who], url)
        statuses[who] = status
        if writes:
            failures.append(f"{who} ({status}): {', '.join(sorted(set(writes)))}")
    assert not failures, f"GET {url} wrote: " + "; ".join(failures)
    return statuses


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route_world", "pattern", "name", "view"), by_app(OWN_ROUTES), indirect=["route_world"]
)
def test_page_reads_never_write(
    route_world: RouteWorld, pattern: str, name: str, view: Any
) -> None:
    sample = route_world.samples.get(name) or Sample()
    query = f"?{sample.query}" if sample.query and sample.method == "get" else ""
    _check(route_world.clients(), reverse(name, kwargs=sample.kwargs) + query)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pattern", "name", "view"), THIRD_PARTY, ids=[r[1] or r[0] for r in THIRD_PARTY]
)
def test_third_party_reads_never_write(
    pattern: str, name: str, view: Any, clients: dict[str, Client]
) -> None:
    _check(clients, reverse(name))


def _api_get_paths() -> list[str]:
    from reef.api.api import api

    schema = api.get_openapi_schema(path_prefix="")
    return sorted(path for path, operations in schema["paths"].items() if "get" in operations)


API_GETS = _api_get_paths()


def _api_sample_page(path: str) -> str | None:
    """The page whose sample gives the parameters of API path `path` (None: it needs none)."""
    if path in API_LITERALS:
        return None
    prefix = max((p for p in API_SAMPLES if path.startswith(p)), key=len, default=None)
    return None if prefix is None else API_SAMPLES[prefix][0]


def _api_url(path: str, samples: dict[str, Sample]) -> str:
    query = f"?{API_QUERIES[path]}" if path in API_QUERIES else ""
    if path in API_LITERALS:
        return path.format(**API_LITERALS[path]) + query
    prefix = max((p for p in API_SAMPLES if path.startswith(p)), key=len, default=None)
    if prefix is None:
        assert "{" not in path, f"GET {path} has parameters: add its sample to API_SAMPLES"
        return path + query
    page, names = API_SAMPLES[prefix]
    sample = samples.get(page)
    assert sample is not None, f"no sample for {page} in its app's tests/routes.py"
    return path.format(**{api: sample.kwargs[kw] for api, kw in names.items()}) + query


def api_url_for(path: str, users: dict[str, Any]) -> str:
    """The URL of API path `path`, building the samples of the one app it needs."""
    page = _api_sample_page(path)
    return _api_url(path, app_samples(users, app_of(page)) if page else {})


def _api_params() -> list[Any]:
    """(app, path): the app whose samples the path needs, "core" when it needs none."""
    result = []
    for path in API_GETS:
        page = _api_sample_page(path)
        result.append(pytest.param(app_of(page) if page else "core", path, id=path))
    return result


@pytest.mark.django_db
@pytest.mark.parametrize(("route_world", "path"), _api_params(), indirect=["route_world"])
def test_api_reads_never_write(route_world: RouteWorld, path: str) -> None:
    statuses = _check(route_world.clients(), "/api/v1" + _api_url(path, route_world.samples))
    read = API_READ_STATUS.get(path, 200)
    assert read in statuses.values(), f"GET {path}: nobody could read it ({statuses})"


def test_writes_are_named_by_table() -> None:
    queries = [
        {"sql": 'INSERT INTO "core_auditentry" ("seq") VALUES (1)'},
        {"sql": 'UPDATE "consultations_consultation" SET "analysis_stale" = true'},
        {"sql": 'DELETE FROM "django_session" WHERE "session_key" = %s'},
        {"sql": 'SELECT "id" FROM "x" WHERE "note" = \'UPDATE "y"\''},
        {"sql": "SAVEPOINT s1"},
    ]
    assert writes_of(queries) == [
        ("INSERT", "core_auditentry"),
        ("UPDATE", "consultations_consultation"),
        ("DELETE", "django_session"),
    ]


@pytest.mark.django_db
def test_a_stale_report_is_served_without_writing(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    """The case the load run found: votes since the last analysis, then report reads."""
    from reef.consultations import services
    from reef.consultations.tests.helpers import accepted, hidden_consultation, join

    focal = users["focal_point"]
    c = hidden_consultation(focal)
    join(focal, c, code="GD")
    s = accepted(focal, c, "Grenada should publish its national strategy.")
    services.vote_cast(actor=focal, statement=s, value=1)  # queued task held by the test
    client = clients["focal_point"]
    page = reverse("consultations:report", args=[c.pk])
    api = f"/api/v1/consultations/{c.pk}/report"
    for url in (page, api):
        status, writes = _unexpected_writes(client, url)
        assert status == 200 and not writes, (url, writes)
    assert "Not analysed yet" in client.get(page).content.decode()
    assert client.get(api).json() == {"analysed_at": None, "stale": True}
    services.consultation_analyse(consultation=c)
    services.vote_cast(actor=focal, statement=s, value=-1)
    for url in (page, api):
        status, writes = _unexpected_writes(client, url)
        assert status == 200 and not writes, (url, writes)
    body = client.get(api).json()
    assert body["stale"] is True and body["n_votes"] == 1 and body["analysed_at"]
    assert "an updated analysis is on its way" in client.get(page).content.decode()


@pytest.mark.django_db
def test_a_token_read_writes_only_its_use_stamp(users: dict[str, Any]) -> None:
    """With an API token, a read stamps the token's last use, at most once a minute."""
    from reef.accounts.models import ApiToken
    from reef.accounts.services import api_token_create

    _token, secret = api_token_create(user=users["focal_point"], name="reads")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    first = _unexpected_writes(client, "/api/v1/me")
    again = _unexpected_writes(client, "/api/v1/me")
    assert first == (200, [f"UPDATE {ApiToken._meta.db_table}"])
    assert again == (200, [])
