"""Statements: which a user sees, what to vote on next, one's votes."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from reef.consultations.models import Consultation, Statement, Vote
from reef.consultations.rules import runs
from reef.consultations.selectors.consultations import participant_for
from reef.core.access import LabelledQuerySet, scope_for
from reef.core.selectors import get_for_user


def statements_for(user: Any, consultation: Consultation) -> LabelledQuerySet:
    """Accepted statements; editors also see pending and rejected ones, authors their own."""
    qs = Statement.objects.for_user(user).filter(consultation=consultation)
    if runs(scope_for(user), consultation):
        return qs
    own = Q(author__user_id=user.pk) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    return qs.filter(Q(status=Statement.Status.ACCEPTED) | own)


def statement_get(user: Any, consultation: Consultation, number: int) -> Statement:
    obj: Statement = get_for_user(
        Statement.objects.select_related("consultation"),
        user,
        audit=False,
        consultation=consultation,
        number=number,
    )
    return obj


def pending_statements(user: Any, consultation: Consultation) -> LabelledQuerySet:
    return Statement.objects.for_user(user).filter(
        consultation=consultation, status=Statement.Status.PENDING
    )


def next_statement(user: Any, consultation: Consultation) -> Statement | None:
    """The next accepted statement for the user to vote on.

    Statements with fewer votes than the consultation's `target_votes` come first, so every
    statement gets enough votes; within that, the analysis's routing priority (Polis, ref §11)
    when there is one (statements newer than the analysis first), else fewest votes first.
    """
    participant = participant_for(user, consultation)
    qs = Statement.objects.for_user(user).filter(
        consultation=consultation, status=Statement.Status.ACCEPTED
    )
    if participant is not None:
        qs = qs.exclude(votes__participant=participant)
    candidates: list[Statement] = list(
        qs.annotate(n_votes=Count("votes")).order_by("n_votes", "number")[:500]
    )
    if not candidates:
        return None
    priority: dict[str, float] = (consultation.analysis or {}).get("priority", {})
    if not priority:
        return candidates[0]

    def rank(s: Any) -> tuple[bool, int, float, int, int]:
        # Statements short of the wanted number of votes first; among them, those newer
        # than the analysis, then by routing priority.
        p = priority.get(str(s.number))
        enough = s.n_votes >= consultation.target_votes
        return (enough, 0 if p is None else 1, -(p or 0.0), s.n_votes, s.number)

    best: Statement = min(candidates, key=rank)
    return best


def my_votes(user: Any, consultation: Consultation) -> dict[int, int]:
    participant = participant_for(user, consultation)
    if participant is None:
        return {}
    return dict(
        Vote.objects.for_user(user)
        .filter(participant=participant)
        .values_list("statement__number", "value")
    )
