"""Pages of the public record. Thin: reads through selectors, writes through services."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reef.accounts.models import User
from reef.accounts.roles import Action
from reef.assessments import selectors as assessment_selectors
from reef.core.access import scope_for
from reef.core.concurrency import render_conflict
from reef.core.routes import Rule, access
from reef.core.rules import Rule as WriteRule
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.core.tlp import TLP
from reef.directory.selectors import owner_choices, owner_from_choice
from reef.records import feeds, ical, opendata, selectors, services
from reef.records import rules as R
from reef.records.forms import (
    BriefingEditForm,
    BriefingForm,
    EventFileForm,
    EventForm,
    EventTranslationForm,
    PublicationFileForm,
    PublicationForm,
    SearchForm,
    WorkflowForm,
    sources_to_text,
)
from reef.records.models import Briefing, Event, Publication
from reef.records.search import search as run_search

PAGE_SIZE = 25
REGIONAL_BRIEFINGS = 10


def actor_of(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise Http404
    return user


def _may_create(user: Any, rule: WriteRule, model: type[Any]) -> bool:
    """Whether `user` may create a `model` for at least one owner: the create rule asked
    for each country and organisation the user edits for, as the form would offer them
    (unsaved records carrying only the owner's id: no query per owner)."""
    if not user.is_authenticated:
        return False
    scope = scope_for(user)
    candidates = [model(owner_country_id=pk) for pk in scope.country_ids(Action.EDIT)] + [
        model(owner_organisation_id=pk) for pk in scope.organisation_ids(Action.EDIT)
    ]
    return any(allowed(rule, user, candidate) for candidate in candidates)


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _download(stored: Any, content_type: str, filename: str) -> FileResponse:
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# Index, events --------------------------------------------------------------------


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


@access(Rule.LABELLED)
def event_list(request: HttpRequest) -> HttpResponse:
    events = selectors.events_for(request.user)
    when = request.GET.get("when", "")
    today = timezone.localdate()
    if when == "upcoming":
        events = events.filter(end_date__gte=today).order_by("start_date")
    elif when == "past":
        events = events.filter(end_date__lt=today)
    return render(
        request,
        "records/event_list.html",
        {
            "page": _page(request, events),
            "when": when,
            "may_create": _may_create(request.user, R.may_create_event, Event),
        },
    )


@access(Rule.LABELLED)
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get(request.user, slug)
    user = request.user
    return render(
        request,
        "records/event_detail.html",
        {
            "event": event,
            "hosts": selectors.event_hosts(user, event),
            "sessions": selectors.sessions_of(user, event),
            "participants": selectors.participants_shown(user, event),
            "by_sector": selectors.participants_by_sector(user, event),
            "files": event.files.filter(session=None),
            "outcomes": selectors.outcomes_with_links(user, event),
            "publications": selectors.publications_for(user).filter(events=event),
            # Each button shows only when its rule allows it (the services ask the same).
            "may_edit": allowed(R.may_update_event, user, event),
            "may_manage": allowed(R.may_publish_event, user, event),
        },
    )


@access(Rule.LABELLED)
def event_file(request: HttpRequest, slug: str, uid: str) -> FileResponse:
    item = selectors.event_file_get(request.user, slug, uid)
    return _download(item.file, item.content_type, item.original_name)


@access(Rule.SERVICE)
def event_upload(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get(request.user, slug)
    if not allowed(R.may_add_event_file, request.user, event):
        raise DjangoPermissionDenied(_("Only editors of the owner may add files."))
    form = EventFileForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            request,
            lambda: services.event_file_add(
                actor=actor_of(request),
                event=event,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
            ),
            _("The file was added."),
            form=form,
        )
    ):
        return redirect(event.get_absolute_url())
    return render(request, "records/upload.html", {"form": form, "target": event})


@access(Rule.SERVICE)
def event_translate(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get(request.user, slug)
    if not allowed(R.may_translate_event, request.user, event):
        raise DjangoPermissionDenied(_("Only editors of the owner may translate this event."))
    language = request.GET.get("language", "es")
    initial = {"language": language, **(event.translations or {}).get(language, {})}
    form = EventTranslationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            request,
            lambda: services.event_set_translation(
                actor=actor_of(request),
                event=event,
                language=data["language"],
                title=data["title"],
                summary=data["summary"],
                report=data["report"],
            ),
            _("The translation is saved."),
            form=form,
        ):
            return redirect(event.get_absolute_url())
    return render(request, "records/translate.html", {"form": form, "target": event})


@access(Rule.SERVICE)
@require_POST
def event_publish(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get(request.user, slug)
    call_service(
        request,
        lambda: services.event_publish(actor=actor_of(request), event=event),
        _("The event is published."),
    )
    return redirect(event.get_absolute_url())


@access(Rule.PUBLIC)
def events_ical(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    host = settings.REEF_SITE_URL.rstrip("/")
    entries = [
        ical.CalendarEvent(
            uid=f"reef-records-event-{e.pk}@{request.get_host()}",
            # Plain text: calendar clients may render markup in these fields.
            title=feeds.plain_text(e.display_title),
            start=e.start_date,
            end=e.end_date,
            stamp=e.updated_at or now,
            location=feeds.plain_text(
                ", ".join(x for x in (e.venue, e.country.name if e.country else "") if x)
            ),
            description=feeds.plain_text(e.display_summary),
            url=host + e.get_absolute_url(),
        )
        for e in selectors.upcoming_public_events()
    ]
    body = ical.calendar(entries, name=_("Reef: upcoming events"), prodid="-//Reef//Records//EN")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reef-events.ics"'
    return response


# Publications ---------------------------------------------------------------------


@access(Rule.LABELLED)
def publication_list(request: HttpRequest) -> HttpResponse:
    publications = selectors.publications_for(request.user)
    kind = request.GET.get("kind", "")
    if kind in Publication.Kind.values:
        publications = publications.filter(kind=kind)
    return render(
        request,
        "records/publication_list.html",
        {
            "page": _page(request, publications),
            "kinds": Publication.Kind.choices,
            "kind": kind,
            "may_create": _may_create(request.user, R.may_create_publication, Publication),
        },
    )


@access(Rule.LABELLED)
def publication_detail(request: HttpRequest, slug: str) -> HttpResponse:
    publication = selectors.publication_get(request.user, slug)
    user = request.user
    may_release = (
        publication.status == Publication.Status.REVIEW
        and publication.released_at is None
        and allowed(R.may_release, user, publication)
    )
    return render(
        request,
        "records/publication_detail.html",
        {
            "publication": publication,
            "events": selectors.public_events_of(user, publication),
            "links": selectors.visible_links(user, publication.links),
            "may_edit": allowed(R.may_update_publication, user, publication),
            "may_manage": allowed(R.may_publish_publication, user, publication),
            "may_release": may_release,
            # Shown beside a disabled release button: the review of the draft report.
            "release_blockers": (
                assessment_selectors.review_blockers(publication.assessment)
                if may_release and publication.assessment is not None
                else []
            ),
            "tlp_choices": TLP.choices,
        },
    )


@access(Rule.LABELLED)
def publication_file(request: HttpRequest, slug: str) -> FileResponse:
    publication = selectors.publication_get(request.user, slug)
    if not publication.file:
        raise Http404
    return _download(
        publication.file, publication.file_content_type, publication.file_original_name
    )


@access(Rule.SERVICE)
def publication_upload(request: HttpRequest, slug: str) -> HttpResponse:
    publication = selectors.publication_get(request.user, slug)
    if not allowed(R.may_attach_file, request.user, publication):
        raise DjangoPermissionDenied(_("Only editors of the owner may attach a file."))
    form = PublicationFileForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            request,
            lambda: services.publication_attach_file(
                actor=actor_of(request), publication=publication, upload=form.cleaned_data["file"]
            ),
            _("The file was attached."),
            form=form,
        )
    ):
        return redirect(publication.get_absolute_url())
    return render(request, "records/upload.html", {"form": form, "target": publication})


@access(Rule.SERVICE)
@require_POST
def publication_workflow(request: HttpRequest, slug: str) -> HttpResponse:
    publication = selectors.publication_get(request.user, slug)
    form = WorkflowForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown step."))
        return redirect(publication.get_absolute_url())
    actor = actor_of(request)
    step = form.cleaned_data["action"]
    write: Callable[[], object]
    if step == "submit":
        write = partial(services.publication_submit, actor=actor, publication=publication)
    elif step == "return":
        write = partial(
            services.publication_return,
            actor=actor,
            publication=publication,
            reason=form.cleaned_data["reason"],
        )
    elif step == "release":
        write = partial(
            services.publication_release,
            actor=actor,
            publication=publication,
            summary=form.cleaned_data["summary"],
            summary_tlp=form.cleaned_data["summary_tlp"] or TLP.CLEAR,
        )
    else:
        write = partial(services.publication_publish, actor=actor, publication=publication)
    call_service(request, write, _("Done."))
    return redirect(publication.get_absolute_url())


# Briefings ------------------------------------------------------------------------


@access(Rule.LABELLED)
def briefing_list(request: HttpRequest) -> HttpResponse:
    briefings = selectors.briefings_for(request.user)
    code = request.GET.get("country", "").upper()
    if code:
        briefings = briefings.filter(countries__code=code)
    return render(
        request,
        "records/briefing_list.html",
        {
            "page": _page(request, briefings),
            "country": code,
            "may_create": _may_create(request.user, R.may_create_briefing, Briefing),
        },
    )


@access(Rule.LABELLED)
def briefing_detail(request: HttpRequest, slug: str) -> HttpResponse:
    briefing = selectors.briefing_get(request.user, slug)
    user = request.user
    return render(
        request,
        "records/briefing_detail.html",
        {
            "briefing": briefing,
            "needs": selectors.briefing_needs(user, briefing),
            "may_edit": allowed(R.may_update_briefing, user, briefing),
        },
    )


@access(Rule.SIGNED_IN)
@login_required
def briefing_create(request: HttpRequest) -> HttpResponse:
    owners = owner_choices(request.user)
    if not owners:
        raise DjangoPermissionDenied(_("You are an editor of no country or organisation."))
    form = BriefingForm(
        request.POST or None,
        owners=owners,
        need_choices=selectors.need_choices(request.user),
        initial={"published_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        owner_country, owner_organisation = owner_from_choice(d["owner"])
        done = call_service(
            request,
            lambda: services.briefing_create(
                actor=actor_of(request),
                title=d["title"],
                threat=d["threat"],
                published_on=d["published_on"],
                summary=d["summary"],
                sources=d["sources"],
                countries=d["countries"],
                needs=_needs(request, d["needs"]),
                tlp=d["tlp"],
                owner_country=owner_country,
                owner_organisation=owner_organisation,
            ),
            _("The briefing is saved."),
            form=form,
        )
        if done.result is not None:
            return redirect(done.result.get_absolute_url())
    return render(request, "records/briefing_form.html", {"form": form})


def _needs(request: HttpRequest, ids: list[str]) -> list[Any]:
    """The chosen needs, among those the user may see (the service checks again)."""
    from reef.planning.selectors import needs_for

    return list(needs_for(request.user).filter(pk__in=[int(i) for i in ids]))


_BRIEFING_FIELDS = ["title", "threat", "published_on", "summary", "sources"]


@access(Rule.SERVICE)
@login_required
def briefing_edit(request: HttpRequest, slug: str) -> HttpResponse:
    briefing = selectors.briefing_get(request.user, slug)
    if not allowed(R.may_update_briefing, request.user, briefing):
        raise DjangoPermissionDenied(_("Only editors of the owner may change this briefing."))
    initial = {
        "title": briefing.title,
        "threat": briefing.threat,
        "published_on": briefing.published_on,
        "summary": briefing.summary,
        "sources": sources_to_text(briefing.sources),
        "countries": list(briefing.countries.all()),
        "needs": [str(pk) for pk in briefing.needs.values_list("pk", flat=True)],
        "version": briefing.version,
    }
    choices = selectors.need_choices(request.user)
    form = BriefingEditForm(request.POST or None, initial=initial, need_choices=choices)
    context: dict[str, Any] = {"briefing": briefing}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            done = call_service(
                request,
                lambda: services.briefing_update(
                    actor=actor_of(request),
                    briefing=briefing,
                    expected_version=d["version"],
                    title=d["title"],
                    threat=d["threat"],
                    published_on=d["published_on"],
                    summary=d["summary"],
                    sources=d["sources"],
                    countries=d["countries"],
                    needs=_needs(request, d["needs"]),
                ),
                _("The briefing is saved."),
                form=form,
            )
            if done:
                return redirect(briefing.get_absolute_url())
            if done.code == "conflict":
                fresh = Briefing.objects.get(pk=briefing.pk)
                data = request.POST.copy()
                data["version"] = str(fresh.version)
                return render_conflict(
                    request,
                    current=fresh,
                    yours={k: d.get(k) for k in _BRIEFING_FIELDS},
                    fields=_BRIEFING_FIELDS,
                    template="records/briefing_form.html",
                    context={
                        **context,
                        "form": BriefingEditForm(data, need_choices=choices),
                        "conflict": True,
                    },
                )
    return render(request, "records/briefing_form.html", {**context, "form": form}, status=status)


# Countries and the regional picture -----------------------------------------------


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


# Feeds ----------------------------------------------------------------------------

feed = access(Rule.PUBLIC)(feeds.RecordFeed())


# Search ---------------------------------------------------------------------------


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


# Open data ------------------------------------------------------------------------


@access(Rule.PUBLIC)
def data_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "records/data.html",
        {
            "datasets": opendata.DATASETS.values(),
            "licence": opendata.licence(),
            "snapshots": selectors.snapshots()[:60],
        },
    )


def _json(payload: str, filename: str = "") -> HttpResponse:
    response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@access(Rule.PUBLIC)
def data_dictionary_json(request: HttpRequest) -> HttpResponse:
    return _json(json.dumps(opendata.dictionary(), ensure_ascii=False, indent=1))


def _data_response(dataset: str, fmt: str, csv_text: str, json_text: str, tag: str) -> HttpResponse:
    filename = f"reef-{dataset}{tag}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(csv_text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Access-Control-Allow-Origin"] = "*"
        return response
    return _json(json_text, filename)


@access(Rule.PUBLIC)
def data_download(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    if dataset not in opendata.DATASETS or fmt not in opendata.FORMATS:
        raise Http404
    rows = opendata.rows(dataset)
    return _data_response(
        dataset,
        fmt,
        opendata.to_csv(dataset, rows) if fmt == "csv" else "",
        opendata.to_json(dataset, rows) if fmt == "json" else "",
        "",
    )


@access(Rule.PUBLIC)
def snapshot_download(request: HttpRequest, date: str, dataset: str, fmt: str) -> HttpResponse:
    if fmt not in opendata.FORMATS:
        raise Http404
    snap = selectors.snapshot_get(dataset, date)
    return _data_response(dataset, fmt, snap.csv, snap.json, f"-{snap.date.isoformat()}")


def _create(
    request: HttpRequest,
    form_class: type[Any],
    template: str,
    make: Any,
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """A create page for editors: the owner is chosen among the user's own."""
    owners = owner_choices(request.user)
    if not owners:
        raise DjangoPermissionDenied(_("You are an editor of no country or organisation."))
    form = form_class(request.POST or None, owners=owners, initial=initial or {})
    if request.method == "POST" and form.is_valid():
        owner_country, owner_organisation = owner_from_choice(form.cleaned_data["owner"])
        done = call_service(
            request,
            lambda: make(form.cleaned_data, owner_country, owner_organisation),
            _("Saved as a draft."),
            form=form,
        )
        if done.result is not None:
            return redirect(done.result.get_absolute_url())
    return render(request, template, {"form": form})


@access(Rule.SIGNED_IN)
@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    def make(data: dict[str, Any], country: Any, organisation: Any) -> Any:
        return services.event_create(
            actor=actor_of(request),
            title=data["title"],
            kind=data["kind"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            country=data["country"],
            venue=data["venue"],
            summary=data["summary"],
            tlp=data["tlp"],
            owner_country=country,
            owner_organisation=organisation,
        )

    return _create(request, EventForm, "records/event_form.html", make)


@access(Rule.SIGNED_IN)
@login_required
def publication_create(request: HttpRequest) -> HttpResponse:
    def make(data: dict[str, Any], country: Any, organisation: Any) -> Any:
        return services.publication_create(
            actor=actor_of(request),
            title=data["title"],
            kind=data["kind"],
            authors=data["authors"],
            abstract=data["abstract"],
            language=data["language"],
            tlp=data["tlp"],
            owner_country=country,
            owner_organisation=organisation,
            assessment=selectors.assessment_for(request.user, data.get("assessment")),
        )

    return _create(
        request,
        PublicationForm,
        "records/publication_form.html",
        make,
        initial=_report_initial(request),
    )


def _report_initial(request: HttpRequest) -> dict[str, Any]:
    """The report of an assessment (`?assessment=<id>`, from its page): a needs assessment
    report naming it, owned by the assessed country. An assessment the user may not see
    fills nothing."""
    raw = request.GET.get("assessment", "")
    if not raw.isdigit():
        return {}
    from reef.assessments.models import Assessment

    found = Assessment.objects.for_user(request.user).filter(pk=int(raw)).first()
    if found is None:
        return {}
    return {
        "kind": Publication.Kind.ASSESSMENT_REPORT,
        "assessment": found.pk,
        "owner": f"country:{found.country.code}",
        "title": found.title,
        "tlp": found.tlp,
    }
