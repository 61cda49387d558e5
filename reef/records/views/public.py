"""The record's front pages: the index, the regional picture, a country's public record,
the Atom feeds and search."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reef.core.routes import Rule, access
from reef.records import feeds, selectors
from reef.records.forms import SearchForm
from reef.records.search import search as run_search

REGIONAL_BRIEFINGS = 10


@access(Rule.PUBLIC)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "records/index.html",
        {
            "upcoming": selectors.upcoming_public_events()[:5],
            "events": selectors.events_for(request.user)[:6],
            "publications": selectors.publications_for(request.user)[:6],
            "briefings": selectors.briefings_for(request.user)[:6],
            "search_form": SearchForm(),
        },
    )


@access(Rule.PUBLIC)
def regional(request: HttpRequest) -> HttpResponse:
    rows = selectors.regional_picture()
    return render(
        request,
        "records/regional.html",
        {
            "rows": rows,
            "total_events": sum(r["events"] for r in rows),
            "total_publications": sum(r["publications"] for r in rows),
            "total_plans": sum(r["plans"] for r in rows),
            # What this reader may see: the public ones for everyone, more for members.
            "briefings": selectors.briefings_for(request.user)[:REGIONAL_BRIEFINGS],
        },
    )


@access(Rule.PUBLIC)
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    country = selectors.country_get(code)
    return render(
        request,
        "records/country_detail.html",
        {"country": country, **selectors.public_record_of_country(country)},
    )


feed = access(Rule.PUBLIC)(feeds.RecordFeed())


@access(Rule.LABELLED)
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        results = run_search(request.user, form.cleaned_data["q"])
    template = (
        "records/_search_results.html" if getattr(request, "htmx", False) else "records/search.html"
    )
    return render(request, template, {"form": form, "results": results})
