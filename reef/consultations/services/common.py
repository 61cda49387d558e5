"""What every consultation service shares: who may, is it open, clean text, child records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reef.accounts.models import User
from reef.consultations.models import Consultation, Participant, _ChildOfConsultation
from reef.core.access import can
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import Actor, Rule, SystemActor, require, user_of
from reef.directory.models import Country, Organisation


class RateLimited(ServiceError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="rate_limited")


# ---------------------------------------------------------------- checks


def _sees(actor: Actor, consultation: Consultation) -> bool:
    """Whether the actor may see the consultation at all (the access layer decides)."""
    return isinstance(actor, SystemActor) or can(actor, consultation)


def _require(which: Rule, actor: Actor, obj: Any, consultation: Consultation, message: str) -> None:
    """`require` with a message that says who may: a 404 where the consultation is hidden."""
    try:
        require(which, actor, obj, hidden=not _sees(actor, consultation))
    except PermissionDenied:
        raise PermissionDenied(message) from None


def _require_owner(
    which: Rule,
    actor: Actor,
    owner_country: Country | None,
    owner_organisation: Organisation | None,
    message: str,
    report_assessment: Any = None,
) -> None:
    """Before a consultation exists: the rule asked of an unsaved one with its owner."""
    unsaved = Consultation(
        owner_country=owner_country,
        owner_organisation=owner_organisation,
        report_assessment=report_assessment,
    )
    try:
        require(which, actor, unsaved)
    except PermissionDenied:
        raise PermissionDenied(message) from None


def _person(actor: Actor) -> User:
    """The person behind an actor of a rule that system actors never pass."""
    user = user_of(actor)
    if user is None:  # pragma: no cover - the rules refuse system actors first
        raise PermissionDenied()
    return user


def _editors_only(consultation: Consultation | None = None) -> str:
    if consultation is not None and consultation.report_assessment_id:
        return _("Only the team lead or the country's coordinators may do this.")
    return _("Only the owner's editors may do this.")


def _not_invited() -> str:
    return _("You are not invited to take part in this consultation.")


def _require_open(consultation: Consultation, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if now < consultation.opens_at:
        raise ServiceError(_("This consultation is not open yet."), code="not_open")
    if now >= consultation.closes_at:
        raise ServiceError(_("This consultation closed; nothing more can be added."), code="closed")


def _participant_of(user: User, consultation: Consultation) -> Participant:
    participant: Participant | None = Participant.objects.filter(
        consultation=consultation, user=user
    ).first()
    if participant is None:
        raise ServiceError(
            _("Join the consultation first: give your sector and country."), code="join_required"
        )
    return participant


#: Per text kind: (message when empty, message when longer than %(limit)s characters).
_TEXT_MESSAGES: dict[str, tuple[Any, Any]] = {
    "title": (
        gettext_lazy("The title cannot be empty."),
        gettext_lazy("The title is longer than %(limit)s characters."),
    ),
    "statement": (
        gettext_lazy("A statement cannot be empty."),
        gettext_lazy("A statement is longer than %(limit)s characters."),
    ),
    "heading": (
        gettext_lazy("The heading cannot be empty."),
        gettext_lazy("The heading is longer than %(limit)s characters."),
    ),
    "section_text": (
        gettext_lazy("The section text cannot be empty."),
        gettext_lazy("The section text is longer than %(limit)s characters."),
    ),
    "comment": (
        gettext_lazy("A comment cannot be empty."),
        gettext_lazy("A comment is longer than %(limit)s characters."),
    ),
    "proposed_text": (
        gettext_lazy("The proposed text cannot be empty."),
        gettext_lazy("The proposed text is longer than %(limit)s characters."),
    ),
}


def _clean_text(value: str, field: str, kind: str, limit: int) -> str:
    empty, too_long = _TEXT_MESSAGES[kind]
    value = value.strip()
    if not value:
        raise ServiceError(str(empty), field=field)
    if len(value) > limit:
        raise ServiceError(str(too_long) % {"limit": limit}, field=field)
    return value


def _child[C: _ChildOfConsultation](model: type[C], consultation: Consultation, **fields: Any) -> C:
    obj = model(consultation=consultation, **fields)
    obj.copy_label(consultation)
    obj.save()
    return obj


def _next_number(model: type[Any], consultation: Consultation) -> int:
    top = model.objects.filter(consultation=consultation).aggregate(m=Max("number"))["m"]
    return int(top or 0) + 1
