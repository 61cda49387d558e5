"""Statements (submitted, moderated) and votes."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.accounts.models import User
from reef.consultations import rules as R
from reef.consultations.models import Consultation, Participant, Participation, Statement, Vote
from reef.consultations.services.analysis import _analysis_inputs_changed
from reef.consultations.services.common import (
    RateLimited,
    _child,
    _clean_text,
    _editors_only,
    _next_number,
    _not_invited,
    _participant_of,
    _person,
    _require,
    _require_open,
)
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor, allowed, user_of


@transaction.atomic
def statement_submit(
    *, actor: Actor, consultation: Consultation, body: str, is_meta: bool = False
) -> Statement:
    """Add a statement. Participants' statements wait for moderation; editors' are accepted."""
    body = _clean_text(body, "body", "statement", 1000)
    _require(R.may_submit_statement, actor, consultation, consultation, _not_invited())
    user = _person(actor)
    # Who may moderate statements needs no moderation of their own.
    editor = allowed(R.may_moderate, actor, Statement(consultation=consultation))
    _require_open(consultation)
    author = Participant.objects.filter(consultation=consultation, user=user).first()
    if author is None and not editor:
        _participant_of(user, consultation)
    if Statement.objects.filter(consultation=consultation, body__iexact=body).exists():
        raise ServiceError(_("This statement is already in the consultation."), field="body")
    statement = _child(
        Statement,
        consultation,
        number=_next_number(Statement, consultation),
        author=author,
        body=body,
        is_meta=is_meta,
        status=Statement.Status.ACCEPTED if editor else Statement.Status.PENDING,
        moderated_by=user if editor else None,
    )
    audit_append(
        action="statement_submit",
        actor=user,
        obj=statement,
        detail={"consultation": consultation.pk, "status": statement.status},
    )
    return statement


@transaction.atomic
def statement_moderate(*, actor: Actor, statement: Statement, status: str) -> Statement:
    consultation = statement.consultation
    _require(R.may_moderate, actor, statement, consultation, _editors_only())
    user = user_of(actor)
    if status not in (Statement.Status.ACCEPTED, Statement.Status.REJECTED):
        raise ServiceError(_("Accept or reject the statement."), field="status")
    statement.status = status
    statement.moderated_by = user
    statement.version += 1
    statement.save()
    _analysis_inputs_changed(consultation)
    audit_append(action="statement_moderate", actor=actor, obj=statement, detail={"status": status})
    return statement


def _rate_limit(consultation: Consultation, user: User, ip: str) -> None:
    """Public consultations: at most `votes_per_minute` votes per user and per address."""
    if consultation.participation != Participation.PUBLIC:
        return
    minute = int(time.time() // 60)
    limit = consultation.votes_per_minute
    keys = [f"reef:consult:{consultation.pk}:user:{user.pk}:{minute}"]
    if ip:
        keys.append(f"reef:consult:{consultation.pk}:ip:{ip}:{minute}")
    for key in keys:
        cache.add(key, 0, timeout=120)
        if cache.incr(key) > limit:
            raise RateLimited(
                _("Too many votes: at most %(limit)s a minute. Wait a moment and go on.")
                % {"limit": limit}
            )


@transaction.atomic
def vote_cast(*, actor: Actor, statement: Statement, value: int, ip: str = "") -> Vote:
    """One vote per participant per statement; voting again replaces the earlier vote."""
    consultation = statement.consultation
    _require(R.may_vote, actor, statement, consultation, _not_invited())
    user = _person(actor)
    if value not in (-1, 0, 1):
        raise ServiceError(_("A vote is agree (1), disagree (-1) or pass (0)."), field="value")
    _require_open(consultation)
    if statement.status != Statement.Status.ACCEPTED:
        raise ServiceError(_("This statement is not open for votes."), field="statement")
    participant = _participant_of(user, consultation)
    _rate_limit(consultation, user, ip)
    now = timezone.now()
    vote = Vote.objects.filter(participant=participant, statement=statement).first()
    if vote is None:
        try:
            with transaction.atomic():
                vote = _child(
                    Vote,
                    consultation,
                    participant=participant,
                    statement=statement,
                    value=value,
                    voted_at=now,
                )
        except IntegrityError:  # a concurrent first vote: update it instead
            vote = Vote.objects.get(participant=participant, statement=statement)
    if vote.value != value or vote.voted_at != now:
        vote.value, vote.voted_at = value, now
        vote.version += 1
        vote.save(update_fields=["value", "voted_at", "version", "updated_at"])
    audit_append(
        action="vote_cast",
        actor=user,
        obj=vote,
        detail={"statement": statement.number, "value": value},
    )
    _analysis_inputs_changed(consultation)
    return vote
