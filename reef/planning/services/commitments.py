"""Commitments: offered by an organisation, moved through their states by each side."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.core.audit import audit_append
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import Actor, Rule, SystemActor, allowed, require, scope_of, user_of
from reef.directory.models import Organisation
from reef.notifications.kinds import commitment_kind
from reef.notifications.services import notify_handoff
from reef.planning import rollup, rules
from reef.planning.models import Action, Commitment, CommitmentEvent, Need
from reef.planning.services.common import (
    _bump,
    _copy_label,
    _copy_shares,
    _currency,
    _dates,
    _money,
    _not_found,
    _require,
    _text,
    _visible,
)

_DATE_FIELD = {
    Commitment.Status.ACCEPTED: "accepted_on",
    Commitment.Status.DELIVERED: "delivered_on",
    Commitment.Status.VERIFIED: "verified_on",
    Commitment.Status.WITHDRAWN: "withdrawn_on",
}


def _event(
    commitment: Commitment, *, actor: Actor, from_status: str, to_status: str, on: date, note: str
) -> CommitmentEvent:
    event = CommitmentEvent(
        commitment=commitment,
        from_status=from_status,
        to_status=to_status,
        on=on,
        actor=user_of(actor),
        note=note[:2000],
    )
    _copy_label(event, commitment)
    event.save()
    return event


def _require_may_offer(actor: Actor, need: Need, organisation: Organisation) -> None:
    """Refuse unless the actor sees the need and may offer for the organisation."""
    if not _visible(actor, need):
        raise _not_found()
    _require(
        rules.may_offer,
        actor,
        Commitment(need=need, organisation=organisation),
        see=need,
        message=_("Only editors of the pledging organisation may offer for it."),
    )


def _announce(commitment: Commitment, actor: Actor, kind: str) -> None:
    notify_handoff(
        kind=kind,
        subject_obj=commitment,
        actor=actor,
        url=reverse("planning:commitment_detail", args=[commitment.pk]),
    )


def _offer_terms(
    need: Need,
    kind: str,
    amount: Decimal | str | None,
    start: date | None,
    end: date | None,
    action: Action | None,
) -> Decimal | None:
    """Check what is offered (kind, amount, dates, the action it is for); the amount."""
    if kind not in Commitment.Kind.values:
        raise ServiceError(
            _("Unknown kind of commitment %(value)s.") % {"value": repr(kind)}, field="kind"
        )
    money = _money(amount, "amount")
    if kind == Commitment.Kind.MONEY and not money:
        raise ServiceError(_("A money commitment needs an amount above zero."), field="amount")
    _dates(start, end, required=False)
    if action is not None and action.need_id != need.pk:
        raise ServiceError(_("The action belongs to another need."), field="action")
    return money


@transaction.atomic
def commitment_offer(
    *,
    actor: Actor,
    need: Need,
    organisation: Organisation,
    kind: str = Commitment.Kind.MONEY,
    amount: Decimal | str | None = None,
    currency: str = "USD",
    description: str = "",
    start: date | None = None,
    end: date | None = None,
    action: Action | None = None,
    tlp: str | None = None,
    on: date | None = None,
) -> Commitment:
    """An organisation pledges money, people or in-kind support to a need it may see."""
    _require_may_offer(actor, need, organisation)
    money = _offer_terms(need, kind, amount, start, end, action)
    commitment = Commitment(
        need=need,
        action=action,
        organisation=organisation,
        kind=kind,
        amount=money,
        currency=_currency(currency, need.plan),
        description=_text(description, "description", required=False, limit=5000),
        start=start,
        end=end,
        status=Commitment.Status.OFFERED,
        offered_on=on or timezone.localdate(),
        offered_by=user_of(actor),
    )
    _copy_label(commitment, need, tlp)
    commitment.save()
    _copy_shares(commitment, need)
    _event(
        commitment,
        actor=actor,
        from_status="",
        to_status=Commitment.Status.OFFERED,
        on=commitment.offered_on or timezone.localdate(),
        note="",
    )
    audit_append(
        action="commitment_offer",
        actor=actor,
        obj=commitment,
        detail={
            "need": need.pk,
            "organisation": organisation.slug,
            "amount": str(money) if money is not None else None,
            "currency": commitment.currency,
        },
    )
    _announce(commitment, actor, "planning.commitment_offered")
    return commitment


#: The rule for each move, by the status a commitment moves to.
TRANSITION_RULES: dict[str, Rule] = {
    Commitment.Status.ACCEPTED: rules.may_accept,
    Commitment.Status.IN_PROGRESS: rules.may_start,
    Commitment.Status.DELIVERED: rules.may_deliver,
    Commitment.Status.VERIFIED: rules.may_verify,
    Commitment.Status.WITHDRAWN: rules.may_withdraw,
}

#: Who is recorded for each move (separation of duties reads these).
_PERSON_FIELD = {
    Commitment.Status.ACCEPTED: "accepted_by",
    Commitment.Status.IN_PROGRESS: "started_by",
    Commitment.Status.DELIVERED: "delivered_by",
    Commitment.Status.VERIFIED: "verified_by",
}


def commitment_next_steps(actor: Any, commitment: Commitment) -> list[str]:
    """The statuses the actor may move the commitment to now."""
    return [
        target.value
        for target in rollup.allowed_targets(commitment.status)
        if allowed(TRANSITION_RULES[target.value], actor, commitment)
    ]


def _refusal(commitment: Commitment, actor: Actor, current: str, to: str) -> str:
    """Why the actor may not make this (existing) move, in words."""
    sides = rollup.TRANSITIONS[(rollup.CommitmentStatus(current), rollup.CommitmentStatus(to))]
    if isinstance(actor, SystemActor):  # pragma: no cover - system rules allow every move
        return str(PermissionDenied().message)
    scope = scope_of(actor)
    pledger = rules.speaks_for_pledger(scope, commitment)
    beneficiary = rules.speaks_for_beneficiary(scope, commitment)
    if rollup.ActorSide.PLEDGER in sides and pledger:
        return _(
            "You accepted or verified this commitment for the state, so you may not also "
            "act for the pledging organisation on it."
        )
    if rollup.ActorSide.BENEFICIARY in sides and beneficiary:
        return _(
            "You offered, started or delivered this commitment for the pledging organisation, "
            "so you may not also accept or verify it for the state."
        )
    if pledger or beneficiary:
        side = rollup.ActorSide.PLEDGER if pledger else rollup.ActorSide.BENEFICIARY
        try:
            rollup.check_transition(current, to, side)
        except rollup.IllegalTransition as exc:
            return _(exc.template) % exc.params
    return _(
        "Only editors of the pledging organisation or the beneficiary state's focal point "
        "may change this commitment."
    )


def _require_may_move(actor: Actor, commitment: Commitment, current: str, to: str) -> None:
    """Refuse unless the actor sees the commitment, the move exists from ``current`` and the
    actor may make it for their side."""
    if not _visible(actor, commitment):
        raise _not_found()
    if not any(allowed(r, actor, commitment) for r in set(TRANSITION_RULES.values())):
        raise PermissionDenied(
            _(
                "Only editors of the pledging organisation or the beneficiary state's focal point "
                "may change this commitment."
            )
        )
    if to not in {t.value for t in rollup.allowed_targets(current)}:
        try:
            rollup.check_transition(current, to, rollup.ActorSide.PLEDGER)
        except rollup.IllegalTransition as exc:
            raise ServiceError(_(exc.template) % exc.params, field="status") from None
    try:
        require(TRANSITION_RULES[to], actor, commitment)
    except PermissionDenied:
        raise PermissionDenied(_refusal(commitment, actor, current, to)) from None


@transaction.atomic
def commitment_transition(
    *,
    actor: Actor,
    commitment: Commitment,
    to: str,
    note: str = "",
    on: date | None = None,
) -> Commitment:
    """Move a commitment through offered -> accepted -> in progress -> delivered -> verified
    (or withdrawn). The beneficiary state accepts and verifies; the pledger starts and
    delivers; either may withdraw before delivery. Nobody speaks for both sides of one
    commitment (see `reef.planning.rules`)."""
    current = commitment.status
    _require_may_move(actor, commitment, current, to)
    when = on or timezone.localdate()
    commitment.status = to
    field = _DATE_FIELD.get(Commitment.Status(to))
    if field:
        setattr(commitment, field, when)
    person = _PERSON_FIELD.get(Commitment.Status(to))
    if person:
        setattr(commitment, person, user_of(actor))
    _bump(commitment)
    commitment.save()
    _event(commitment, actor=actor, from_status=current, to_status=to, on=when, note=note)
    audit_append(
        action="commitment_transition",
        actor=actor,
        obj=commitment,
        detail={"from": current, "to": to, "note": note[:200]},
    )
    side = (
        "beneficiary"
        if isinstance(actor, SystemActor)
        or rules.speaks_for_beneficiary(scope_of(actor), commitment)
        else "pledger"
    )
    if kind := commitment_kind(to, side):
        _announce(commitment, actor, kind)
    return commitment
