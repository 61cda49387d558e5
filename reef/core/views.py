from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
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


@access(Rule.PUBLIC)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the SVG.

    Temporary (302), since the static file's hashed name changes between releases.
    """
    return HttpResponseRedirect(static("reef/favicon.svg"))
