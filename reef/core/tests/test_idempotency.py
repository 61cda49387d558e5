"""Idempotency-Key on API writes: retries replay, misuse is refused, one effect only."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.utils import timezone

from reef.accounts.models import ApiToken
from reef.core.idempotency import LEASE, idempotency_purge, request_fingerprint
from reef.core.models import IdempotencyKey
from tests_support.world import ensure_world, persona, reauthenticated_session

URL = "/api/v1/tokens"


def _auth(user: Any) -> str:
    # Creating a token needs a session that re-authenticated (a Bearer token may not).
    return str(reauthenticated_session(user)["HTTP_COOKIE"])


def _post(client: Client, auth: str, body: dict[str, Any], key: str | None) -> Any:
    header = "HTTP_AUTHORIZATION" if auth.startswith("Bearer ") else "HTTP_COOKIE"
    extra: dict[str, Any] = {header: auth}
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, body, content_type="application/json", **extra)


@pytest.mark.django_db
def test_retry_returns_the_first_response_and_creates_one_record(users: dict[str, Any]) -> None:
    client, auth = Client(), _auth(users["donor"])
    first = _post(client, auth, {"name": "laptop"}, "key-1")
    assert first.status_code == 201, first.content
    retry = _post(client, auth, {"name": "laptop"}, "key-1")
    assert retry.status_code == 201
    assert retry.content == first.content  # same secret: the client can still use it
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert ApiToken.objects.filter(user=users["donor"], name="laptop").count() == 1
    # JSON bodies are compared by content, not by formatting.
    spaced = client.post(
        URL,
        '{ "name" : "laptop" }',
        content_type="application/json",
        HTTP_COOKIE=auth,
        HTTP_IDEMPOTENCY_KEY="key-1",
    )
    assert spaced.status_code == 201 and spaced.content == first.content


@pytest.mark.django_db
def test_same_key_with_another_body_is_refused(users: dict[str, Any]) -> None:
    client, auth = Client(), _auth(users["donor"])
    assert _post(client, auth, {"name": "one"}, "key-2").status_code == 201
    other = _post(client, auth, {"name": "two"}, "key-2")
    assert other.status_code == 422
    assert "different request" in other.json()["detail"]
    assert not ApiToken.objects.filter(name="two").exists()


@pytest.mark.django_db
def test_retry_while_the_first_runs_gets_409(users: dict[str, Any]) -> None:
    donor = users["donor"]
    auth = _auth(donor)
    request = RequestFactory().post(URL, {"name": "slow"}, content_type="application/json")
    IdempotencyKey.objects.create(
        user=donor,
        key="key-3",
        method="POST",
        path=URL,
        request_hash=request_fingerprint(request),
        locked_at=timezone.now(),
        expires_at=timezone.now() + timedelta(hours=24),
    )
    response = _post(Client(), auth, {"name": "slow"}, "key-3")
    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert not ApiToken.objects.filter(name="slow").exists()


@pytest.mark.django_db
def test_abandoned_reservation_is_taken_over_after_the_lease(users: dict[str, Any]) -> None:
    donor = users["donor"]
    auth = _auth(donor)
    request = RequestFactory().post(URL, {"name": "died"}, content_type="application/json")
    long_ago = timezone.now() - LEASE - timedelta(seconds=5)
    IdempotencyKey.objects.create(
        user=donor,
        key="key-4",
        method="POST",
        path=URL,
        request_hash=request_fingerprint(request),
        locked_at=long_ago,
        expires_at=long_ago + timedelta(hours=24),
    )
    response = _post(Client(), auth, {"name": "died"}, "key-4")
    assert response.status_code == 201
    assert ApiToken.objects.filter(name="died").count() == 1
    assert IdempotencyKey.objects.get(key="key-4").status == 201


@pytest.mark.django_db
def test_keys_are_per_user_and_expire(users: dict[str, Any]) -> None:
    a, b = _auth(users["donor"]), _auth(users["expert"])
    assert _post(Client(), a, {"name": "shared"}, "key-5").status_code == 201
    other_user = _post(Client(), b, {"name": "shared"}, "key-5")
    assert other_user.status_code == 201
    assert "Idempotent-Replayed" not in other_user
    assert ApiToken.objects.filter(name="shared").count() == 2
    IdempotencyKey.objects.filter(key="key-5").update(expires_at=timezone.now())
    assert idempotency_purge() == 2
    assert _post(Client(), a, {"name": "shared"}, "key-5").status_code == 201
    assert ApiToken.objects.filter(name="shared").count() == 3


@pytest.mark.django_db
def test_server_errors_are_not_stored(users: dict[str, Any]) -> None:
    auth = _auth(users["donor"])
    with mock.patch("reef.accounts.api.api_token_create", side_effect=RuntimeError("boom")):
        failed = _post(Client(raise_request_exception=False), auth, {"name": "boom"}, "key-6")
    assert failed.status_code == 500
    assert not IdempotencyKey.objects.filter(key="key-6").exists()
    retried = _post(Client(), auth, {"name": "boom"}, "key-6")
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried


@pytest.mark.django_db
def test_bad_keys_and_anonymous_callers(users: dict[str, Any]) -> None:
    auth = _auth(users["donor"])
    assert _post(Client(), auth, {"name": "x"}, "has space").status_code == 400
    assert _post(Client(), auth, {"name": "x"}, "k" * 256).status_code == 400
    anonymous = Client().post(
        URL, {"name": "x"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="key-7"
    )
    assert anonymous.status_code == 401
    bad_token = _post(Client(), "Bearer reef_nope", {"name": "x"}, "key-7")
    assert bad_token.status_code == 401
    assert not IdempotencyKey.objects.filter(key="key-7").exists()
    # Without a key, writes behave as before and nothing is stored.
    assert _post(Client(), auth, {"name": "plain"}, None).status_code == 201
    assert not IdempotencyKey.objects.filter(path=URL, user=users["donor"]).exists()


@pytest.mark.django_db
def test_stored_answers_are_encrypted(users: dict[str, Any]) -> None:
    response = _post(Client(), _auth(users["donor"]), {"name": "secret"}, "key-8")
    secret = response.json()["secret"]
    stored = bytes(IdempotencyKey.objects.get(key="key-8").body)
    assert secret.encode() not in stored


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_exactly_one_record() -> None:
    ensure_world()
    donor = persona("donor")
    auth = _auth(donor)
    workers = 4 if connection.vendor == "sqlite" else 10
    barrier = threading.Barrier(workers)
    results: list[tuple[int, bytes]] = []
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            client = Client()
            barrier.wait()
            response = _post(client, auth, {"name": "raced"}, "key-race")
            results.append((response.status_code, response.content))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert ApiToken.objects.filter(user=donor, name="raced").count() == 1
    statuses = [status for status, _ in results]
    assert len(statuses) == workers
    assert set(statuses) <= {201, 409}, statuses
    created = {body for status, body in results if status == 201}
    assert len(created) == 1  # every 201 is the same answer (first or replayed)
    # After the race a retry replays the one answer.
    final = _post(Client(), auth, {"name": "raced"}, "key-race")
    assert final.status_code == 201 and final.content in created
