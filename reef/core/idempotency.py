"""Idempotent API writes: `Idempotency-Key` on POST.

    @router.post("/tokens", response={201: TokenCreated})
    @idempotent
    def create_token(request, payload: TokenIn): ...

A client that sends `Idempotency-Key: <unique string>` may retry the same
request safely:

- the first request reserves the key (committed at once), then runs the write
  and stores its answer in the same transaction as the write: the write and
  the stored answer exist together or not at all;
- a retry with the same key and the same request gets the stored answer again
  (status and body, header `Idempotent-Replayed: true`);
- the same key with a different request (method, path or body) is refused: 422;
- a retry while the first is still running gets 409 with `Retry-After`;
- a first request that died (process killed) leaves a reservation whose work
  was rolled back; after `LEASE` a retry takes it over and runs the write.

Keys are per user, kept 24 hours (`idempotency_purge()` deletes old ones);
stored answers are encrypted with REEF_FIELD_KEY (they may hold a new secret).
Answers with status 5xx are not stored: the reservation is released so that a
retry runs again. Requests without the header are not affected.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.decorators import decorate_view

from reef.core.models import IdempotencyKey

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)
# An unfinished reservation older than this belongs to a request that died:
# longer than any request may run (gunicorn's worker timeout is 30 s).
LEASE = timedelta(seconds=120)
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces
REPLAYED_HEADERS = ("ETag", "Location", "Last-Modified")

Run = Callable[..., HttpResponseBase]


def _json(status: int, detail: str, **headers: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps({"detail": detail}).encode(),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _fernet() -> Fernet:
    # Stored answers may hold secrets (a new API token): encrypted at rest with
    # REEF_FIELD_KEY, kept outside the database.
    digest = hashlib.sha256(("reef-idempotency:" + settings.REEF_FIELD_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def request_fingerprint(request: HttpRequest) -> str:
    """HMAC-SHA-256 of method, path, query and body (JSON bodies compared by content).

    Keyed with SECRET_KEY: a body may hold a password (token creation), and a
    plain hash of it kept in the database would be a fast offline guessing target.
    """
    body = request.body
    try:
        canonical = json.dumps(
            json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    except (ValueError, RecursionError):
        canonical = body
    digest = hmac.new(settings.SECRET_KEY.encode(), digestmod=hashlib.sha256)
    for part in (
        str(request.method).encode(),
        request.path.encode(),
        request.META.get("QUERY_STRING", "").encode(),
        canonical,
    ):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _taken_over_message() -> str:
    return _("This request took too long and was retried; see the retry's answer.")


def _replay(record: IdempotencyKey) -> HttpResponse:
    try:
        body = _fernet().decrypt(bytes(record.body)) if record.body else b""
    except InvalidToken:
        return _json(422, _("The stored answer for this key cannot be read; use a new key."))
    response = HttpResponse(
        body, status=record.status or 200, content_type=record.content_type or None
    )
    for name, value in (record.headers or {}).items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _reserve(
    *, user: Any, key: str, request: HttpRequest, fingerprint: str
) -> IdempotencyKey | HttpResponse:
    """Reserve the key for this request, or the answer a retry gets instead."""
    for _attempt in range(5):
        now = timezone.now()
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    user=user,
                    key=key,
                    method=str(request.method),
                    path=request.path[:500],
                    request_hash=fingerprint,
                    locked_at=now,
                    expires_at=now + TTL,
                )
        except IntegrityError:
            pass
        existing = IdempotencyKey.objects.filter(user=user, key=key).first()
        if existing is None:
            continue  # purged in between: try again
        if existing.expires_at <= now:
            IdempotencyKey.objects.filter(pk=existing.pk, expires_at=existing.expires_at).delete()
            continue
        if existing.request_hash != fingerprint:
            return _json(
                422,
                _(
                    "This Idempotency-Key was used for a different request. "
                    "Use a new key for a new request."
                ),
            )
        if existing.status is not None:
            return _replay(existing)
        if existing.locked_at + LEASE > now:
            return _json(
                409,
                _("A request with this Idempotency-Key is still being processed. Retry shortly."),
                Retry_After="1",
            )
        # The first attempt died: its work was rolled back with it. Take over.
        taken = IdempotencyKey.objects.filter(
            pk=existing.pk, status__isnull=True, locked_at=existing.locked_at
        ).update(locked_at=now)
        if taken == 1:
            existing.locked_at = now
            return existing
    return _json(409, _("This Idempotency-Key is busy. Retry shortly."), Retry_After="1")


def _release(record: IdempotencyKey) -> None:
    try:
        IdempotencyKey.objects.filter(
            pk=record.pk, status__isnull=True, locked_at=record.locked_at
        ).delete()
    except DatabaseError:
        log.warning("could not release idempotency key %s; it expires after the lease", record.pk)


def _authenticate(request: HttpRequest, run: Run) -> Any:
    from reef.api.auth import reef_auth

    return reef_auth(request)


def _on_exception(run: Run, request: HttpRequest, exc: Exception) -> HttpResponseBase:
    """The error answer of the API the operation is mounted on (ninja sets `operation.api`
    when its router is added), so this module needs no import of `reef.api.api`."""
    inner: Any = run
    while not hasattr(inner, "__self__") and hasattr(inner, "__wrapped__"):
        inner = inner.__wrapped__  # under other run decorators: the bound `Operation.run`
    api = getattr(getattr(inner, "__self__", None), "api", None)
    if api is None:
        raise exc  # not mounted on an API: nothing to answer with
    response: HttpResponseBase = api.on_exception(request, exc)
    return response


def idempotent_run(run: Run) -> Run:
    """Wrap a ninja operation's `run` (the HttpResponse level) with Idempotency-Key handling."""

    @wraps(run)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = request.headers.get(HEADER)
        if key is None:
            return run(request, *args, **kwargs)
        if not KEY_PATTERN.match(key):
            return _json(400, "Idempotency-Key must be 1 to 255 printable ASCII characters.")
        try:
            user = _authenticate(request, run)
        except Exception as exc:
            return _on_exception(run, request, exc)
        if user is None or not user.is_authenticated:
            return run(request, *args, **kwargs)  # anonymous: nothing to key on
        try:
            fingerprint = request_fingerprint(request)  # RequestDataTooBig: 413
        except Exception as exc:
            return _on_exception(run, request, exc)
        outcome = _reserve(user=user, key=key, request=request, fingerprint=fingerprint)
        if isinstance(outcome, HttpResponse):
            return outcome
        record = outcome
        try:
            with transaction.atomic():
                response = run(request, *args, **kwargs)
                if response.status_code >= 500 or response.streaming:
                    transaction.set_rollback(True)
                else:
                    stored = IdempotencyKey.objects.filter(
                        pk=record.pk, status__isnull=True, locked_at=record.locked_at
                    ).update(
                        status=response.status_code,
                        content_type=response.get("Content-Type", ""),
                        headers={h: response[h] for h in REPLAYED_HEADERS if h in response},
                        body=_fernet().encrypt(response.content),  # type: ignore[attr-defined]
                    )
                    if stored != 1:
                        # Our lease was taken over by a retry: undo, let the retry win.
                        transaction.set_rollback(True)
                        return _json(409, _taken_over_message())
        except BaseException:
            _release(record)
            raise
        if response.status_code >= 500 or response.streaming:
            _release(record)
        return response

    return wrapped


def idempotent[F: Callable[..., Any]](func: F) -> F:
    """Decorator for a ninja POST operation: honour `Idempotency-Key`."""
    result: F = decorate_view(idempotent_run)(func)
    return result


def idempotency_purge() -> int:
    """Delete expired keys. Returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
