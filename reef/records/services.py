"""Every write to the public record: keyword-only, typed, transactional, audited.

Every write names its actor (a person or a named system actor) and asks the rule
in reef/records/rules.py: editors of the owner draft and submit, managers of the
owner publish, and a manager of the assessed country releases its needs
assessment report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from typing import Any, BinaryIO, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from reef.assessments import selectors as assessment_selectors
from reef.assessments.models import Assessment
from reef.core.access import can
from reef.core.audit import audit_append
from reef.core.errors import Conflict, PermissionDenied, ServiceError
from reef.core.rules import Actor, Rule, SystemActor, require, user_of
from reef.core.tlp import ORDER, TLP
from reef.directory.models import Country, Organisation
from reef.notifications.services import notify_handoff
from reef.planning.models import Need
from reef.records import opendata, uploads
from reef.records import rules as R
from reef.records.models import (
    Briefing,
    Event,
    EventFile,
    LinkKind,
    Outcome,
    Participant,
    Publication,
    Sector,
    Session,
    Snapshot,
)


class Upload(Protocol):
    """What a service needs of an uploaded file (Django's UploadedFile fits)."""

    @property
    def name(self) -> str | None: ...

    @property
    def size(self) -> int | None: ...

    def open(self, mode: str = ...) -> Any: ...


def _require(which: Rule, actor: Actor, obj: Any, message: str, *, seen: Any = None) -> None:
    """`require` with a message that says who may; "not found" where the actor may not
    even see the record (`seen`, by default `obj`)."""
    target = obj if seen is None else seen
    hidden = not isinstance(actor, SystemActor) and not can(actor, target)
    try:
        require(which, actor, obj, hidden=hidden)
    except PermissionDenied:
        raise PermissionDenied(message) from None


def _check_owner(
    which: Rule,
    actor: Actor,
    unsaved: Event | Publication | Briefing,
    owner_country: Country | None,
    owner_organisation: Organisation | None,
) -> None:
    """Before a record exists: exactly one owner, for which the actor may create it."""
    if (owner_country is None) == (owner_organisation is None):
        raise ServiceError(
            _("Give exactly one owner: a country or an organisation."), field="owner"
        )
    unsaved.owner_country, unsaved.owner_organisation = owner_country, owner_organisation
    try:
        require(which, actor, unsaved)
    except PermissionDenied:
        if owner_country is not None:
            raise PermissionDenied(
                _("Only editors of the owning country may create this record.")
            ) from None
        raise PermissionDenied(
            _("Only editors of the owning organisation may create this record.")
        ) from None


def _check_tlp(tlp: str) -> None:
    if tlp not in TLP.values:
        raise ServiceError(_("Unknown TLP label %(value)s.") % {"value": tlp}, field="tlp")


def _unique_slug(
    model: type[Event] | type[Publication] | type[Briefing], wanted: str, title: str
) -> str:
    slug = slugify(wanted or title)[:70]
    if not slug:
        raise ServiceError(_("A title is needed to make a short name."), field="slug")
    if wanted and model.objects.filter(slug=slug).exists():
        raise ServiceError(_("The short name %(value)s is taken.") % {"value": slug}, field="slug")
    base, n = slug, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _check_links(links: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    for link in links:
        kind = str(link.get("kind", ""))
        if kind not in LinkKind.values:
            raise ServiceError(
                _("Unknown kind of linked record %(value)s.") % {"value": kind}, field="links"
            )
        try:
            target = int(link.get("id", 0))
        except (TypeError, ValueError):
            target = 0
        if target <= 0:
            raise ServiceError(_("A linked record needs a positive id."), field="links")
        title = str(link.get("title", "")).strip()[:300]
        if not title:
            raise ServiceError(_("A linked record needs a title."), field="links")
        cleaned.append({"kind": kind, "id": target, "title": title})
    return cleaned


def _bump(obj: Event | Publication | Briefing, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != obj.version:
        raise Conflict()
    obj.version += 1


def _language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


# Events ---------------------------------------------------------------------------


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
    if title is not None:
        if not title.strip():
            raise ServiceError(_("An event needs a title."), field="title")
        event.title = title.strip()
    if tlp is not None:
        _check_tlp(tlp)
        event.tlp = tlp
    for name, value in (("summary", summary), ("report", report), ("venue", venue)):
        if value is not None:
            setattr(event, name, value)
    _bump(event, expected_version)
    event.save()
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


def _set_translation(
    obj: Event | Publication, language: str, values: dict[str, str | None]
) -> None:
    if language not in _language_codes() or language == settings.LANGUAGE_CODE:
        raise ServiceError(
            _("Unknown or original language %(value)s.") % {"value": language}, field="language"
        )
    current = dict(obj.translations or {})
    entry = dict(current.get(language, {}))
    for name, value in values.items():
        if value is None:
            continue
        if value.strip():
            entry[name] = value.strip()
        else:
            entry.pop(name, None)
    if entry:
        current[language] = entry
    else:
        current.pop(language, None)
    obj.translations = current
    obj.version += 1
    obj.save(update_fields=["translations", "version", "updated_at"])


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


def _store(upload: Upload, allowed: frozenset[str]) -> tuple[uploads.Checked, File[Any], int]:
    name = upload.name or ""
    size = int(upload.size or 0)
    stream: BinaryIO = upload.open("rb")
    try:
        checked = uploads.inspect(
            name=name,
            size=size,
            stream=stream,
            max_bytes=settings.REEF_MAX_UPLOAD_BYTES,
            allowed=allowed,
        )
        stream.seek(0)
        data = stream.read(settings.REEF_MAX_UPLOAD_BYTES + 1)
    except uploads.UploadRefused as exc:
        raise ServiceError(_(exc.message) % exc.params, field="file") from None
    if len(data) != size or len(data) > settings.REEF_MAX_UPLOAD_BYTES:
        raise ServiceError(_("The file's size does not match what was sent."), field="file")
    stored = ContentFile(data, name=f"{uuid.uuid4().hex}.{checked.extension}")
    return checked, stored, size


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


# Publications ---------------------------------------------------------------------


def _check_assessment(
    actor: Actor,
    assessment: Assessment | None,
    owner_country: Country | None,
    countries: list[Country],
) -> list[Country]:
    """A needs assessment report is about one assessment: it belongs to that assessment's
    country and names no other. Returns the countries it is about."""
    if assessment is None:
        raise ServiceError(
            _("A needs assessment report names the assessment it reports on."),
            field="assessment",
        )
    if not isinstance(actor, SystemActor) and not can(actor, assessment):
        raise ServiceError(_("Not found."), code="not_found", field="assessment")
    if owner_country is None or owner_country.pk != assessment.country_id:
        raise ServiceError(
            _("A needs assessment report is owned by the assessed country."), field="owner"
        )
    if any(c.pk != assessment.country_id for c in countries):
        raise ServiceError(
            _("A needs assessment report is about its assessment's country only."),
            field="countries",
        )
    return [owner_country]


def _check_derived_label(tlp: str, links: list[dict[str, Any]]) -> None:
    """A publication made from a consultation is not created with a wider label than its
    source (a clear refusal before anything is written; a relabel later is refused by the
    label floor of reef.core.derivation)."""
    from reef.consultations.models import Consultation

    ids = [link["id"] for link in links if link.get("kind") == "consultation"]
    if not ids:
        return
    rank = ORDER.index(TLP(tlp))
    sources = Consultation.objects.filter(pk__in=ids).only("tlp")
    if len(sources) != len(set(ids)):
        raise ServiceError(_("A linked consultation does not exist."), field="links")
    for source in sources:
        if ORDER.index(TLP(source.tlp)) > rank:
            raise ServiceError(
                _("A publication made from a %(source)s consultation cannot be %(label)s.")
                % {"source": source.tlp, "label": tlp},
                field="tlp",
            )


def _check_language(language: str) -> str:
    language = language.strip().lower()
    if not language or len(language) > 10 or not language.replace("-", "").isalpha():
        raise ServiceError(
            _("Give the language as a code such as en, es, fr or nl."), field="language"
        )
    return language


@transaction.atomic
def publication_create(
    *,
    actor: Actor,
    title: str,
    kind: str = Publication.Kind.REPORT,
    owner_country: Country | None = None,
    owner_organisation: Organisation | None = None,
    authors: str = "",
    abstract: str = "",
    language: str = "en",
    tlp: str = TLP.AMBER,
    countries: Iterable[Country] = (),
    events: Iterable[Event] = (),
    links: Iterable[dict[str, Any]] = (),
    slug: str = "",
    assessment: Assessment | None = None,
) -> Publication:
    """A draft. A needs assessment report names its assessment and belongs to, and is
    about, that assessment's country only."""
    title = title.strip()
    if not title:
        raise ServiceError(_("A publication needs a title."), field="title")
    if kind not in Publication.Kind.values:
        raise ServiceError(
            _("Unknown kind of publication %(value)s.") % {"value": kind}, field="kind"
        )
    countries = list(countries)
    if kind == Publication.Kind.ASSESSMENT_REPORT:
        countries = _check_assessment(actor, assessment, owner_country, countries)
    elif assessment is not None:
        raise ServiceError(
            _("Only a needs assessment report names an assessment."), field="assessment"
        )
    _check_tlp(tlp)
    _check_owner(R.may_create_publication, actor, Publication(), owner_country, owner_organisation)
    links = _check_links(links)
    _check_derived_label(tlp, links)
    publication: Publication = Publication.objects.create(
        slug=_unique_slug(Publication, slug, title),
        title=title,
        kind=kind,
        authors=authors.strip(),
        abstract=abstract,
        language=_check_language(language),
        tlp=tlp,
        owner_country=owner_country,
        owner_organisation=owner_organisation,
        links=links,
        assessment=assessment,
    )
    publication.countries.set(countries)
    publication.events.set(list(events))
    audit_append(action="publication_create", actor=actor, obj=publication)
    return publication


@transaction.atomic
def publication_update(
    *,
    actor: Actor,
    publication: Publication,
    expected_version: int | None = None,
    title: str | None = None,
    authors: str | None = None,
    abstract: str | None = None,
    tlp: str | None = None,
) -> Publication:
    _require(
        R.may_update_publication,
        actor,
        publication,
        _("Only editors of the owner may change this."),
    )
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if publication.status == Publication.Status.PUBLISHED:
        raise ServiceError(_("A published publication cannot be changed."), field="status")
    if title is not None:
        if not title.strip():
            raise ServiceError(_("A publication needs a title."), field="title")
        publication.title = title.strip()
    if tlp is not None:
        _check_tlp(tlp)
        publication.tlp = tlp  # below its sources' label: refused on save (core.derivation)
    if authors is not None:
        publication.authors = authors.strip()
    if abstract is not None:
        publication.abstract = abstract
    _bump(publication, expected_version)
    publication.save()
    audit_append(action="publication_update", actor=actor, obj=publication)
    return publication


@transaction.atomic
def publication_attach_file(
    *, actor: Actor, publication: Publication, upload: Upload
) -> Publication:
    _require(
        R.may_attach_file, actor, publication, _("Only editors of the owner may attach a file.")
    )
    if publication.status == Publication.Status.PUBLISHED:
        raise ServiceError(_("A published publication cannot be changed."), field="status")
    checked, stored, size = _store(upload, uploads.DOCUMENTS)
    publication.file.save(str(stored.name), stored, save=False)
    publication.file_content_type = checked.content_type
    publication.file_size = size
    publication.file_original_name = checked.safe_name
    publication.version += 1
    publication.save()
    audit_append(
        action="publication_attach_file",
        actor=actor,
        obj=publication,
        detail={"type": checked.content_type, "size": size},
    )
    return publication


@transaction.atomic
def publication_set_translation(
    *,
    actor: Actor,
    publication: Publication,
    language: str,
    title: str | None = None,
    abstract: str | None = None,
) -> Publication:
    _require(
        R.may_translate_publication,
        actor,
        publication,
        _("Only editors of the owner may translate this."),
    )
    _set_translation(publication, language, {"title": title, "abstract": abstract})
    audit_append(
        action="publication_set_translation",
        actor=actor,
        obj=publication,
        detail={"lang": language},
    )
    return publication


@transaction.atomic
def publication_submit(*, actor: Actor, publication: Publication) -> Publication:
    _require(
        R.may_submit_publication,
        actor,
        publication,
        _("Only editors of the owner may submit this."),
    )
    if publication.status != Publication.Status.DRAFT:
        raise ServiceError(_("Only a draft can be submitted for review."), field="status")
    publication.status = Publication.Status.REVIEW
    publication.submitted_at = timezone.now()
    publication.version += 1
    publication.save()
    audit_append(action="publication_submit", actor=actor, obj=publication)
    return publication


@transaction.atomic
def publication_return(*, actor: Actor, publication: Publication, reason: str = "") -> Publication:
    _require(
        R.may_return_publication,
        actor,
        publication,
        _("Only managers of the owner may return this."),
    )
    if publication.status != Publication.Status.REVIEW:
        raise ServiceError(_("Only a publication in review can be returned."), field="status")
    publication.status = Publication.Status.DRAFT
    publication.released_at = None
    publication.released_by = None
    publication.version += 1
    publication.save()
    audit_append(
        action="publication_return", actor=actor, obj=publication, detail={"reason": reason[:500]}
    )
    return publication


@transaction.atomic
def publication_release(
    *,
    actor: Actor,
    publication: Publication,
    summary: str = "",
    summary_tlp: str = TLP.CLEAR,
) -> Publication:
    """A manager of the assessed country (the country of the report's assessment) releases
    its needs assessment report for publication, whoever owns the publication; not while
    the country's review of the draft report is open or has undecided amendments.

    With a `summary`, the same step publishes it to the record as the country's brief,
    under the label the manager chooses (the report itself keeps its own label and
    workflow); a summary that cannot be published undoes the release too."""
    if publication.kind != Publication.Kind.ASSESSMENT_REPORT:
        raise ServiceError(_("Only a needs assessment report needs a release."), field="kind")
    if publication.assessment is None or (
        publication.assessment.country_id != publication.owner_country_id
    ):
        # Made before reports named their assessment: nobody can vouch for it.
        raise ServiceError(
            _("This report names no assessment of its country; it cannot be released."),
            field="assessment",
        )
    _require(
        R.may_release,
        actor,
        publication,
        _("Only a manager of the assessed country may release its report."),
    )
    if publication.status != Publication.Status.REVIEW:
        raise ServiceError(_("Submit the report for review before releasing it."), field="status")
    if publication.released_at is not None:
        raise ServiceError(_("The report is already released."), field="status")
    blockers = assessment_selectors.review_blockers(publication.assessment)
    if blockers:
        raise ServiceError(" ".join(blockers), field="status", code="review_open")
    publication.released_at = timezone.now()
    publication.released_by = user_of(actor)
    publication.version += 1
    publication.save()
    audit_append(action="publication_release", actor=actor, obj=publication)
    if summary.strip():
        brief = publication_create(
            actor=actor,
            title=_("Summary: %(title)s") % {"title": publication.title},
            kind=Publication.Kind.BRIEF,
            owner_country=publication.assessment.country,
            abstract=summary.strip(),
            language=publication.language,
            tlp=summary_tlp,
            countries=[publication.assessment.country],
        )
        publication_submit(actor=actor, publication=brief)
        publication_publish(actor=actor, publication=brief)
    notify_handoff(
        kind="assessment.report_released",
        subject_obj=publication.assessment,
        actor=actor,
        url=reverse("assessments:assessment_detail", args=[publication.assessment.pk]),
    )
    return publication


@transaction.atomic
def publication_publish(*, actor: Actor, publication: Publication) -> Publication:
    _require(
        R.may_publish_publication,
        actor,
        publication,
        _("Only managers of the owner may publish this."),
    )
    if publication.status != Publication.Status.REVIEW:
        raise ServiceError(_("Only a publication in review can be published."), field="status")
    if publication.kind == Publication.Kind.ASSESSMENT_REPORT and publication.released_at is None:
        raise ServiceError(
            _("The assessed country's manager must release this report first."), field="status"
        )
    publication.status = Publication.Status.PUBLISHED
    publication.published_at = timezone.now()
    publication.published_by = user_of(actor)
    publication.version += 1
    publication.save()
    audit_append(action="publication_publish", actor=actor, obj=publication)
    return publication


# Briefings ------------------------------------------------------------------------

MAX_SOURCES = 30
_url_ok = URLValidator(schemes=["http", "https"])


def _check_sources(sources: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """[{"title", "url"}] with http(s) URLs only: a source is something a reader can open."""
    cleaned: list[dict[str, str]] = []
    for source in sources:
        url = str(source.get("url", "") or "").strip()
        try:
            _url_ok(url)
        except ValidationError:
            raise ServiceError(
                _("A source needs a web address starting with http:// or https:// (%(value)s).")
                % {"value": url[:200] or _("empty")},
                field="sources",
            ) from None
        title = str(source.get("title", "") or "").strip()[:300] or url[:300]
        cleaned.append({"title": title, "url": url[:2000]})
    if len(cleaned) > MAX_SOURCES:
        raise ServiceError(
            _("At most %(n)s sources per briefing.") % {"n": MAX_SOURCES}, field="sources"
        )
    return cleaned


def _check_needs(actor: Actor, needs: Iterable[Need]) -> list[Need]:
    """A briefing links only needs its author may see (a hidden need does not exist)."""
    needs = list(needs)
    if isinstance(actor, SystemActor):
        return needs
    visible = set(
        Need.objects.for_user(actor)
        .filter(pk__in=[n.pk for n in needs])
        .values_list("pk", flat=True)
    )
    if any(n.pk not in visible for n in needs):
        raise ServiceError(_("A linked need was not found."), field="needs")
    return needs


def _check_briefing_text(title: str, threat: str) -> tuple[str, str]:
    title, threat = title.strip(), threat.strip()
    if not title:
        raise ServiceError(_("A briefing needs a title."), field="title")
    if not threat:
        raise ServiceError(
            _("Name the threat, for example business e-mail compromise."), field="threat"
        )
    if len(threat) > 120:
        raise ServiceError(_("Name the threat in 120 characters or fewer."), field="threat")
    return title, threat


@transaction.atomic
def briefing_create(
    *,
    actor: Actor,
    title: str,
    threat: str,
    published_on: dt.date,
    summary: str = "",
    sources: Iterable[dict[str, Any]] = (),
    countries: Iterable[Country] = (),
    needs: Iterable[Need] = (),
    owner_country: Country | None = None,
    owner_organisation: Organisation | None = None,
    tlp: str = TLP.AMBER,
    slug: str = "",
) -> Briefing:
    """An emerging-threat briefing, shared under its label from the start."""
    title, threat = _check_briefing_text(title, threat)
    _check_tlp(tlp)
    _check_owner(R.may_create_briefing, actor, Briefing(), owner_country, owner_organisation)
    cleaned_sources = _check_sources(sources)
    linked = _check_needs(actor, needs)
    briefing: Briefing = Briefing.objects.create(
        slug=_unique_slug(Briefing, slug, title),
        title=title,
        threat=threat,
        summary=summary,
        published_on=published_on,
        sources=cleaned_sources,
        tlp=tlp,
        owner_country=owner_country,
        owner_organisation=owner_organisation,
        created_by=user_of(actor),
    )
    briefing.countries.set(list(countries))
    briefing.needs.set(linked)
    audit_append(action="briefing_create", actor=actor, obj=briefing)
    return briefing


@transaction.atomic
def briefing_update(
    *,
    actor: Actor,
    briefing: Briefing,
    expected_version: int | None = None,
    title: str | None = None,
    threat: str | None = None,
    summary: str | None = None,
    published_on: dt.date | None = None,
    sources: Iterable[dict[str, Any]] | None = None,
    countries: Iterable[Country] | None = None,
    needs: Iterable[Need] | None = None,
) -> Briefing:
    """Change what is given; the label changes on the sharing page (reef.core.sharing),
    which keeps a TLP:RED briefing's readers named."""
    _require(
        R.may_update_briefing,
        actor,
        briefing,
        _("Only editors of the owner may change this briefing."),
    )
    briefing = Briefing.objects.select_for_update().get(pk=briefing.pk)
    new_title, new_threat = _check_briefing_text(
        briefing.title if title is None else title,
        briefing.threat if threat is None else threat,
    )
    cleaned_sources = None if sources is None else _check_sources(sources)
    linked = None if needs is None else _check_needs(actor, needs)
    _bump(briefing, expected_version)
    briefing.title, briefing.threat = new_title, new_threat
    if summary is not None:
        briefing.summary = summary
    if published_on is not None:
        briefing.published_on = published_on
    if cleaned_sources is not None:
        briefing.sources = cleaned_sources
    briefing.save()
    changed = [
        name
        for name, value in (
            ("title", title),
            ("threat", threat),
            ("summary", summary),
            ("published_on", published_on),
            ("sources", sources),
            ("countries", countries),
            ("needs", needs),
        )
        if value is not None
    ]
    if countries is not None:
        briefing.countries.set(list(countries))
    if linked is not None:
        # Needs linked by someone who sees more stay linked: this actor could not choose them.
        kept = (
            []
            if isinstance(actor, SystemActor)
            else list(briefing.needs.exclude(pk__in=Need.objects.for_user(actor).values("pk")))
        )
        briefing.needs.set(linked + kept)
    audit_append(action="briefing_update", actor=actor, obj=briefing, detail={"fields": changed})
    return briefing


# Open-data snapshots --------------------------------------------------------------


@transaction.atomic
def snapshot_freeze(*, actor: Actor, day: dt.date | None = None) -> list[Snapshot]:
    """Freeze today's public datasets. Once a day per dataset; regional coordinators or
    the system may freeze."""
    try:
        require(R.may_freeze, actor)
    except PermissionDenied:
        raise PermissionDenied(_("Only regional coordinators may freeze the open data.")) from None
    day = day or timezone.localdate()
    if Snapshot.objects.filter(date=day).exists():
        raise ServiceError(
            _("The open data of %(day)s is already frozen.") % {"day": day.isoformat()}, field="day"
        )
    frozen: list[Snapshot] = []
    for name in opendata.DATASETS:
        rows = opendata.rows(name)
        csv_text = opendata.to_csv(name, rows)
        json_text = opendata.to_json(name, rows, version=day.isoformat())
        edition = Snapshot.objects.filter(dataset=name).count() + 1
        snap = Snapshot.objects.create(
            dataset=name,
            date=day,
            edition=edition,
            rows=len(rows),
            csv=csv_text,
            json=json_text,
            sha256=hashlib.sha256(csv_text.encode() + json_text.encode()).hexdigest(),
            tlp=TLP.CLEAR,
        )
        frozen.append(snap)
    audit_append(
        action="snapshot_freeze",
        actor=actor,
        object_type="records.snapshot",
        object_id=day.isoformat(),
        tlp=TLP.CLEAR,
        detail={"datasets": [s.dataset for s in frozen]},
    )
    return frozen
