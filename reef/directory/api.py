from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.core.access import can
from reef.core.concurrency import etag_for, versioned_write
from reef.core.errors import PermissionDenied
from reef.core.roles import Action
from reef.directory import selectors, services
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
    description: str
    version: int
    consortia: list[str]


class OrganisationUpdateIn(Schema):
    description: str = Field(max_length=10_000)
    website: str = Field("", max_length=200)


class ErrorOut(Schema):
    detail: str


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
        description=o.description,
        version=o.version,
        consortia=[c.slug for c in o.consortia.all()],
    )


@router.get("/countries", response=list[CountryOut], openapi_extra=PAGE_HEADERS)
def list_countries(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery], region_only: bool = True
) -> list[CountryOut]:
    qs = selectors.countries_in_region() if region_only else Country.objects.all()
    countries = qs.prefetch_related("groupings__grouping")
    return [_country(c) for c in paginate(request, response, page, countries)]


@router.get("/countries/{code}", response=CountryOut)
def get_country(request: HttpRequest, code: str) -> CountryOut:
    return _country(selectors.country_get(code))


@router.get("/organisations", response=list[OrganisationOut], openapi_extra=PAGE_HEADERS)
def list_organisations(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[OrganisationOut]:
    qs = selectors.organisations_for(request.user).prefetch_related("consortia")
    return [_organisation(o) for o in paginate(request, response, page, qs)]


@router.get("/organisations/{slug}", response=OrganisationOut)
def get_organisation(request: HttpRequest, slug: str, response: HttpResponse) -> OrganisationOut:
    organisation = selectors.organisation_get(request.user, slug)
    response["ETag"] = etag_for(organisation)
    return _organisation(organisation)


@router.put(
    "/organisations/{slug}",
    response={200: OrganisationOut, 403: ErrorOut, 404: ErrorOut, 412: ErrorOut, 428: ErrorOut},
    summary="Update an organisation's description and website",
    description=(
        "Send `If-Match` with the ETag from GET /organisations/{slug}: "
        "428 without it, 412 when the record changed since. Answers the new ETag."
    ),
)
def update_organisation(
    request: HttpRequest, slug: str, payload: OrganisationUpdateIn, response: HttpResponse
) -> OrganisationOut:
    user = require_user(request)
    organisation = selectors.organisation_get(user, slug)
    if not can(user, organisation, Action.EDIT):
        raise PermissionDenied()
    organisation = versioned_write(
        request,
        response,
        organisation,
        lambda version: services.organisation_update(
            actor=user,
            organisation=organisation,
            description=payload.description,
            website=payload.website,
            expected_version=version,
        ),
    )
    return _organisation(organisation)
