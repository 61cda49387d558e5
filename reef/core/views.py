from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from reef.core.routes import Rule, access
from reef.directory.models import Organisation
from reef.directory.names import by_display_name
from reef.directory.selectors import countries_in_region


@access(Rule.PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home.html",
        {
            "countries": by_display_name(countries_in_region()),
            "organisations_count": Organisation.objects.for_user(request.user).count(),
        },
    )


@access(Rule.PUBLIC)
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
