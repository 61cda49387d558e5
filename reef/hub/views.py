"""The home after sign-in (one section per role) and the hub of a country (reads only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reef.core import views as core_views
from reef.core.routes import Rule, access
from reef.directory.selectors import country_get
from reef.hub import selectors


@access(Rule.PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    """Anonymous visitors get the public home; a signed-in person what waits for them."""
    if not request.user.is_authenticated:
        return core_views.home(request)
    return render(request, "hub/home.html", {"home": selectors.home_for(request.user)})


@access(Rule.PUBLIC)
def country_hub(request: HttpRequest, code: str) -> HttpResponse:
    """Every country has a hub (the directory is public); each section shows only
    the records the reader may see."""
    country = country_get(code)
    return render(
        request, "hub/country.html", {"hub": selectors.country_hub(request.user, country)}
    )
