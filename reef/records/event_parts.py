"""Pages where an event's editors add agenda sessions, participants and outcomes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.records import selectors, services
from reef.records.forms import OutcomeForm, ParticipantForm, SessionForm
from reef.records.models import Event
from reef.records.rules import may_update_event
from reef.records.views.common import actor_of


def _editable_event(request: HttpRequest, slug: str) -> Event:
    """The event if the user may edit it; 404 if hidden, 403 if only readable."""
    event = selectors.event_get(request.user, slug)
    if not allowed(may_update_event, request.user, event):
        raise DjangoPermissionDenied(_("Only editors of the owner may change this event."))
    return event


def _handle(
    request: HttpRequest,
    event: Event,
    form: forms.Form,
    save: Callable[[dict[str, Any]], object],
    heading: str,
    done: str,
) -> HttpResponse:
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(request, lambda: save(form.cleaned_data), done, form=form)
    ):
        return redirect(event.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "records/event_part_form.html",
        {"form": form, "target": event, "heading": heading},
        status=status,
    )


@access(Rule.SERVICE)
def session_add(request: HttpRequest, slug: str) -> HttpResponse:
    event = _editable_event(request, slug)
    form = SessionForm(request.POST or None, event=event)

    def save(data: dict[str, Any]) -> object:
        return services.session_add(
            actor=actor_of(request),
            event=event,
            title=data["title"],
            day=data["day"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            description=data["description"],
            speakers=data["speakers"],
        )

    return _handle(
        request, event, form, save, _("Add a session to the agenda"), _("The session was added.")
    )


@access(Rule.SERVICE)
def participant_add(request: HttpRequest, slug: str) -> HttpResponse:
    event = _editable_event(request, slug)
    form = ParticipantForm(request.POST or None)

    def save(data: dict[str, Any]) -> object:
        return services.participant_add(
            actor=actor_of(request),
            event=event,
            name=data["name"],
            sector=data["sector"],
            organisation=data["organisation"],
            organisation_name=data["organisation_name"],
            role=data["role"],
            consent_public=data["consent_public"],
        )

    return _handle(
        request, event, form, save, _("Add a participant"), _("The participant was added.")
    )


@access(Rule.SERVICE)
def outcome_add(request: HttpRequest, slug: str) -> HttpResponse:
    event = _editable_event(request, slug)
    choices = selectors.outcome_link_choices(request.user, event)
    form = OutcomeForm(request.POST or None, choices=choices)

    def save(data: dict[str, Any]) -> object:
        titles = {field: dict(options) for field, options in choices.items()}
        links = [
            {"kind": kind, "id": int(pk), "title": titles[field][pk]}
            for field, kind in selectors.OUTCOME_LINK_FIELDS.items()
            for pk in data[field]
        ]
        return services.outcome_add(
            actor=actor_of(request),
            event=event,
            text=data["text"],
            links=links,
        )

    return _handle(
        request, event, form, save, _("Record an outcome"), _("The outcome was recorded.")
    )
