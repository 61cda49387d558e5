"""Consultations: create, set the window, add members; participants join."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.accounts.models import User
from reef.consultations import rules as R
from reef.consultations.models import Consultation, Participant, Participation, Sector
from reef.consultations.services.analysis import _analysis_inputs_changed
from reef.consultations.services.common import (
    _child,
    _clean_text,
    _editors_only,
    _not_invited,
    _person,
    _require,
    _require_open,
    _require_owner,
)
from reef.core.audit import audit_append
from reef.core.errors import Conflict, ServiceError
from reef.core.rules import Actor, user_of
from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping, Organisation


def _validate_setup(
    *, tlp: str, participation: str, opens_at: datetime, closes_at: datetime
) -> None:
    if tlp not in TLP.values:
        raise ServiceError(_("Unknown TLP label %(value)s.") % {"value": tlp}, field="tlp")
    if participation not in Participation.values:
        raise ServiceError(
            _("Unknown participation %(value)s.") % {"value": participation},
            field="participation",
        )
    if participation == Participation.PUBLIC and tlp != TLP.CLEAR:
        raise ServiceError(_("A public consultation must be labelled TLP:CLEAR."), field="tlp")
    if participation == Participation.COMMUNITY and tlp not in (TLP.CLEAR, TLP.GREEN):
        raise ServiceError(
            _(
                "A community consultation must be TLP:CLEAR or TLP:GREEN "
                "so its community can see it."
            ),
            field="tlp",
        )
    if closes_at <= opens_at:
        raise ServiceError(_("The window must close after it opens."), field="closes_at")


# Long because a consultation has fifteen settings, each checked before the one write.
@transaction.atomic
def consultation_create(
    *,
    actor: Actor,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    owner_organisation: Organisation | None = None,
    owner_country: Country | None = None,
    tlp: str = TLP.GREEN,
    participation: str = Participation.COMMUNITY,
    description: str = "",
    community_grouping: Grouping | None = None,
    members: Sequence[User] = (),
    document_title: str = "",
    votes_per_minute: int = 30,
    target_votes: int = 7,
    consensus_threshold: float = 0.6,
    report_assessment: Any = None,
) -> Consultation:
    """Create a consultation for an owner the actor edits for.

    With `report_assessment`, it is the review of that assessment's draft report (see
    `assessments.services.assessment_review_open`): owned by the assessed country, run by
    the team lead and the country's coordinators, one per assessment."""
    title = _clean_text(title, "title", "title", 200)
    if (owner_organisation is None) == (owner_country is None):
        raise ServiceError(
            _("Give exactly one owner: an organisation or a country."), field="owner"
        )
    _validate_setup(tlp=tlp, participation=participation, opens_at=opens_at, closes_at=closes_at)
    if report_assessment is not None:
        if owner_country is None or owner_country.pk != report_assessment.country_id:
            raise ServiceError(
                _("The review of a draft report is owned by the assessed country."),
                field="owner",
            )
        if Consultation.objects.filter(report_assessment=report_assessment).exists():
            raise Conflict(_("The draft report of this assessment is already under review."))
    if votes_per_minute < 1 or target_votes < 1:
        raise ServiceError(_("Limits must be at least 1."), field="votes_per_minute")
    if not 0.5 <= consensus_threshold < 1:
        raise ServiceError(_("The consensus threshold must lie in [0.5, 1)."), field="threshold")
    _require_owner(
        R.may_create,
        actor,
        owner_country,
        owner_organisation,
        _("Only the owner's editors may create its consultations."),
        report_assessment=report_assessment,
    )
    consultation: Consultation = Consultation.objects.create(
        title=title,
        description=description.strip(),
        tlp=tlp,
        owner_organisation=owner_organisation,
        owner_country=owner_country,
        participation=participation,
        community_grouping=community_grouping,
        opens_at=opens_at,
        closes_at=closes_at,
        document_title=document_title.strip(),
        votes_per_minute=votes_per_minute,
        target_votes=target_votes,
        consensus_threshold=consensus_threshold,
        report_assessment=report_assessment,
        created_by=user_of(actor),
    )
    if members:
        consultation.members.set(members)
    audit_append(action="consultation_create", actor=actor, obj=consultation)
    return consultation


def _as_submitted(stored: datetime, submitted: datetime) -> datetime:
    """`stored`, cut to the precision `submitted` was given at.

    A page's form shows a time to the second or the minute and sends that back; the
    stored time has microseconds. The two are the same instant for the person who
    submitted it, so windows are compared at the precision of what was submitted.
    """
    if submitted.microsecond:
        return stored
    if submitted.second:
        return stored.replace(microsecond=0)
    return stored.replace(second=0, microsecond=0)


@transaction.atomic
def consultation_set_window(
    *,
    actor: Actor,
    consultation: Consultation,
    opens_at: datetime | None,
    closes_at: datetime,
    now: datetime | None = None,
) -> Consultation:
    """Change the review window. Once open, it can be extended but never shortened.

    `opens_at` None keeps the opening. A submitted time equal to the stored one at the
    precision it was submitted at (a form's seconds or minutes) keeps the stored time.
    """
    _require(R.may_set_window, actor, consultation, consultation, _editors_only(consultation))
    now = now or timezone.now()
    if opens_at is None or opens_at == _as_submitted(consultation.opens_at, opens_at):
        opens_at = consultation.opens_at
    if closes_at == _as_submitted(consultation.closes_at, closes_at):
        closes_at = consultation.closes_at
    if closes_at <= opens_at:
        raise ServiceError(_("The window must close after it opens."), field="closes_at")
    if consultation.has_opened(now):
        if opens_at != consultation.opens_at:
            raise ServiceError(
                _("The window is open: its opening cannot be moved."),
                field="opens_at",
                code="window_locked",
            )
        if closes_at < consultation.closes_at:
            raise ServiceError(
                _("The window is open: it can be extended but never shortened."),
                field="closes_at",
                code="window_locked",
            )
    elif opens_at < now and opens_at != consultation.opens_at:
        raise ServiceError(
            _("A window that has not opened cannot open in the past."), field="opens_at"
        )
    before = (consultation.opens_at.isoformat(), consultation.closes_at.isoformat())
    if closes_at != consultation.closes_at:
        consultation.reminded_at = None  # a new closing date deserves a new reminder
    consultation.opens_at, consultation.closes_at = opens_at, closes_at
    consultation.version += 1
    consultation.save()
    audit_append(
        action="consultation_set_window",
        actor=actor,
        obj=consultation,
        detail={"before": before, "after": (opens_at.isoformat(), closes_at.isoformat())},
    )
    return consultation


@transaction.atomic
def consultation_add_members(
    *, actor: Actor, consultation: Consultation, users: Iterable[User]
) -> Consultation:
    _require(R.may_add_members, actor, consultation, consultation, _editors_only(consultation))
    added = list(users)
    consultation.members.add(*added)
    audit_append(
        action="consultation_add_members",
        actor=actor,
        obj=consultation,
        detail={"users": [u.email for u in added]},
    )
    return consultation


@transaction.atomic
def participant_join(
    *,
    actor: Actor,
    consultation: Consultation,
    sector: str,
    country: Country | None,
    label: str = "",
) -> Participant:
    """Join (or update one's sector and country). Sector is required: it shows who was heard."""
    _require(R.may_join, actor, consultation, consultation, _not_invited())
    user = _person(actor)
    if sector not in Sector.values:
        raise ServiceError(_("Choose your stakeholder sector."), field="sector")
    if country is None:
        raise ServiceError(_("Choose your country."), field="country")
    participant: Participant | None = (
        Participant.objects.select_for_update().filter(consultation=consultation, user=user).first()
    )
    if participant is None:
        _require_open(consultation)
        number = (
            Participant.objects.filter(consultation=consultation).aggregate(m=Max("number"))["m"]
            or 0
        ) + 1
        participant = _child(
            Participant,
            consultation,
            number=number,
            user=user,
            sector=sector,
            country=country,
            label=label.strip()[:120],
        )
        action = "participant_join"
    else:
        participant.sector, participant.country = sector, country
        participant.version += 1
        participant.save()
        _analysis_inputs_changed(consultation)  # the reality report reads sector and country
        action = "participant_update"
    audit_append(
        action=action,
        actor=user,
        obj=participant,
        detail={"consultation": consultation.pk, "sector": sector, "country": country.code},
    )
    return participant
