"""Request context, fail-closed on database outages, and no caching of private pages."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from reef.core import audit, context

Handler = Callable[[HttpRequest], HttpResponse]
log = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _has_nul(request: HttpRequest) -> bool:
    """NUL in the query string: no legitimate use, and PostgreSQL refuses it (a 500)."""
    query = str(request.META.get("QUERY_STRING", ""))
    return "%00" in query or "\x00" in query or any("\x00" in v for v in request.GET.values())


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = json.dumps({"detail": message}).encode()
        return HttpResponse(body, status=400, content_type="application/json")
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


class RequestContextMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise Http404  # no such page; PostgreSQL would refuse the lookup (a 500)
        if _has_nul(request):
            return _bad_request(request, _("Parameters must not contain NUL (0x00) characters."))
        via = "api" if request.path.startswith("/api/") else "web"
        # Seals wait for request_finished (after the response is sent).
        deferral = audit.seals_after_response()
        token = context.set_current(
            context.RequestContext(
                ip=client_ip(request),
                user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:200],
                via=via,
            )
        )
        try:
            return self.get_response(request)
        finally:
            audit.end_deferral(deferral)
            context.reset(token)


def unavailable_response(
    request: HttpRequest, exception: BaseException | None = None
) -> HttpResponse:
    """The 503 answer; the cause goes to the log (one line: operators need it, users not)."""
    if exception is not None:
        log.warning(
            "database unavailable for %s %s: %s: %s",
            request.method,
            request.path,
            type(exception).__name__,
            next(iter(str(exception).strip().splitlines()), ""),
        )
    if request.path.startswith("/api/"):
        response = HttpResponse(
            json.dumps({"detail": _("The service is temporarily unavailable. Try again shortly.")}),
            status=503,
            content_type="application/json",
        )
    else:
        # Rendered without the database: no context processors, no session.
        body = render_to_string("503.html")
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


DB_UNAVAILABLE = "_reef_database_unavailable"


def is_database_unavailable(exception: BaseException | None) -> bool:
    """Connection lost or refused, disk full, read-only database: not a bug, an outage."""
    if isinstance(exception, (OperationalError, InterfaceError)):
        return True
    return isinstance(exception, DatabaseError) and (
        "read-only" in str(exception) or "readonly" in str(exception)
    )


def _note_database_failure(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Django turns an exception raised in any inner middleware (the session or
    # user lookup, the session save) into a 500 response before it reaches the
    # middleware below; this signal still sees it, so mark the request.
    exception = sys.exc_info()[1]
    if request is not None and is_database_unavailable(exception):
        setattr(request, DB_UNAVAILABLE, True)
        log.warning("database unavailable in a middleware: %s", type(exception).__name__)


got_request_exception.connect(_note_database_failure, dispatch_uid="reef-db-unavailable")


class DatabaseUnavailableMiddleware:
    """Answer 503 with a clear page when the database is down or read-only, never a 500.

    Works whether the failure happens in the view (`process_exception`), in an
    inner middleware (flag set by `got_request_exception`) or while answering.
    With CONN_HEALTH_CHECKS a broken persistent connection is replaced at the
    next request, so the site recovers without a restart once the database is back.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            return unavailable_response(request, exc)
        if getattr(request, DB_UNAVAILABLE, False) and response.status_code >= 500:
            return unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_unavailable(exception):
            setattr(request, DB_UNAVAILABLE, True)
            return unavailable_response(request, exception)
        return None


class SensitiveCacheMiddleware:
    """Pages shown to a signed-in user, and every API answer, are never cached."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if (signed_in or request.path.startswith("/api/")) and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
