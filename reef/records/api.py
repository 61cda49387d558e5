"""Public record API: /api/v1/records/... under the same access rules as the pages.

The endpoints of events, publications, briefings and search; what they accept and
answer is in api_schemas.py. (The endpoints stay in this one module: the OpenAPI
operation ids are made of the module and the function names.)"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.core.concurrency import etag_for, versioned_write
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import allowed
from reef.directory.models import Country, Organisation
from reef.records import rules, selectors, services
from reef.records.api_schemas import (
    BRIEFING_ERRORS,
    BriefingErrorOut,
    BriefingIn,
    BriefingOut,
    BriefingPatchIn,
    CreatedOut,
    EventIn,
    EventOut,
    HitOut,
    OutcomeIn,
    ParticipantIn,
    PublicationIn,
    PublicationOut,
    SearchOut,
    SessionIn,
    StepIn,
    TranslationIn,
    briefing_out,
    event_out,
    publication_out,
)
from reef.records.search import search as run_search

router = Router(tags=["records"])


def _country(code: str | None) -> Country | None:
    if not code:
        return None
    try:
        return Country.objects.get(code=code.upper())
    except Country.DoesNotExist:
        raise ServiceError(
            _("Unknown country %(value)s.") % {"value": repr(code)}, field="country"
        ) from None


def _countries(codes: list[str]) -> list[Country]:
    return [c for c in (_country(code) for code in codes) if c is not None]


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


# Events ---------------------------------------------------------------------------
# (with a publication's file and translations: their paths go before its /{step})


@router.get("/records/events", response=list[EventOut], openapi_extra=PAGE_HEADERS)
def list_events(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[EventOut]:
    events = selectors.events_for(request.user)
    return [event_out(e) for e in paginate(request, response, page, events)]


@router.get("/records/events/{slug}", response=EventOut)
def get_event(request: HttpRequest, slug: str) -> EventOut:
    return event_out(selectors.event_get(request.user, slug))


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
    return Status(201, event_out(event))


@router.post("/records/events/{slug}/publish", response=EventOut)
def publish_event(request: HttpRequest, slug: str) -> EventOut:
    user = require_user(request)
    event = selectors.event_get(user, slug)
    return event_out(services.event_publish(actor=user, event=event))


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
    return publication_out(
        services.publication_attach_file(actor=user, publication=publication, upload=file)
    )


@router.post("/records/events/{slug}/translations", response=EventOut)
def translate_event(request: HttpRequest, slug: str, payload: TranslationIn) -> EventOut:
    user = require_user(request)
    event = selectors.event_get(user, slug)
    return event_out(
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
    return publication_out(
        services.publication_set_translation(
            actor=user,
            publication=publication,
            language=payload.language,
            title=payload.title,
            abstract=payload.abstract,
        )
    )


# Publications ---------------------------------------------------------------------


@router.get("/records/publications", response=list[PublicationOut], openapi_extra=PAGE_HEADERS)
def list_publications(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[PublicationOut]:
    publications = selectors.publications_for(request.user)
    return [publication_out(p) for p in paginate(request, response, page, publications)]


@router.get("/records/publications/{slug}", response=PublicationOut)
def get_publication(request: HttpRequest, slug: str) -> PublicationOut:
    return publication_out(selectors.publication_get(request.user, slug))


@router.post("/records/publications", response={201: PublicationOut})
def create_publication(request: HttpRequest, payload: PublicationIn) -> Status[PublicationOut]:
    user = require_user(request)
    countries = _countries(payload.countries)
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
    return Status(201, publication_out(publication))


@router.post("/records/publications/{slug}/{step}", response=PublicationOut)
def publication_step(
    request: HttpRequest, slug: str, step: str, payload: StepIn | None = None
) -> PublicationOut:
    user = require_user(request)
    publication = selectors.publication_get(user, slug)
    if step not in services.PUBLICATION_STEPS:
        raise Http404
    return publication_out(
        services.publication_step(
            actor=user,
            publication=publication,
            step=step,
            reason=payload.reason if payload else "",
            summary=payload.summary if payload else "",
            summary_tlp=payload.summary_tlp if payload else "TLP:CLEAR",
        )
    )


# Briefings ------------------------------------------------------------------------


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
    return [briefing_out(request.user, b) for b in paginate(request, response, page, qs)]


@router.get(
    "/records/briefings/{slug}",
    response={200: BriefingOut, 404: BriefingErrorOut},
    summary="One briefing, with its ETag",
)
def get_briefing(request: HttpRequest, slug: str, response: HttpResponse) -> BriefingOut:
    briefing = selectors.briefing_get(request.user, slug)
    response["ETag"] = etag_for(briefing)
    return briefing_out(request.user, briefing)


@router.post(
    "/records/briefings",
    response={201: BriefingOut, **BRIEFING_ERRORS},
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
    return Status(201, briefing_out(user, briefing))


@router.patch(
    "/records/briefings/{slug}",
    response={200: BriefingOut, **BRIEFING_ERRORS, 412: BriefingErrorOut, 428: BriefingErrorOut},
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
    return briefing_out(user, briefing)


# Search ---------------------------------------------------------------------------


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
