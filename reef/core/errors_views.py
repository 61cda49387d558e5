"""Generic error pages: never a trace, never a hint of what exists."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def _page(request: HttpRequest, status: int, template: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(
        render_to_string(template, request=request),
        status=status,
        content_type="text/html; charset=utf-8",
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404, "404.html", _("Not found."))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, "403.html", _("Forbidden."))


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        render_to_string("500.html"), status=500, content_type="text/html; charset=utf-8"
    )
