"""Faults: the database failing under a request answers 503 with a clear page, never a 500,
and leaves nothing half-written.

Drills that need real processes (SIGKILL, PostgreSQL stopped, worker killed,
backup under load) are scripts in bench/drills/, documented in bench/reliability.md.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

from reef.accounts.models import ApiToken
from reef.accounts.services import api_token_create
from reef.core.audit import audit_verify
from reef.core.backup import backup
from reef.core.concurrency import etag_for
from reef.core.models import AuditEntry
from reef.directory.models import Organisation
from tests_support.world import ensure_world, persona

UNAVAILABLE = "temporarily unavailable"


def _assert_503(response: Any) -> None:
    assert response.status_code == 503, (response.status_code, response.content[:300])
    assert response["Retry-After"] == "30"
    assert b"Traceback" not in response.content
    assert UNAVAILABLE in response.content.decode().lower()


@pytest.mark.django_db
def test_database_failure_in_a_view_is_503(users: dict[str, Any]) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(users["public"])
    with mock.patch(
        "reef.directory.views.selectors.countries_in_region",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        page = client.get("/directory/countries/")
    _assert_503(page)
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_database_failure_in_the_api_is_503(world: None) -> None:
    with mock.patch(
        "reef.directory.api.selectors.countries_in_region",
        side_effect=OperationalError("could not connect to server"),
    ):
        response = Client(raise_request_exception=False).get("/api/v1/countries")
    _assert_503(response)
    assert response.json()["detail"].lower().startswith("the service is " + UNAVAILABLE)


@pytest.mark.django_db
def test_database_failure_in_a_middleware_is_503_not_500(users: dict[str, Any]) -> None:
    """The session is read by middleware, before any view: still a 503 page."""
    client = Client(raise_request_exception=False)
    client.force_login(users["public"])
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load",
        side_effect=OperationalError("connection refused"),
    ):
        page = client.get("/directory/countries/")
        api = client.get("/api/v1/me")
    _assert_503(page)
    assert api.status_code == 503
    assert api["Content-Type"].startswith("application/json")


@contextmanager
def _database_file(path: str) -> Iterator[None]:
    """Point the default connection at another SQLite file (or URI) for a while."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = path
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def _snapshot() -> tuple[int, int, list[tuple[str, int]]]:
    return (
        AuditEntry.objects.count(),
        ApiToken.objects.count(),
        list(Organisation.objects.order_by("pk").values_list("description", "version")),
    )


@pytest.mark.django_db(transaction=True)
def test_read_only_database_file_answers_503_and_writes_nothing(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite file fault")
    ensure_world()
    donor = persona("donor")
    _, secret = api_token_create(user=donor, name="ro test")
    copy = tmp_path / "ro.sqlite3"
    backup(copy)
    with _database_file(str(copy)):
        before = _snapshot()
    with _database_file(f"file:{copy}?mode=ro"):
        client = Client(raise_request_exception=False)
        auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        # Reads still answer (or 503), never 500.
        assert client.get("/api/v1/countries").status_code in {200, 503}
        org = Organisation.objects.get(slug="oas")
        put = client.put(
            "/api/v1/organisations/oas",
            {"description": "while read-only", "website": ""},
            content_type="application/json",
            HTTP_IF_MATCH=etag_for(org),
            **auth,
        )
        assert put.status_code == 503, put.content
        post = client.post(
            "/api/v1/tokens",
            {"name": "ro"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="ro-1",
            **auth,
        )
        assert post.status_code == 503, post.content
    with _database_file(str(copy)):
        assert _snapshot() == before
        assert audit_verify().ok
    check = sqlite3.connect(copy)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()


@pytest.mark.django_db(transaction=True)
def test_full_disk_answers_503_and_writes_nothing(tmp_path: Path) -> None:
    """SQLite's max_page_count makes the file "full": the write fails as on a full disk."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite file fault")
    ensure_world()
    donor = persona("donor")
    _, secret = api_token_create(user=donor, name="full test")
    copy = tmp_path / "full.sqlite3"
    backup(copy)
    raw = sqlite3.connect(copy)
    raw.execute("VACUUM")
    raw.close()
    with _database_file(str(copy)):
        before = _snapshot()
        org = Organisation.objects.get(slug="oas")
        client = Client(raise_request_exception=False)
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages}")
        # A large description needs new pages: the disk is "full".
        put = client.put(
            "/api/v1/organisations/oas",
            {"description": "x" * 9000, "website": ""},
            content_type="application/json",
            HTTP_IF_MATCH=etag_for(org),
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        assert put.status_code == 503, put.content
        connection.close()  # drop the page limit
        assert _snapshot() == before
        assert audit_verify().ok
        check = sqlite3.connect(copy)
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        check.close()
