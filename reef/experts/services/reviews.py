"""Review rounds: window, proposals, reviewer invitations (by the engine), answers, reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import WORKER, Actor
from reef.core.tlp import TLP
from reef.core.workdays import min_working_days, working_days
from reef.directory.models import Country, Grouping, Organisation
from reef.experts import matching, rules
from reef.experts.models import (
    ExpertProfile,
    Proposal,
    ReviewAssignment,
    ReviewRound,
    Seniority,
    label_of,
)
from reef.experts.services.common import (
    _REVIEWER_ONLY,
    _ROUND_COORDINATORS,
    ALREADY_ANSWERED,
    _require,
    _text,
    day,
)
from reef.experts.services.eligibility import (
    review_conflicts,
)
from reef.notifications.services import notify_handoff

# --------------------------------------------------------------------------- review rounds


def _check_window(opens_on: dt.date, closes_on: dt.date) -> None:
    minimum = min_working_days()
    days = working_days(opens_on, closes_on)
    if days < minimum:
        raise ServiceError(
            ngettext(
                "A review window must last at least %(minimum)s working day; "
                "%(start)s to %(end)s has %(days)s.",
                "A review window must last at least %(minimum)s working days; "
                "%(start)s to %(end)s has %(days)s.",
                minimum,
            )
            % {
                "minimum": minimum,
                "start": day(opens_on, with_year=False),
                "end": day(closes_on),
                "days": days,
            },
            field="closes_on",
        )


@transaction.atomic
def round_create(
    *,
    actor: Actor,
    title: str,
    grouping: Grouping,
    opens_on: dt.date,
    closes_on: dt.date,
    reviewers_per_proposal: int = 3,
    objective: str = ReviewRound.Objective.TOTAL,
    exclude_government_of_country: bool = True,
    description: str = "",
    organisation: Organisation | None = None,
) -> ReviewRound:
    _require(
        rules.may_create_round,
        actor,
        ReviewRound(grouping=grouping),
        _("Only a coordinator of the region may run a review round."),
    )
    title = _text(title, "title")
    if not 1 <= reviewers_per_proposal <= 20:
        raise ServiceError(
            _("Reviewers per proposal must be between 1 and 20."),
            field="reviewers_per_proposal",
        )
    if objective not in ReviewRound.Objective.values:
        raise ServiceError(
            _("Unknown objective %(value)s.") % {"value": objective}, field="objective"
        )
    _check_window(opens_on, closes_on)
    round_: ReviewRound = ReviewRound.objects.create(
        title=title,
        description=description.strip(),
        grouping=grouping,
        opens_on=opens_on,
        closes_on=closes_on,
        reviewers_per_proposal=reviewers_per_proposal,
        objective=objective,
        exclude_government_of_country=exclude_government_of_country,
        tlp=TLP.AMBER,
        owner_organisation=organisation,
    )
    audit_append(action="review_round_create", actor=actor, obj=round_)
    return round_


@transaction.atomic
def round_set_window(
    *, actor: Actor, round: ReviewRound, closes_on: dt.date, opens_on: dt.date | None = None
) -> ReviewRound:
    """Move a round's window. Once open it can be extended, never shortened."""
    round_ = round
    _require(rules.may_set_window, actor, round_, str(_ROUND_COORDINATORS))
    if round_.status == ReviewRound.Status.CLOSED:
        raise ServiceError(_("The round is closed."))
    new_open = opens_on or round_.opens_on
    if round_.status == ReviewRound.Status.OPEN:
        if new_open != round_.opens_on:
            raise ServiceError(
                _("The window is open: its start can no longer move."), field="opens_on"
            )
        if closes_on < round_.closes_on:
            raise ServiceError(
                _("The window is open and cannot be shortened: it closes on %(date)s.")
                % {"date": day(round_.closes_on)},
                field="closes_on",
            )
    _check_window(new_open, closes_on)
    old = (round_.opens_on.isoformat(), round_.closes_on.isoformat())
    round_.opens_on = new_open
    round_.closes_on = closes_on
    round_.version += 1
    round_.save()
    audit_append(
        action="review_round_window",
        actor=actor,
        obj=round_,
        detail={"from": old, "to": (new_open.isoformat(), closes_on.isoformat())},
    )
    return round_


@transaction.atomic
def proposal_add(
    *,
    actor: Actor,
    round: ReviewRound,
    title: str,
    text: str,
    author_organisation: Organisation | None = None,
    author_name: str = "",
    implementers: Sequence[Organisation] = (),
    country: Country | None = None,
) -> Proposal:
    round_ = round
    _require(rules.may_add_proposal, actor, round_, str(_ROUND_COORDINATORS))
    if round_.status == ReviewRound.Status.CLOSED:
        raise ServiceError(_("The round is closed."))
    title = _text(title, "title")
    if not text.strip():
        raise ServiceError(_("A proposal needs a text for the reviewers."), field="text")
    proposal: Proposal = Proposal.objects.create(
        round=round_,
        title=title,
        text=text.strip(),
        author_organisation=author_organisation,
        author_name=author_name.strip(),
        country=country,
        tlp=TLP.AMBER,
        owner_organisation=author_organisation or round_.owner_organisation,
    )
    if implementers:
        proposal.implementers.set(implementers)
    audit_append(action="proposal_add", actor=actor, obj=proposal)
    return proposal


def _quarter(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3


def _other_load(round_: ReviewRound) -> dict[int, int]:
    """Reviews each reviewer already has in other rounds opening in the same quarter."""
    quarter = _quarter(round_.opens_on)
    live = ReviewAssignment.objects.exclude(status=ReviewAssignment.Status.DECLINED)
    other_load: dict[int, int] = {}
    for reviewer_id, opens_on in live.exclude(proposal__round=round_).values_list(
        "reviewer_id", "proposal__round__opens_on"
    ):
        if reviewer_id is not None and _quarter(opens_on) == quarter:
            other_load[reviewer_id] = other_load.get(reviewer_id, 0) + 1
    return other_load


def reviewer_input(round_: ReviewRound) -> dict[str, Any]:
    """The `match_reviewers` JSON for a round: texts, loads, conflicts, fixed and declined."""
    proposals = list(round_.proposals.select_related("round").prefetch_related("implementers"))
    profiles = list(
        ExpertProfile.objects.filter(consent_at__isnull=False)
        .exclude(seniority=Seniority.NASCENT)
        .prefetch_related("expertise", "conflicts")
    )
    other_load = _other_load(round_)
    assignments = list(
        ReviewAssignment.objects.filter(proposal__round=round_, reviewer__isnull=False).values_list(
            "proposal_id", "reviewer_id", "status"
        )
    )
    known = {p.pk for p in profiles}
    conflicts = [
        {"proposal": p.pk, "reviewer": r.pk}
        for p in proposals
        for r in profiles
        if review_conflicts(r, p)
    ]
    return {
        "proposals": [
            {
                "id": p.pk,
                "title": p.title,
                "text": f"{p.title}\n{p.text}",
                "needs": round_.reviewers_per_proposal,
            }
            for p in proposals
        ],
        "reviewers": [
            {
                "id": r.pk,
                "name": r.name,
                "text": r.bio,
                "expertise": [t.name for t in r.expertise.all()],
                "max_load": max(0, r.max_reviews_per_quarter - other_load.get(r.pk, 0)),
            }
            for r in profiles
        ],
        "conflicts": conflicts,
        "fixed": [
            {"proposal": p, "reviewer": r}
            for p, r, s in assignments
            if s != ReviewAssignment.Status.DECLINED and r in known
        ],
        "declined": [
            {"proposal": p, "reviewer": r}
            for p, r, s in assignments
            if s == ReviewAssignment.Status.DECLINED and r in known
        ],
        "objective": round_.objective,
        "affinity_method": "tfidf",
    }


def _assign(actor: Actor, round_: ReviewRound) -> tuple[list[ReviewAssignment], dict[str, Any]]:
    data = reviewer_input(round_)
    if not data["proposals"]:
        raise ServiceError(_("The round has no proposals to review."))
    try:
        result = matching.match_reviewers(data)
    except matching.MatchingInputError as exc:  # pragma: no cover - our own input
        raise ServiceError(_("The round cannot be matched: %(error)s") % {"error": exc}) from exc
    fixed = {(f["proposal"], f["reviewer"]) for f in data["fixed"]}
    proposals = {p.pk: p for p in round_.proposals.all()}
    profiles = {
        p.pk: p
        for p in ExpertProfile.objects.filter(
            pk__in=[a["reviewer"] for a in result["assignment"]]
        ).select_related("user")
    }
    created: list[ReviewAssignment] = []
    for a in result["assignment"]:
        if (a["proposal"], a["reviewer"]) in fixed:
            continue
        proposal = proposals[a["proposal"]]
        reviewer = profiles[a["reviewer"]]
        if review_conflicts(reviewer, proposal):  # defensive: never invite a conflicted expert
            raise ServiceError(
                _("%(name)s is conflicted for %(title)s.")
                % {"name": reviewer.name, "title": proposal.title}
            )
        item: ReviewAssignment = ReviewAssignment.objects.create(
            proposal=proposal,
            reviewer=reviewer,
            affinity=a["score"],
            **label_of(round_),
        )
        created.append(item)
        notify_handoff(
            kind="review.invited",
            subject_obj=item,
            actor=actor,
            url=reverse("experts:round_detail", args=[round_.pk]),
        )
    return created, result


@transaction.atomic
def round_open(*, actor: Actor, round: ReviewRound) -> ReviewRound:
    """Open a round and invite reviewers."""
    round_ = round
    _require(rules.may_open_round, actor, round_, str(_ROUND_COORDINATORS))
    if round_.status != ReviewRound.Status.DRAFT:
        raise ServiceError(_("Only a draft round can be opened."))
    _check_window(round_.opens_on, round_.closes_on)
    created, result = _assign(actor, round_)
    round_.status = ReviewRound.Status.OPEN
    round_.version += 1
    round_.save()
    audit_append(
        action="review_round_open",
        actor=actor,
        obj=round_,
        detail={"invited": len(created), "unfilled": result["unfilled"]},
    )
    return round_


@transaction.atomic
def round_assign(*, actor: Actor, round: ReviewRound) -> list[ReviewAssignment]:
    """Fill empty reviewer seats (after new proposals or declines)."""
    round_ = round
    _require(rules.may_assign_round, actor, round_, str(_ROUND_COORDINATORS))
    if round_.status == ReviewRound.Status.CLOSED:
        raise ServiceError(_("The round is closed."))
    created, result = _assign(actor, round_)
    audit_append(
        action="review_round_assign",
        actor=actor,
        obj=round_,
        detail={"invited": len(created), "unfilled": result["unfilled"]},
    )
    return created


@transaction.atomic
def round_close(*, actor: Actor, round: ReviewRound, today: dt.date | None = None) -> ReviewRound:
    """Close a round: only once its window has passed (it cannot be cut short)."""
    round_ = round
    _require(rules.may_close_round, actor, round_, str(_ROUND_COORDINATORS))
    today = today or timezone.localdate()
    if round_.status != ReviewRound.Status.OPEN:
        raise ServiceError(_("Only an open round can be closed."))
    if today <= round_.closes_on:
        raise ServiceError(
            _("The window runs until %(date)s; it cannot be cut short.")
            % {"date": day(round_.closes_on)}
        )
    round_.status = ReviewRound.Status.CLOSED
    round_.version += 1
    round_.save()
    audit_append(action="review_round_close", actor=actor, obj=round_)
    return round_


@transaction.atomic
def assignment_accept(*, actor: Actor, assignment: ReviewAssignment) -> ReviewAssignment:
    _require(rules.may_answer_invitation, actor, assignment, str(_REVIEWER_ONLY))
    if assignment.proposal.round.status != ReviewRound.Status.OPEN:
        raise ServiceError(_("The round is not open."))
    if assignment.status != ReviewAssignment.Status.INVITED:
        raise ServiceError(str(ALREADY_ANSWERED[assignment.status]))
    assignment.status = ReviewAssignment.Status.ACCEPTED
    assignment.version += 1
    assignment.save()
    audit_append(action="review_accept", actor=actor, obj=assignment)
    return assignment


@transaction.atomic
def assignment_decline(
    *, actor: Actor, assignment: ReviewAssignment, reason: str = ""
) -> list[ReviewAssignment]:
    """Decline an invitation; the seat is offered to the next best reviewer at once."""
    _require(rules.may_answer_invitation, actor, assignment, str(_REVIEWER_ONLY))
    round_ = assignment.proposal.round
    if round_.status != ReviewRound.Status.OPEN:
        raise ServiceError(_("The round is not open."))
    if assignment.status not in (ReviewAssignment.Status.INVITED, ReviewAssignment.Status.ACCEPTED):
        raise ServiceError(str(ALREADY_ANSWERED[assignment.status]))
    assignment.status = ReviewAssignment.Status.DECLINED
    assignment.decline_reason = reason.strip()[:300]
    assignment.version += 1
    assignment.save()
    audit_append(action="review_decline", actor=actor, obj=assignment)
    created, result = _assign(actor, round_)
    audit_append(
        action="review_round_reassign",
        actor=actor,
        obj=round_,
        detail={
            "after_decline": assignment.pk,
            "invited": [a.pk for a in created],
            "unfilled": result["unfilled"],
        },
    )
    return created


@transaction.atomic
def review_submit(
    *,
    actor: Actor,
    assignment: ReviewAssignment,
    score: int,
    comments: str,
    today: dt.date | None = None,
) -> ReviewAssignment:
    _require(rules.may_answer_invitation, actor, assignment, str(_REVIEWER_ONLY))
    round_ = assignment.proposal.round
    today = today or timezone.localdate()
    if round_.status != ReviewRound.Status.OPEN or not round_.opens_on <= today <= round_.closes_on:
        raise ServiceError(_("Reviews can be submitted only while the window is open."))
    if assignment.status not in (
        ReviewAssignment.Status.ACCEPTED,
        ReviewAssignment.Status.SUBMITTED,
    ):
        raise ServiceError(_("Accept the invitation before submitting a review."))
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ServiceError(_("The score must be a whole number from 1 to 5."), field="score")
    if not comments.strip():
        raise ServiceError(_("Please explain your score in the comments."), field="comments")
    assignment.score = score
    assignment.comments = comments.strip()
    assignment.status = ReviewAssignment.Status.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.version += 1
    assignment.save()
    audit_append(action="review_submit", actor=actor, obj=assignment, detail={"score": score})
    return assignment


def reviews_remind(
    *, actor: Actor = WORKER, days_before: int = 3, today: dt.date | None = None
) -> int:
    """Remind reviewers with a review still due when a window closes within `days_before`
    days. Each assignment is reminded at most once a day. Returns reminders sent."""
    if days_before < 0:
        raise ServiceError(
            _("The number of days before must not be negative."), field="days_before"
        )
    today = today or timezone.localdate()
    due = (
        ReviewAssignment.objects.filter(
            proposal__round__status=ReviewRound.Status.OPEN,
            proposal__round__closes_on__gte=today,
            proposal__round__closes_on__lte=today + dt.timedelta(days=days_before),
            status__in=[ReviewAssignment.Status.INVITED, ReviewAssignment.Status.ACCEPTED],
            reviewer__isnull=False,
        )
        .exclude(reminded_on=today)
        .select_related("proposal__round", "reviewer__user")
    )
    sent = 0
    for a in due:
        with transaction.atomic():
            round_ = a.proposal.round
            reviewer = a.reviewer
            if reviewer is None:  # pragma: no cover - filtered above
                continue
            notify_handoff(
                kind="review.reminder",
                subject_obj=a,
                actor=actor,
                url=reverse("experts:round_detail", args=[round_.pk]),
            )
            a.reminded_on = today
            a.save(update_fields=["reminded_on", "updated_at"])
            audit_append(action="review_remind", actor=actor, obj=a)
            sent += 1
    return sent
