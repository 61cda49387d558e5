from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reef.core.routes import Rule, access
from reef.directory import selectors
from reef.directory.names import by_display_name


@access(Rule.PUBLIC)
def country_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    from reef.directory.models import Country

    countries = Country.objects.all() if show_all else selectors.countries_in_region()
    return render(
        request,
        "directory/country_list.html",
        {
            "countries": by_display_name(countries),
            "groupings": selectors.groupings_with_members(),
            "show_all": show_all,
        },
    )


@access(Rule.PUBLIC)
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    country = selectors.country_get(code)
    organisations = selectors.organisations_for(request.user).filter(country=country)
    people = selectors.people_for(request.user).filter(country=country)
    return render(
        request,
        "directory/country_detail.html",
        {
            "country": country,
            "organisations": organisations,
            "people": people,
            "groupings": country.groupings.select_related("grouping"),
        },
    )


@access(Rule.PUBLIC)
def grouping_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(
        request, "directory/grouping_detail.html", {"grouping": selectors.grouping_get(slug)}
    )


@access(Rule.LABELLED)
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisations_for(request.user)
    kind = request.GET.get("kind", "")
    if kind:
        organisations = organisations.filter(kind=kind)
    template = (
        "directory/_organisation_rows.html"
        if getattr(request, "htmx", False)
        else "directory/organisation_list.html"
    )
    from reef.directory.models import OrganisationKind

    return render(
        request,
        template,
        {"organisations": organisations, "kinds": OrganisationKind.choices, "kind": kind},
    )


@access(Rule.LABELLED)
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get(request.user, slug)
    return render(
        request,
        "directory/organisation_detail.html",
        {
            "organisation": organisation,
            "people": selectors.people_for(request.user).filter(organisation=organisation),
            "consortia": selectors.organisations_for(request.user).filter(
                consortium_members=organisation
            ),
            "members": selectors.organisations_for(request.user).filter(consortia=organisation),
        },
    )
