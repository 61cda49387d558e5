"""The /api/v1 router: mounts each app's `api.py` router."""

from __future__ import annotations

import importlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from reef.api.auth import CsrfFailed, reef_auth
from reef.core.errors import Conflict, PermissionDenied, ServiceError

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="Reef API",
    version="1",
    description=(
        "The Reef JSON API. Authenticate with a personal token "
        "(`Authorization: Bearer reef_...`) or a browser session. "
        "Records you may not see answer 404."
    ),
    auth=reef_auth,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, detail: str, **extra: object) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "Authentication required or invalid credentials.")


@api.exception_handler(CsrfFailed)
def _csrf(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, "CSRF check failed: send the X-CSRFToken header.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, exc.message)


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return _error(request, 409, exc.message)


@api.exception_handler(ServiceError)
def _invalid(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    if exc.code == "not_found":
        return _error(request, 404, "Not found.")
    return _error(request, 400, exc.message, field=exc.field)


@api.exception_handler(DjangoValidationError)
def _django_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _error(request, 400, " ".join(exc.messages))


@api.exception_handler(ValidationError)
def _schema_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, "The request does not match the schema.", errors=exc.errors)


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    from django.db import InterfaceError, OperationalError

    if isinstance(exc, (OperationalError, InterfaceError)):
        return _error(request, 503, "The service is temporarily unavailable. Try again shortly.")
    log.exception("unexpected API error")
    if settings.DEBUG:
        raise exc
    return _error(request, 500, "Internal error. It has been logged.")


API_APPS = [
    "directory",
    "accounts",
    "frameworks",
    "assessments",
    "planning",
    "experts",
    "consultations",
    "records",
]

for _app in API_APPS:
    try:
        _module = importlib.import_module(f"reef.{_app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"reef.{_app}.api":
            raise
        continue
    api.add_router("", _module.router)
