"""The /api/v1 router: mounts the router of each app in reef/apps_list.py that has an `api.py`."""

from __future__ import annotations

import importlib
import logging
import re
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.parser import Parser

from reef.api.auth import CsrfFailed, reef_auth
from reef.api.throttle import PerMinuteThrottle
from reef.apps_list import REEF_APPS
from reef.core import safeload
from reef.core.concurrency import PreconditionFailed, PreconditionRequired
from reef.core.errors import Conflict, PermissionDenied, ServiceError

log = logging.getLogger(__name__)

# JSON bodies nested deeper than this are refused before parsing (400): deep
# nesting costs recursion in the parser and in every consumer of the data.
MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


class JsonTooDeep(Exception):
    pass


def json_depth(body: bytes) -> int:
    """Deepest nesting of arrays and objects in `body`, strings ignored, without parsing."""
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', body)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class GuardedParser(Parser):
    """The JSON parser: the bounded loader of every importer (reef/core/safeload.py).

    Over-deep bodies, too many values, NaN/Infinity and numbers like 1e999999 are refused
    before objects are built (size: DATA_UPLOAD_MAX_MEMORY_SIZE, checked by Django).
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        body = request.body
        if json_depth(body) > MAX_JSON_DEPTH:
            raise JsonTooDeep()
        limits = safeload.Limits(max_bytes=len(body) + 1, max_depth=MAX_JSON_DEPTH)
        return cast(dict[str, Any], safeload.load_json(body, limits=limits))


class VendoredSwagger(DocsBase):
    """Swagger UI from static/vendor/swagger-ui (no CDN), started by static/reef/api-docs.js.

    No inline script and only same-origin assets, so the page works under the CSP.
    """

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        url = self.get_openapi_url(api, kwargs)
        return render(
            request,
            "api/docs.html",
            {"api": api, "openapi_url": url, "swagger_settings": {"url": url, "deepLinking": True}},
        )


api = NinjaAPI(
    title="Reef API",
    version="1",
    description=(
        "The Reef JSON API. Authenticate with a personal token "
        "(`Authorization: Bearer reef_...`) or a browser session. "
        "Records you may not see answer 404. "
        "List routes are paginated with `limit` (1 to 500, default 100) and `offset`: the "
        "body is the page (a JSON array), `X-Total-Count` the rows you may see in all, and "
        'the `Link` header the `rel="next"` and `rel="prev"` pages.'
    ),
    auth=reef_auth,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=VendoredSwagger(),
    parser=GuardedParser(),
    throttle=[PerMinuteThrottle()],
)


def _error(request: HttpRequest, status: int, detail: str, **extra: object) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, _("Not found."))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, _("Authentication required or invalid credentials."))


@api.exception_handler(CsrfFailed)
def _csrf(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, _("CSRF check failed: send the X-CSRFToken header."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, exc.message)


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return _error(request, 409, exc.message)


@api.exception_handler(PreconditionRequired)
def _precondition_required(request: HttpRequest, exc: PreconditionRequired) -> HttpResponse:
    return _error(request, 428, exc.message)


@api.exception_handler(PreconditionFailed)
def _precondition_failed(request: HttpRequest, exc: PreconditionFailed) -> HttpResponse:
    return _error(request, 412, exc.message)


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 429, _("Too many requests: wait a minute and try again."))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 413, _("The request body is too large."))


@api.exception_handler(JsonTooDeep)
def _too_deep(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(
        request,
        400,
        _("The JSON body is nested too deeply (at most %(depth)s).") % {"depth": MAX_JSON_DEPTH},
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja wraps any parser error in "Cannot parse request body": say what was refused.
    cause = exc.__cause__
    if isinstance(cause, JsonTooDeep):
        return _too_deep(request, cause)
    if isinstance(cause, safeload.LoadError):
        return _error(
            request, 400, _("The JSON body was refused: %(reason)s") % {"reason": cause.message}
        )
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(ServiceError)
def _invalid(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    if exc.code == "not_found":
        return _error(request, 404, _("Not found."))
    return _error(request, 400, exc.message, field=exc.field)


@api.exception_handler(DjangoValidationError)
def _django_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _error(request, 400, " ".join(exc.messages))


@api.exception_handler(ValidationError)
def _schema_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, _("The request does not match the schema."), errors=exc.errors)


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    from django.db import DataError

    from reef.core.middleware import is_database_unavailable, unavailable_response

    if is_database_unavailable(exc):
        return unavailable_response(request, exc)
    if isinstance(exc, (ValueError, DataError)) and "NUL" in str(exc):
        # PostgreSQL refuses NUL characters in text; SQLite stores them. Either way: bad input.
        return _error(request, 400, _("Text must not contain NUL (0x00) characters."))
    log.exception("unexpected API error")
    if settings.DEBUG:
        raise exc
    return _error(request, 500, _("Internal error. It has been logged."))


# Each app's router (reef/apps_list.py says which apps have an api.py).
for _app in REEF_APPS:
    if _app.api:
        api.add_router("", importlib.import_module(f"{_app.module}.api").router)

# Sharing a labelled record of any app (reef/core/sharing.py).
from reef.core.sharing_api import router as _sharing_router  # noqa: E402

api.add_router("", _sharing_router)

# People (members, invitations, roles, accounts): its own tag, mounted here rather than
# inside the accounts router, so that each operation has one tag (Swagger UI stopped
# rendering after an operation listed under two).
from reef.accounts.people_api import router as _people_router  # noqa: E402

api.add_router("", _people_router)
