"""Events and what is inside one: participants, agenda sessions, outcomes and files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.records import rules as R
from reef.records import uploads
from reef.records.models import Event, EventFile, Outcome, Participant, Sector, Session
from reef.records.services.common import (
    Upload,
    _apply_changes,
    _check_links,
    _check_owner,
    _check_tlp,
    _require,
    _set_translation,
    _store,
    _unique_slug,
)


@transaction.atomic
def event_create(
    *,
    actor: Actor,
    title: str,
    start_date: dt.date,
    end_date: dt.date,
    kind: str = Event.Kind.MEETING,
    owner_country: Country | None = None,
    owner_organisation: Organisation | None = None,
    country: Country | None = None,
    venue: str = "",
    summary: str = "",
    report: str = "",
    hosts: Iterable[Organisation] = (),
    tlp: str = TLP.AMBER,
    slug: str = "",
) -> Event:
    title = title.strip()
    if not title:
        raise ServiceError(_("An event needs a title."), field="title")
    if kind not in Event.Kind.values:
        raise ServiceError(_("Unknown kind of event %(value)s.") % {"value": kind}, field="kind")
    if end_date < start_date:
        raise ServiceError(_("The event cannot end before it starts."), field="end_date")
    _check_tlp(tlp)
    _check_owner(R.may_create_event, actor, Event(), owner_country, owner_organisation)
    event: Event = Event.objects.create(
        slug=_unique_slug(Event, slug, title),
        title=title,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        country=country,
        venue=venue.strip(),
        summary=summary,
        report=report,
        tlp=tlp,
        owner_country=owner_country,
        owner_organisation=owner_organisation,
    )
    event.hosts.set(list(hosts))
    audit_append(action="event_create", actor=actor, obj=event)
    return event


@transaction.atomic
def event_update(
    *,
    actor: Actor,
    event: Event,
    expected_version: int | None = None,
    title: str | None = None,
    summary: str | None = None,
    report: str | None = None,
    venue: str | None = None,
    tlp: str | None = None,
) -> Event:
    _require(
        R.may_update_event, actor, event, _("Only editors of the owner may change this event.")
    )
    event = Event.objects.select_for_update().get(pk=event.pk)
    _apply_changes(
        event,
        expected_version=expected_version,
        title=title,
        untitled=_("An event needs a title."),
        tlp=tlp,
        values={"summary": summary, "report": report, "venue": venue},
    )
    for model in (Participant, Session, EventFile, Outcome):
        model.objects.filter(event=event).update(
            tlp=event.tlp,
            owner_country_id=event.owner_country_id,
            owner_organisation_id=event.owner_organisation_id,
        )
    audit_append(action="event_update", actor=actor, obj=event)
    return event


@transaction.atomic
def event_publish(*, actor: Actor, event: Event) -> Event:
    _require(
        R.may_publish_event, actor, event, _("Only managers of the owner may publish this event.")
    )
    if event.status == Event.Status.PUBLISHED:
        raise ServiceError(_("The event is already published."), field="status")
    event.status = Event.Status.PUBLISHED
    event.published_at = timezone.now()
    event.version += 1
    event.save(update_fields=["status", "published_at", "version", "updated_at"])
    audit_append(action="event_publish", actor=actor, obj=event)
    return event


@transaction.atomic
def event_set_translation(
    *,
    actor: Actor,
    event: Event,
    language: str,
    title: str | None = None,
    summary: str | None = None,
    report: str | None = None,
) -> Event:
    _require(
        R.may_translate_event,
        actor,
        event,
        _("Only editors of the owner may translate this event."),
    )
    _set_translation(event, language, {"title": title, "summary": summary, "report": report})
    audit_append(action="event_set_translation", actor=actor, obj=event, detail={"lang": language})
    return event


@transaction.atomic
def participant_add(
    *,
    actor: Actor,
    event: Event,
    name: str,
    sector: str,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    role: str = Participant.Role.PARTICIPANT,
    consent_public: bool = False,
) -> Participant:
    _require(
        R.may_add_participant, actor, event, _("Only editors of the owner may add participants.")
    )
    if not name.strip():
        raise ServiceError(_("A participant needs a name."), field="name")
    if sector not in Sector.values:
        raise ServiceError(_("Unknown sector %(value)s.") % {"value": sector}, field="sector")
    if role not in Participant.Role.values:
        raise ServiceError(_("Unknown role %(value)s.") % {"value": role}, field="role")
    participant = Participant(
        event=event,
        name=name.strip(),
        sector=sector,
        organisation=organisation,
        organisation_name=organisation_name.strip(),
        role=role,
        consent_public=consent_public,
        consent_at=timezone.now() if consent_public else None,
    )
    participant.copy_label(event)
    participant.save()
    audit_append(action="participant_add", actor=actor, obj=participant)
    return participant


@transaction.atomic
def participant_set_consent(
    *, actor: Actor, participant: Participant, consent_public: bool
) -> Participant:
    _require(
        R.may_record_consent,
        actor,
        participant,
        _("Only editors of the owner may record consent."),
        seen=participant.event,
    )
    participant.consent_public = consent_public
    participant.consent_at = timezone.now() if consent_public else None
    participant.save(update_fields=["consent_public", "consent_at", "updated_at"])
    audit_append(
        action="participant_set_consent",
        actor=actor,
        obj=participant,
        detail={"consent": consent_public},
    )
    return participant


@transaction.atomic
def session_add(
    *,
    actor: Actor,
    event: Event,
    title: str,
    day: dt.date | None = None,
    starts_at: dt.time | None = None,
    ends_at: dt.time | None = None,
    description: str = "",
    speakers: Iterable[Participant] = (),
) -> Session:
    _require(R.may_add_session, actor, event, _("Only editors of the owner may change the agenda."))
    if not title.strip():
        raise ServiceError(_("A session needs a title."), field="title")
    if day is not None and not (event.start_date <= day <= event.end_date):
        raise ServiceError(_("The session's day is outside the event's dates."), field="day")
    if starts_at and ends_at and ends_at < starts_at:
        raise ServiceError(_("The session cannot end before it starts."), field="ends_at")
    speakers = list(speakers)
    if any(s.event_id != event.pk for s in speakers):
        raise ServiceError(_("Speakers must be participants of this event."), field="speakers")
    session = Session(
        event=event,
        title=title.strip(),
        day=day,
        starts_at=starts_at,
        ends_at=ends_at,
        description=description,
        position=event.sessions.count() + 1,
    )
    session.copy_label(event)
    session.save()
    session.speakers.set(speakers)
    audit_append(action="session_add", actor=actor, obj=session)
    return session


@transaction.atomic
def outcome_add(
    *,
    actor: Actor,
    event: Event,
    text: str,
    links: Iterable[dict[str, Any]] = (),
) -> Outcome:
    _require(R.may_add_outcome, actor, event, _("Only editors of the owner may record outcomes."))
    if not text.strip():
        raise ServiceError(_("An outcome needs a text."), field="text")
    outcome = Outcome(
        event=event,
        text=text.strip(),
        links=_check_links(links),
        position=event.outcomes.count() + 1,
    )
    outcome.copy_label(event)
    outcome.save()
    audit_append(action="outcome_add", actor=actor, obj=outcome)
    return outcome


@transaction.atomic
def event_file_add(
    *,
    actor: Actor,
    event: Event,
    upload: Upload,
    kind: str,
    title: str = "",
    session: Session | None = None,
) -> EventFile:
    _require(R.may_add_event_file, actor, event, _("Only editors of the owner may add files."))
    if kind not in EventFile.Kind.values:
        raise ServiceError(_("Unknown kind of file %(value)s.") % {"value": kind}, field="kind")
    if session is not None and session.event_id != event.pk:
        raise ServiceError(_("The session is not part of this event."), field="session")
    allowed = uploads.IMAGES if kind == EventFile.Kind.PHOTO else uploads.DOCUMENTS
    checked, stored, size = _store(upload, allowed)
    item = EventFile(
        event=event,
        session=session,
        kind=kind,
        title=(title.strip() or checked.safe_name)[:300],
        content_type=checked.content_type,
        size=size,
        original_name=checked.safe_name,
    )
    item.copy_label(event)
    item.file.save(str(stored.name), stored, save=False)
    item.save()
    audit_append(
        action="event_file_add",
        actor=actor,
        obj=item,
        detail={"type": checked.content_type, "size": size},
    )
    return item
