"""Event pages: the list, one event, its files, translation, publishing, the calendar
feed and the create page (agenda, participants and outcomes: reef/records/event_parts.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.records import feeds, ical, selectors, services
from reef.records import rules as R
from reef.records.forms import EventFileForm, EventForm, EventTranslationForm
from reef.records.models import Event
from reef.records.views.common import _create, _download, _may_create, _page, _upload, actor_of


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
    return _upload(
        request,
        event,
        EventFileForm(request.POST or None, request.FILES or None),
        lambda data: services.event_file_add(
            actor=actor_of(request),
            event=event,
            upload=data["file"],
            kind=data["kind"],
            title=data["title"],
        ),
        _("The file was added."),
    )


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
