"""Public record API: /api/v1/records/... under the same access rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import ConfigDict

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.core.concurrency import etag_for, versioned_write
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import allowed
from reef.directory.models import Country, Organisation
from reef.records import rules, selectors, services
from reef.records.models import Briefing, Event, Publication
from reef.records.search import search as run_search

router = Router(tags=["records"])


class EventOut(Schema):
    slug: str
    title: str
    kind: str
    start_date: dt.date
    end_date: dt.date
    venue: str
    country: str | None
    tlp: str
    status: str
    summary: str
    translations: dict[str, dict[str, str]]


class EventIn(Schema):
    title: str
    start_date: dt.date
    end_date: dt.date
    kind: str = "meeting"
    owner_country: str | None = None
    owner_organisation: str | None = None
    country: str | None = None
    venue: str = ""
    summary: str = ""
    tlp: str = "TLP:AMBER"


class PublicationOut(Schema):
    slug: str
    title: str
    kind: str
    authors: str
    abstract: str
    language: str
    tlp: str
    status: str
    countries: list[str]
    published_at: dt.datetime | None
    released: bool


class PublicationIn(Schema):
    title: str
    kind: str = "report"
    owner_country: str | None = None
    owner_organisation: str | None = None
    authors: str = ""
    abstract: str = ""
    language: str = "en"
    tlp: str = "TLP:AMBER"
    countries: list[str] = []
    assessment: int | None = None


class StepIn(Schema):
    reason: str = Field("", description="return: why the publication goes back to draft.")
    summary: str = Field(
        "",
        max_length=5000,
        description="release: a public summary published to the record in the same step.",
    )
    summary_tlp: str = Field("TLP:CLEAR", description="release: the summary's label.")


class ParticipantIn(Schema):
    name: str
    sector: str
    organisation: str | None = None
    organisation_name: str = ""
    role: str = "participant"
    consent_public: bool = False


class SessionIn(Schema):
    title: str
    day: dt.date | None = None
    starts_at: dt.time | None = None
    ends_at: dt.time | None = None
    description: str = ""
    speakers: list[int] = []


class LinkIn(Schema):
    kind: str
    id: int
    title: str


class OutcomeIn(Schema):
    text: str
    links: list[LinkIn] = []


class TranslationIn(Schema):
    language: str
    title: str | None = None
    summary: str | None = None
    report: str | None = None
    abstract: str | None = None


class CreatedOut(Schema):
    id: int


class HitOut(Schema):
    kind: str
    title: str
    url: str
    snippet: str
    rank: float


class SearchOut(Schema):
    query: str
    total: int
    counts: dict[str, int]
    hits: list[HitOut]


def _event(e: Event) -> EventOut:
    return EventOut(
        slug=e.slug,
        title=e.title,
        kind=e.kind,
        start_date=e.start_date,
        end_date=e.end_date,
        venue=e.venue,
        country=e.country.code if e.country else None,
        tlp=e.tlp,
        status=e.status,
        summary=e.summary,
        translations=e.translations or {},
    )


def _publication(p: Publication) -> PublicationOut:
    return PublicationOut(
        slug=p.slug,
        title=p.title,
        kind=p.kind,
        authors=p.authors,
        abstract=p.abstract,
        language=p.language,
        tlp=p.tlp,
        status=p.status,
        countries=sorted(c.code for c in p.countries.all()),
        published_at=p.published_at,
        released=p.released_at is not None,
    )


def _country(code: str | None) -> Country | None:
    if not code:
        return None
    try:
        return Country.objects.get(code=code.upper())
    except Country.DoesNotExist:
        raise ServiceError(
            _("Unknown country %(value)s.") % {"value": repr(code)}, field="country"
        ) from None


def _organisation(request: HttpRequest, slug: str | None) -> Organisation | None:
    if not slug:
        return None
    organisation: Organisation | None = (
        Organisation.objects.for_user(request.user).filter(slug=slug).first()
    )
    if organisation is None:
        raise ServiceError(
            _("Unknown organisation %(value)s.") % {"value": repr(slug)},
            field="owner_organisation",
        )
    return organisation


@router.get("/records/events", response=list[EventOut], openapi_extra=PAGE_HEADERS)
def list_events(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[EventOut]:
    events = selectors.events_for(request.user)
    return [_event(e) for e in paginate(request, response, page, events)]


@router.get("/records/events/{slug}", response=EventOut)
def get_event(request: HttpRequest, slug: str) -> EventOut:
    return _event(selectors.event_get(request.user, slug))


@router.post("/records/events", response={201: EventOut})
def create_event(request: HttpRequest, payload: EventIn) -> Status[EventOut]:
    user = require_user(request)
    event = services.event_create(
        actor=user,
        title=payload.title,
        start_date=payload.start_date,
        end_date=payload.end_date,
        kind=payload.kind,
        owner_country=_country(payload.owner_country),
        owner_organisation=_organisation(request, payload.owner_organisation),
        country=_country(payload.country),
        venue=payload.venue,
        summary=payload.summary,
        tlp=payload.tlp,
    )
    return Status(201, _event(event))


@router.post("/records/events/{slug}/publish", response=EventOut)
def publish_event(request: HttpRequest, slug: str) -> EventOut:
    user = require_user(request)
    event = selectors.event_get(user, slug)
    return _event(services.event_publish(actor=user, event=event))


@router.post("/records/events/{slug}/participants", response={201: CreatedOut})
def add_participant(request: HttpRequest, slug: str, payload: ParticipantIn) -> Status[CreatedOut]:
    user = require_user(request)
    event = selectors.event_get(user, slug)
    participant = services.participant_add(
        actor=user,
        event=event,
        name=payload.name,
        sector=payload.sector,
        organisation=_organisation(request, payload.organisation),
        organisation_name=payload.organisation_name,
        role=payload.role,
        consent_public=payload.consent_public,
    )
    return Status(201, CreatedOut(id=participant.pk))


@router.post("/records/events/{slug}/sessions", response={201: CreatedOut})
def add_session(request: HttpRequest, slug: str, payload: SessionIn) -> Status[CreatedOut]:
    user = require_user(request)
    event = selectors.event_get(user, slug)
    speakers = list(event.participants.filter(pk__in=payload.speakers))
    if len(speakers) != len(set(payload.speakers)):
        raise ServiceError(_("Speakers must be participants of this event."), field="speakers")
    session = services.session_add(
        actor=user,
        event=event,
        title=payload.title,
        day=payload.day,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        description=payload.description,
        speakers=speakers,
    )
    return Status(201, CreatedOut(id=session.pk))


@router.post("/records/events/{slug}/outcomes", response={201: CreatedOut})
def add_outcome(request: HttpRequest, slug: str, payload: OutcomeIn) -> Status[CreatedOut]:
    user = require_user(request)
    event = selectors.event_get(user, slug)
    outcome = services.outcome_add(
        actor=user,
        event=event,
        text=payload.text,
        links=[link.model_dump() for link in payload.links],
    )
    return Status(201, CreatedOut(id=outcome.pk))


@router.post("/records/events/{slug}/files", response={201: CreatedOut})
def add_event_file(
    request: HttpRequest,
    slug: str,
    kind: Form[str],
    file: File[UploadedFile],
    title: Form[str] = "",
) -> Status[CreatedOut]:
    """Upload a presentation, photo or document (multipart). The content decides the type."""
    user = require_user(request)
    event = selectors.event_get(user, slug)
    item = services.event_file_add(actor=user, event=event, upload=file, kind=kind, title=title)
    return Status(201, CreatedOut(id=item.pk))


@router.post("/records/publications/{slug}/file", response=PublicationOut)
def attach_publication_file(
    request: HttpRequest, slug: str, file: File[UploadedFile]
) -> PublicationOut:
    user = require_user(request)
    publication = selectors.publication_get(user, slug)
    return _publication(
        services.publication_attach_file(actor=user, publication=publication, upload=file)
    )


@router.post("/records/events/{slug}/translations", response=EventOut)
def translate_event(request: HttpRequest, slug: str, payload: TranslationIn) -> EventOut:
    user = require_user(request)
    event = selectors.event_get(user, slug)
    return _event(
        services.event_set_translation(
            actor=user,
            event=event,
            language=payload.language,
            title=payload.title,
            summary=payload.summary,
            report=payload.report,
        )
    )


@router.post("/records/publications/{slug}/translations", response=PublicationOut)
def translate_publication(
    request: HttpRequest, slug: str, payload: TranslationIn
) -> PublicationOut:
    user = require_user(request)
    publication = selectors.publication_get(user, slug)
    return _publication(
        services.publication_set_translation(
            actor=user,
            publication=publication,
            language=payload.language,
            title=payload.title,
            abstract=payload.abstract,
        )
    )


@router.get("/records/publications", response=list[PublicationOut], openapi_extra=PAGE_HEADERS)
def list_publications(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[PublicationOut]:
    publications = selectors.publications_for(request.user)
    return [_publication(p) for p in paginate(request, response, page, publications)]


@router.get("/records/publications/{slug}", response=PublicationOut)
def get_publication(request: HttpRequest, slug: str) -> PublicationOut:
    return _publication(selectors.publication_get(request.user, slug))


@router.post("/records/publications", response={201: PublicationOut})
def create_publication(request: HttpRequest, payload: PublicationIn) -> Status[PublicationOut]:
    user = require_user(request)
    countries = [c for c in (_country(code) for code in payload.countries) if c is not None]
    publication = services.publication_create(
        actor=user,
        title=payload.title,
        kind=payload.kind,
        owner_country=_country(payload.owner_country),
        owner_organisation=_organisation(request, payload.owner_organisation),
        authors=payload.authors,
        abstract=payload.abstract,
        language=payload.language,
        tlp=payload.tlp,
        countries=countries,
        assessment=selectors.assessment_for(user, payload.assessment),
    )
    return Status(201, _publication(publication))


@router.post("/records/publications/{slug}/{step}", response=PublicationOut)
def publication_step(
    request: HttpRequest, slug: str, step: str, payload: StepIn | None = None
) -> PublicationOut:
    user = require_user(request)
    publication = selectors.publication_get(user, slug)
    actions: dict[str, Any] = {
        "submit": services.publication_submit,
        "publish": services.publication_publish,
    }
    if step == "release":
        result = services.publication_release(
            actor=user,
            publication=publication,
            summary=payload.summary if payload else "",
            summary_tlp=payload.summary_tlp if payload else "TLP:CLEAR",
        )
    elif step == "return":
        result = services.publication_return(
            actor=user, publication=publication, reason=payload.reason if payload else ""
        )
    elif step in actions:
        result = actions[step](actor=user, publication=publication)
    else:
        raise Http404
    return _publication(result)


# Briefings ------------------------------------------------------------------------


def _ex(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class SourceIO(Schema):
    title: str = ""
    url: str = Field(description="http:// or https:// address")


class BriefingOut(Schema):
    slug: str
    title: str
    threat: str
    summary: str
    published_on: dt.date
    sources: list[SourceIO]
    countries: list[str] = Field(description="ISO codes of the countries concerned")
    needs: list[int] = Field(description="ids of the linked needs the caller may see")
    tlp: str
    owner_country: str | None
    owner_organisation: str | None
    version: int


class BriefingIn(Schema):
    model_config = _ex(
        {
            "title": "Business e-mail compromise against small firms",
            "threat": "business e-mail compromise",
            "published_on": "2026-11-20",
            "summary": "Invoices redirected after mailbox takeovers; losses rarely reported.",
            "sources": [
                {
                    "title": "Europol IOCTA",
                    "url": "https://www.europol.europa.eu/publications-events/main-reports/iocta-report",
                }
            ],
            "countries": ["GD", "LC"],
            "needs": [12],
            "owner_country": "GD",
            "tlp": "TLP:AMBER",
        }
    )

    title: str
    threat: str = Field(description="the threat in a few words (120 characters at most)")
    published_on: dt.date
    summary: str = ""
    sources: list[SourceIO] = []
    countries: list[str] = []
    needs: list[int] = Field(default=[], description="ids of needs the caller may see")
    owner_country: str | None = None
    owner_organisation: str | None = None
    tlp: str = "TLP:AMBER"


class BriefingPatchIn(Schema):
    """The fields to change; those left out are kept. The label changes through
    /api/v1/sharing (it keeps a TLP:RED briefing's readers named)."""

    model_config = _ex(
        {"summary": "Now also seen against public bodies.", "countries": ["GD", "LC", "VC"]},
        {"sources": [{"title": "FBI IC3 PSA", "url": "https://www.ic3.gov/PSA"}]},
    )

    title: str | None = None
    threat: str | None = None
    published_on: dt.date | None = None
    summary: str | None = None
    sources: list[SourceIO] | None = None
    countries: list[str] | None = None
    needs: list[int] | None = None


class BriefingErrorOut(Schema):
    detail: str
    field: str | None = None


_BRIEFING_ERRORS: dict[int, Any] = {
    400: BriefingErrorOut,
    401: BriefingErrorOut,
    403: BriefingErrorOut,
    404: BriefingErrorOut,
}


def _briefing(user: Any, b: Briefing) -> BriefingOut:
    # A list prefetches the needs the caller may see (`visible_needs`); one briefing asks.
    prefetched = getattr(b, "visible_needs", None)
    needs = (
        sorted(n.pk for n in prefetched)
        if prefetched is not None
        else sorted(selectors.briefing_needs(user, b).values_list("pk", flat=True))
    )
    return BriefingOut(
        slug=b.slug,
        title=b.title,
        threat=b.threat,
        summary=b.summary,
        published_on=b.published_on,
        sources=[SourceIO(**s) for s in b.sources or []],
        countries=sorted(c.code for c in b.countries.all()),
        needs=needs,
        tlp=b.tlp,
        owner_country=b.owner_country.code if b.owner_country else None,
        owner_organisation=b.owner_organisation.slug if b.owner_organisation else None,
        version=b.version,
    )


def _countries(codes: list[str]) -> list[Country]:
    return [c for c in (_country(code) for code in codes) if c is not None]


def _needs(ids: list[int]) -> list[Any]:
    """Needs by id; one that does not exist is refused as one the caller may not see."""
    from reef.planning.models import Need

    found = list(Need.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ServiceError(_("A linked need was not found."), field="needs")
    return found


@router.get(
    "/records/briefings",
    response=list[BriefingOut],
    summary="Briefings you may read",
    openapi_extra=PAGE_HEADERS,
)
def list_briefings(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery], country: str = ""
) -> list[BriefingOut]:
    """Newest first; `country` (an ISO code) keeps those concerning that country."""
    from reef.planning.models import Need

    visible = Need.objects.for_user(request.user).only("pk")
    qs = (
        selectors.briefings_for(request.user)
        .select_related("owner_country", "owner_organisation")
        .prefetch_related(Prefetch("needs", queryset=visible, to_attr="visible_needs"))
    )
    if country:
        qs = qs.filter(countries__code=country.upper())
    return [_briefing(request.user, b) for b in paginate(request, response, page, qs)]


@router.get(
    "/records/briefings/{slug}",
    response={200: BriefingOut, 404: BriefingErrorOut},
    summary="One briefing, with its ETag",
)
def get_briefing(request: HttpRequest, slug: str, response: HttpResponse) -> BriefingOut:
    briefing = selectors.briefing_get(request.user, slug)
    response["ETag"] = etag_for(briefing)
    return _briefing(request.user, briefing)


@router.post(
    "/records/briefings",
    response={201: BriefingOut, **_BRIEFING_ERRORS},
    summary="Write an emerging-threat briefing",
    description="Editors of the owner (a country or an organisation) only. Sources must be "
    "http(s) addresses; needs are ids of needs the caller may see. A bad value is refused "
    "with 400 naming the field, and nothing is written.",
)
def create_briefing(request: HttpRequest, payload: BriefingIn) -> Status[BriefingOut]:
    user = require_user(request)
    briefing = services.briefing_create(
        actor=user,
        title=payload.title,
        threat=payload.threat,
        published_on=payload.published_on,
        summary=payload.summary,
        sources=[s.model_dump() for s in payload.sources],
        countries=_countries(payload.countries),
        needs=_needs(payload.needs),
        owner_country=_country(payload.owner_country),
        owner_organisation=_organisation(request, payload.owner_organisation),
        tlp=payload.tlp,
    )
    return Status(201, _briefing(user, briefing))


@router.patch(
    "/records/briefings/{slug}",
    response={200: BriefingOut, **_BRIEFING_ERRORS, 412: BriefingErrorOut, 428: BriefingErrorOut},
    summary="Change a briefing",
    description="Send `If-Match` with the ETag from GET /records/briefings/{slug}: 428 "
    "without it, 412 when the briefing changed since (nothing is written). Answers the new "
    "ETag. Editors of the owner only.",
)
def patch_briefing(
    request: HttpRequest, slug: str, payload: BriefingPatchIn, response: HttpResponse
) -> BriefingOut:
    user = require_user(request)
    briefing = selectors.briefing_get(user, slug)
    if not allowed(rules.may_update_briefing, user, briefing):
        raise PermissionDenied(_("Only editors of the owner may change this briefing."))
    given = payload.dict(exclude_unset=True)
    changes: dict[str, Any] = {
        k: v for k, v in given.items() if k not in ("sources", "countries", "needs")
    }
    if payload.sources is not None:
        changes["sources"] = [s.model_dump() for s in payload.sources]
    if payload.countries is not None:
        changes["countries"] = _countries(payload.countries)
    if payload.needs is not None:
        changes["needs"] = _needs(payload.needs)
    briefing = versioned_write(
        request,
        response,
        briefing,
        lambda version: services.briefing_update(
            actor=user, briefing=briefing, expected_version=version, **changes
        ),
    )
    return _briefing(user, briefing)


@router.get("/records/search", response=SearchOut)
def search(request: HttpRequest, q: str) -> SearchOut:
    results = run_search(request.user, q)
    return SearchOut(
        query=results.query,
        total=results.total,
        counts=results.counts,
        hits=[
            HitOut(kind=h.kind, title=h.title, url=h.url, snippet=str(h.snippet), rank=h.rank)
            for h in results.hits
        ],
    )
