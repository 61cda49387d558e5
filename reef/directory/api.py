from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from reef.directory import selectors
from reef.directory.models import Country, Organisation

router = Router(tags=["directory"])


class CountryOut(Schema):
    code: str
    alpha3: str
    name: str
    groupings: list[str]


class OrganisationOut(Schema):
    slug: str
    name: str
    acronym: str
    kind: str
    country: str | None
    tlp: str
    website: str
    consortia: list[str]


def _country(c: Country) -> CountryOut:
    return CountryOut(
        code=c.code,
        alpha3=c.alpha3,
        name=c.name,
        groupings=[m.grouping.slug for m in c.groupings.all()],
    )


def _organisation(o: Organisation) -> OrganisationOut:
    return OrganisationOut(
        slug=o.slug,
        name=o.name,
        acronym=o.acronym,
        kind=o.kind,
        country=o.country.code if o.country else None,
        tlp=o.tlp,
        website=o.website,
        consortia=[c.slug for c in o.consortia.all()],
    )


@router.get("/countries", response=list[CountryOut])
def list_countries(request: HttpRequest, region_only: bool = True) -> list[CountryOut]:
    qs = selectors.countries_in_region() if region_only else Country.objects.all()
    return [_country(c) for c in qs.prefetch_related("groupings__grouping")]


@router.get("/countries/{code}", response=CountryOut)
def get_country(request: HttpRequest, code: str) -> CountryOut:
    return _country(selectors.country_get(code))


@router.get("/organisations", response=list[OrganisationOut])
def list_organisations(request: HttpRequest) -> list[OrganisationOut]:
    qs = selectors.organisations_for(request.user).prefetch_related("consortia")
    return [_organisation(o) for o in qs]


@router.get("/organisations/{slug}", response=OrganisationOut)
def get_organisation(request: HttpRequest, slug: str) -> OrganisationOut:
    return _organisation(selectors.organisation_get(request.user, slug))
