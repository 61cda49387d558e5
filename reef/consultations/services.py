"""Every write to consultations: keyword-only, typed, transactional, validating, audited."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reef.accounts.models import User
from reef.consultations import opinion, polis_io
from reef.consultations import rules as R
from reef.consultations.models import (
    Amendment,
    AnalysisState,
    Consultation,
    DelphiItem,
    DelphiResponse,
    DelphiRound,
    Participant,
    Participation,
    Section,
    SectionComment,
    Sector,
    Statement,
    Vote,
    _ChildOfConsultation,
)
from reef.core.access import can
from reef.core.audit import audit_append
from reef.core.errors import Conflict, PermissionDenied, ServiceError
from reef.core.rules import WORKER, Actor, Rule, SystemActor, allowed, require, user_of
from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping, GroupingMember, Organisation
from reef.notifications.services import notify_handoff

#: A queued analysis marks its consultation for this long at most (seconds): should the task
#: be lost, a change after that queues another.
ANALYSIS_QUEUED_SECONDS = 600


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


# ---------------------------------------------------------------- consultations


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


# ---------------------------------------------------------------- statements and votes


def _next_number(model: type[Any], consultation: Consultation) -> int:
    top = model.objects.filter(consultation=consultation).aggregate(m=Max("number"))["m"]
    return int(top or 0) + 1


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


def _analysis_inputs_changed(consultation: Consultation) -> None:
    """Inside a write the analysis depends on: mark it stale and, once the write is committed,
    ask the worker for a new one (debounced: see `analysis_enqueue`)."""
    Consultation.objects.filter(pk=consultation.pk).update(
        analysis_stale=True, analysis_inputs=F("analysis_inputs") + 1
    )
    pk = consultation.pk
    # Robust: the write is committed; a queue that fails is logged, and the next change retries.
    transaction.on_commit(lambda: analysis_enqueue(consultation_id=pk), robust=True)


# ---------------------------------------------------------------- opinion analysis


def _analysis_queued_key(consultation_id: int) -> str:
    return f"reef:consult:{consultation_id}:analysis-queued"


def analysis_enqueue(*, consultation_id: int) -> bool:
    """Queue an analysis unless one is already queued (at most one per consultation).

    The mark is a key in Django's cache, added atomically (`cache.add`) and deleted by the
    task as it starts, so votes arriving during a run queue exactly one more. It never
    touches the consultation's tables. Only the write paths call this, after their commit
    (`_analysis_inputs_changed`); reads never enqueue, so a read writes nothing even with
    the immediate backend of dev, tests and the demo, where the task runs inside `enqueue`.
    Every change queues a run, so a consultation with votes and no analysis has one on
    its way, unless the analysis is no longer stale. The mark expires after
    `ANALYSIS_QUEUED_SECONDS` in case a queued task is lost. True when this call queued it.
    """
    from reef.consultations.tasks import analyse_consultation

    # A run after this change's commit already covered it (many changes in one transaction,
    # as a Polis import or the demo makes, leave one callback each; the first one's run
    # serves them all with the immediate backend).
    if not Consultation.objects.filter(pk=consultation_id, analysis_stale=True).exists():
        return False
    key = _analysis_queued_key(consultation_id)
    if not cache.add(key, 1, ANALYSIS_QUEUED_SECONDS):
        return False
    try:
        analyse_consultation.enqueue(consultation_id)
    except Exception:
        cache.delete(key)  # nothing queued: let the next change try again
        raise
    return True


def analysis_started(*, consultation_id: int) -> None:
    """Called by the task as it starts: changes from now on need (and queue) another run."""
    cache.delete(_analysis_queued_key(consultation_id))


def _vote_triples(consultation: Consultation) -> tuple[list[tuple[int, int, int]], list[int]]:
    """The current votes in the order they were cast, and when (epoch milliseconds)."""
    rows = (
        Vote.objects.filter(consultation=consultation)
        .order_by("voted_at", "pk")
        .values_list("participant__number", "statement__number", "value", "voted_at")
    )
    triples: list[tuple[int, int, int]] = []
    times: list[int] = []
    for p, s, v, at in rows:
        triples.append((int(p), int(s), int(v)))
        times.append(int(at.timestamp() * 1000))
    return triples, times


def _stored_state(consultation: Consultation) -> opinion.OpinionState | None:
    """The state the current analysis was made from, or None (none, another time, unreadable)."""
    if consultation.analysed_at is None:
        return None
    row = AnalysisState.objects.filter(
        consultation=consultation, analysed_at=consultation.analysed_at
    ).first()
    if row is None:
        return None
    try:
        return opinion.state_from_bytes(bytes(row.state))
    except ValueError:
        return None  # another format (an older release): a full fit replaces it


def consultation_analyse(*, consultation: Consultation, full: bool = False) -> dict[str, Any]:
    """Recompute groups, representative statements and the consensus reality report.

    Runs in the task worker (`tasks.analyse_consultation`), never in a read. Incremental
    (warm-started, stable groups) from the state stored with the current analysis, fed the
    votes that differ from it; otherwise a replay of the votes in the order they were cast
    (`opinion.fit_replay`) with a fixed seed. The work is done
    outside a transaction; the result is written in a short one, and stays marked stale
    when votes or moderation changed meanwhile (`analysis_inputs`), so that the run their
    write queued makes a new one. Internal derived data: audited as a system action.
    """
    started = timezone.now()
    consultation = Consultation.objects.get(pk=consultation.pk)
    inputs = consultation.analysis_inputs
    statements = list(
        Statement.objects.filter(consultation=consultation).values_list(
            "number", "status", "is_meta"
        )
    )
    numbers = [n for n, _, _ in statements]
    moderated_out = [n for n, st, _ in statements if st == Statement.Status.REJECTED]
    meta = [n for n, _, m in statements if m]
    triples, times = _vote_triples(consultation)
    previous = None if full else _stored_state(consultation)
    changed = opinion.changed_votes(previous, triples) if previous is not None else None
    if previous is not None and changed is not None:
        state = opinion.update(previous, changed, moderated_out=moderated_out)
        meta_set = set(meta)
        state.meta = np.array([c in meta_set for c in state.comment_ids], dtype=bool)
    else:
        # No state to update: replay the votes in the order they were cast, as Polis's
        # groups carry the conversation's history (docs/opinion.md, "History replay").
        state = opinion.fit_replay(
            [t[0] for t in triples],
            [t[1] for t in triples],
            [t[2] for t in triples],
            timestamps=times,
            all_comments=numbers,
            moderated_out=moderated_out,
            meta=meta,
            seed=consultation.pk or 0,
        )
    # The stored state carries the history on; the groups shown are the refit's (the
    # history's participants and k, groups from the current votes: docs/opinion.md).
    shown = opinion.refit(state) if state.params.replay_refit else state
    res = opinion.results(shown)
    data = res.to_json_dict()
    priority = {
        str(cid): float(p) for cid, p in zip(state.comment_ids, res.priority.tolist(), strict=True)
    }
    people = Participant.objects.filter(consultation=consultation).values_list(
        "number", "sector", "country__code"
    )
    sectors = {n: s for n, s, _ in people if s}
    countries = {n: c for n, _, c in people if c}
    expected_countries: list[str] = []
    if consultation.community_grouping_id:
        expected_countries = list(
            GroupingMember.objects.filter(
                grouping_id=consultation.community_grouping_id,
                status=GroupingMember.Status.MEMBER,
            ).values_list("country__code", flat=True)
        )
    accepted = [n for n, st, _ in statements if st == Statement.Status.ACCEPTED]
    reality = opinion.consensus_reality(
        opinion.state_votes(shown),
        opinion.state_groups(shown),
        sectors,
        countries,
        statements=[n for n in accepted if n in state.cindex],
        threshold=consultation.consensus_threshold,
        expected_countries=expected_countries,
    )
    analysis = {
        "result": data,
        "priority": priority,
        "reality": reality.to_dict(),
        "n_votes": int(state.keys.shape[0]),
        "n_participants": state.n_participants,
    }
    blob = opinion.state_to_bytes(state)
    _analysis_store(consultation, _jsonable(analysis), blob, started=started, inputs=inputs)
    return analysis


@transaction.atomic
def _analysis_store(
    consultation: Consultation,
    analysis: dict[str, Any],
    blob: bytes,
    *,
    started: datetime,
    inputs: int,
) -> None:
    current = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if current.analysed_at is not None and current.analysed_at > started:
        return  # a run that started later has already stored a newer analysis
    current.analysis = analysis
    current.analysed_at = started
    current.analysis_stale = current.analysis_inputs != inputs
    current.save(update_fields=["analysis", "analysed_at", "analysis_stale"])
    AnalysisState.objects.update_or_create(
        consultation=current, defaults={"analysed_at": started, "state": blob}
    )
    audit_append(
        action="consultation_analyse",
        actor=WORKER,
        obj=current,
        detail={"votes": analysis["n_votes"]},
    )
    consultation.analysis, consultation.analysed_at = current.analysis, current.analysed_at
    consultation.analysis_stale = current.analysis_stale


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


# ---------------------------------------------------------------- Delphi


def _default_agree_min(lo: int, hi: int) -> int:
    """Agreement starts at 7 on a 1-9 scale (the 7-9 band of the RAND/UCLA and 70/15
    rules), else at the top two points of the scale."""
    return 7 if (lo, hi) == (1, 9) else hi - 1


@transaction.atomic
def delphi_round_create(
    *,
    actor: Actor,
    consultation: Consultation,
    title: str,
    items: Sequence[str] = (),
    scale: tuple[int, int] = (1, 5),
    rule: str = DelphiRound.Rule.PERCENT,
    agree_min: int | None = None,
    percent_threshold: float = 0.75,
    max_iqr: float = 1.0,
    max_change: float = 0.15,
) -> DelphiRound:
    """A new round. With no `items`, the previous round's items are carried over (linked)."""
    _require(R.may_create_round, actor, consultation, consultation, _editors_only())
    title = _clean_text(title, "title", "title", 200)
    lo, hi = scale
    if not 0 <= lo < hi <= 10:
        raise ServiceError(_("The scale must run from low to high within 0..10."), field="scale")
    if rule not in DelphiRound.Rule.values:
        raise ServiceError(_("Unknown consensus rule %(value)s.") % {"value": rule}, field="rule")
    if rule in (DelphiRound.Rule.SEVENTY_FIFTEEN, DelphiRound.Rule.RAND_UCLA) and scale != (1, 9):
        raise ServiceError(_("This rule needs a 1-9 scale."), field="rule")
    amin = _default_agree_min(lo, hi) if agree_min is None else agree_min
    if not lo <= amin <= hi:
        raise ServiceError(_("The agreement rating must lie on the scale."), field="agree_min")
    previous = DelphiRound.objects.filter(consultation=consultation).order_by("-number").first()
    texts = [t.strip() for t in items if t.strip()]
    carried: list[DelphiItem] = []
    if not texts:
        if previous is None:
            raise ServiceError(_("A first round needs items to rate."), field="items")
        carried = list(previous.items.all())
    if previous is not None and previous.status != DelphiRound.Status.CLOSED:
        previous.status = DelphiRound.Status.CLOSED
        previous.save(update_fields=["status", "updated_at"])
    rnd = _child(
        DelphiRound,
        consultation,
        number=(previous.number + 1) if previous else 1,
        title=title,
        scale_min=lo,
        scale_max=hi,
        rule=rule,
        agree_min=amin,
        percent_threshold=percent_threshold,
        max_iqr=max_iqr,
        max_change=max_change,
    )
    for i, text in enumerate(texts):
        _child(DelphiItem, consultation, round=rnd, order=i, text=text)
    for item in carried:
        _child(DelphiItem, consultation, round=rnd, order=item.order, text=item.text, previous=item)
    audit_append(
        action="delphi_round_create",
        actor=actor,
        obj=rnd,
        detail={"consultation": consultation.pk, "items": len(texts) or len(carried)},
    )
    return rnd


@transaction.atomic
def delphi_round_close(*, actor: Actor, round: DelphiRound) -> DelphiRound:
    _require(R.may_close_round, actor, round, round.consultation, _editors_only())
    round.status = DelphiRound.Status.CLOSED
    round.version += 1
    round.save()
    audit_append(action="delphi_round_close", actor=actor, obj=round)
    return round


@transaction.atomic
def delphi_respond(
    *,
    actor: Actor,
    round: DelphiRound,
    ratings: Mapping[int, int],
    comments: Mapping[int, str] | None = None,
) -> list[DelphiResponse]:
    """Rate the round's items. The first answer to every item must come before any feedback
    (so it is given in one go); later answers revise `rating` and keep `first_rating`."""
    consultation = round.consultation
    _require(R.may_respond, actor, round, consultation, _not_invited())
    user = _person(actor)
    _require_open(consultation)
    if round.status != DelphiRound.Status.OPEN:
        raise ServiceError(_("This round is not open."), code="closed")
    participant = _participant_of(user, consultation)
    items = {i.pk: i for i in round.items.all()}
    unknown = set(ratings) - set(items)
    if unknown:
        raise ServiceError(_("Some ratings are for items outside this round."), field="ratings")
    existing = {
        r.item_id: r
        for r in DelphiResponse.objects.select_for_update()
        .filter(item__round=round, participant=participant)
        .order_by("pk")
    }
    # Independence: whoever could see this round's feedback (answered every item, or the
    # round closed) gives no first answer in it any more.
    has_seen = R.may_see_feedback(round, has_submitted=bool(items) and set(items) <= set(existing))
    first = [pk for pk in ratings if pk not in existing]
    if first and not R.may_answer_first(round, has_seen_feedback=has_seen):
        raise ServiceError(
            _("You have seen this round's feedback: your first answers are no longer independent."),
            field="ratings",
            code="not_independent",
        )
    missing = [pk for pk in items if pk not in existing and pk not in ratings]
    if missing:
        raise ServiceError(
            _("Rate every item: your first answers are given together, before any feedback."),
            field="ratings",
        )
    out: list[DelphiResponse] = []
    for pk, value in ratings.items():
        if not isinstance(value, int) or not round.scale_min <= value <= round.scale_max:
            raise ServiceError(
                _("Ratings lie between %(low)s and %(high)s.")
                % {"low": round.scale_min, "high": round.scale_max},
                field="ratings",
            )
        comment = ((comments or {}).get(pk) or "").strip()[:2000]
        response = existing.get(pk)
        if response is None:
            response = _child(
                DelphiResponse,
                consultation,
                item=items[pk],
                participant=participant,
                first_rating=value,
                rating=value,
                comment=comment,
            )
        else:
            response.rating = value
            if comment:
                response.comment = comment
            response.version += 1
            response.save()
        out.append(response)
    audit_append(
        action="delphi_respond",
        actor=user,
        obj=round,
        detail={"participant": participant.number, "ratings": len(out)},
    )
    return out


# ---------------------------------------------------------------- draft review


@transaction.atomic
def section_create(*, actor: Actor, consultation: Consultation, heading: str, text: str) -> Section:
    _require(R.may_create_section, actor, consultation, consultation, _editors_only(consultation))
    heading = _clean_text(heading, "heading", "heading", 200)
    text = _clean_text(text, "text", "section_text", 20000)
    section = _child(
        Section,
        consultation,
        number=_next_number(Section, consultation),
        heading=heading,
        text=text,
    )
    audit_append(action="section_create", actor=actor, obj=section)
    return section


@transaction.atomic
def section_comment_add(*, actor: Actor, section: Section, body: str) -> SectionComment:
    consultation = section.consultation
    _require(R.may_comment, actor, section, consultation, _not_invited())
    user = _person(actor)
    body = _clean_text(body, "body", "comment", 4000)
    _require_open(consultation)
    participant = _participant_of(user, consultation)
    comment = _child(
        SectionComment, consultation, section=section, participant=participant, body=body
    )
    audit_append(
        action="section_comment_add", actor=user, obj=comment, detail={"section": section.number}
    )
    return comment


@transaction.atomic
def amendment_propose(
    *, actor: Actor, section: Section, proposed_text: str, rationale: str = ""
) -> Amendment:
    consultation = section.consultation
    _require(R.may_propose_amendment, actor, section, consultation, _not_invited())
    user = _person(actor)
    proposed_text = _clean_text(proposed_text, "proposed_text", "proposed_text", 20000)
    if proposed_text == section.text.strip():
        raise ServiceError(
            _("The proposed text is the same as the section."), field="proposed_text"
        )
    _require_open(consultation)
    participant = _participant_of(user, consultation)
    amendment = _child(
        Amendment,
        consultation,
        section=section,
        participant=participant,
        original_text=section.text,
        proposed_text=proposed_text,
        rationale=rationale.strip()[:4000],
    )
    audit_append(
        action="amendment_propose", actor=user, obj=amendment, detail={"section": section.number}
    )
    assessment = R.report_assessment(consultation)
    if assessment is not None:
        # A draft report's author answers its reviewers: the lead hears of each amendment.
        notify_handoff(
            kind="assessment.amendment_proposed",
            subject_obj=assessment,
            actor=user,
            url=reverse("consultations:amendment_decide", args=[consultation.pk, amendment.pk]),
        )
    return amendment


@transaction.atomic
def amendment_rebase(
    *, actor: Actor, amendment: Amendment, proposed_text: str, rationale: str | None = None
) -> Amendment:
    """The proposer re-writes a stale amendment on the section's current text.

    The amendment then proposes a change to that text, and may be accepted again."""
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    consultation = amendment.consultation
    _require(R.may_rebase_amendment, actor, amendment, consultation, _not_invited())
    if amendment.status != Amendment.Status.PENDING:
        raise Conflict(_("This amendment was already decided."))
    section = Section.objects.select_for_update().get(pk=amendment.section_id)
    if section.text == amendment.original_text:
        raise ServiceError(_("This amendment is not stale: nothing to re-base."), code="not_stale")
    _require_open(consultation)
    proposed_text = _clean_text(proposed_text, "proposed_text", "proposed_text", 20000)
    if proposed_text == section.text.strip():
        raise ServiceError(
            _("The proposed text is the same as the section."), field="proposed_text"
        )
    amendment.original_text = section.text
    amendment.proposed_text = proposed_text
    if rationale is not None:
        amendment.rationale = rationale.strip()[:4000]
    amendment.version += 1
    amendment.save()
    audit_append(
        action="amendment_rebase",
        actor=actor,
        obj=amendment,
        detail={"section": section.number, "section_version": section.version},
    )
    return amendment


@transaction.atomic
def amendment_decide(*, actor: Actor, amendment: Amendment, accept: bool, reason: str) -> Amendment:
    """The author (the owner's editors) accepts or rejects, always with a reason.

    Accepting replaces the section's text, provided it has not changed since the proposal."""
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    consultation = amendment.consultation
    _require(
        R.may_decide_amendment,
        actor,
        amendment,
        consultation,
        _("Only the team lead decides the amendments to the draft report.")
        if consultation.report_assessment_id
        else _editors_only(),
    )
    user = user_of(actor)
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Give the reason for the decision."), field="reason")
    if amendment.status != Amendment.Status.PENDING:
        raise Conflict(_("This amendment was already decided."))
    section = Section.objects.select_for_update().get(pk=amendment.section_id)
    if accept:
        if section.text != amendment.original_text:
            raise Conflict(
                _(
                    "The section changed since this amendment was proposed: it can be "
                    "accepted once its proposer has re-based it on the new text, or rejected."
                )
            )
        section.text = amendment.proposed_text
        section.version += 1
        section.save()
    amendment.status = Amendment.Status.ACCEPTED if accept else Amendment.Status.REJECTED
    amendment.decided_by = user
    amendment.decided_at = timezone.now()
    amendment.decision_reason = reason[:4000]
    amendment.version += 1
    amendment.save()
    audit_append(
        action="amendment_decide",
        actor=actor,
        obj=amendment,
        detail={"status": amendment.status, "reason": reason[:200]},
    )
    return amendment


# ---------------------------------------------------------------- reminders


@transaction.atomic
def consultation_send_reminders(*, actor: Actor, now: datetime | None = None) -> int:
    """Mail participants and named members of every open consultation closing within its
    reminder period, once per closing date. Returns how many consultations were reminded."""
    require(R.may_remind, actor)
    now = now or timezone.now()
    sent = 0
    # Several rows of one table are locked in primary-key order (docs/reliability.md).
    candidates = (
        Consultation.objects.select_for_update()
        .filter(opens_at__lte=now, closes_at__gt=now, reminded_at__isnull=True)
        .order_by("pk")
    )
    for c in candidates:
        if c.closes_at - now > timedelta(hours=c.remind_hours):
            continue
        # Those who have not answered yet hear of it, each in their own language, each on
        # their own (no one learns who else takes part), in the inbox and by mail.
        recipients = notify_handoff(
            kind="consultation.window_closing",
            subject_obj=c,
            actor=actor,
            url=reverse("consultations:detail", args=[c.pk]),
        )
        c.reminded_at = now
        c.save(update_fields=["reminded_at"])
        audit_append(
            action="consultation_remind",
            actor=actor,
            obj=c,
            detail={"recipients": len(recipients)},
        )
        sent += 1
    return sent


# ---------------------------------------------------------------- Polis import / export


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def _from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _numbering(ids: Sequence[polis_io.PolisId]) -> dict[polis_io.PolisId, int]:
    """Keep Polis ids that are non-negative integers; number the others after them."""
    if all(isinstance(i, int) and i >= 0 for i in ids):
        return {i: int(i) for i in ids}
    return {pid: n for n, pid in enumerate(ids, start=1)}


def _polis_error(exc: polis_io.PolisFormatError) -> str:
    """The format error in the user's language: file, line, column and reason."""
    reason = _(exc.template) % exc.params if exc.params else _(exc.template)
    if exc.column is not None:
        return _("%(file)s, line %(line)s, column '%(column)s': %(reason)s") % {
            "file": exc.path,
            "line": exc.line,
            "column": exc.column,
            "reason": reason,
        }
    return _("%(file)s, line %(line)s: %(reason)s") % {
        "file": exc.path,
        "line": exc.line,
        "reason": reason,
    }


@transaction.atomic
def consultation_import_polis(
    *,
    actor: Actor,
    folder: str | Path,
    title: str,
    owner_organisation: Organisation | None = None,
    owner_country: Country | None = None,
    tlp: str = TLP.GREEN,
    participation: str = Participation.NAMED,
) -> Consultation:
    """Import a Polis export folder as a (closed) consultation. A bad file raises a
    ServiceError naming the file, line and column, and nothing is created."""
    _require_owner(
        R.may_import_polis,
        actor,
        owner_country,
        owner_organisation,
        _("Only the owner's editors may import its consultations."),
    )
    try:
        export = polis_io.read_export(folder)
    except polis_io.PolisFormatError as exc:
        raise ServiceError(
            _("Cannot import: %(error)s") % {"error": _polis_error(exc)},
            field="folder",
            code="bad_file",
        ) from None
    except OSError as exc:
        raise ServiceError(
            _("Cannot read %(folder)s: %(error)s")
            % {"folder": folder, "error": exc.strerror or exc},
            field="folder",
        ) from None
    final = export.final_votes()
    known_comments = [c.id for c in export.comments]
    unknown = [c for c in final.comment_ids if c not in set(known_comments)]
    if unknown:
        raise ServiceError(
            _("Cannot import: votes refer to comment “%(comment)s”, which is not in comments.csv.")
            % {"comment": unknown[0]},
            field="folder",
            code="bad_file",
        )
    timestamps = [c.timestamp for c in export.comments if c.timestamp] + final.timestamp.tolist()
    timestamps = [t for t in timestamps if t]
    now = timezone.now()
    opens = _from_ms(min(timestamps)) if timestamps else now - timedelta(days=1)
    closes = _from_ms(max(timestamps)) + timedelta(seconds=1) if timestamps else now
    consultation = consultation_create(
        actor=actor,
        title=title,
        opens_at=opens,
        closes_at=closes,
        owner_organisation=owner_organisation,
        owner_country=owner_country,
        tlp=tlp,
        participation=participation,
        description=f"Imported from a Polis export ({Path(folder).name}).",
    )
    people_ids: list[polis_io.PolisId] = list(final.voter_ids)
    seen = set(people_ids)
    for c in export.comments:
        if c.author_id is not None and c.author_id not in seen:
            seen.add(c.author_id)
            people_ids.append(c.author_id)
    pnum = _numbering(people_ids)
    cnum = _numbering(known_comments)
    label = {
        "tlp": consultation.tlp,
        "owner_country_id": consultation.owner_country_id,
        "owner_organisation_id": consultation.owner_organisation_id,
    }
    Participant.objects.bulk_create(
        [
            Participant(consultation=consultation, number=pnum[p], label=f"Polis {p}", **label)
            for p in people_ids
        ]
    )
    participants = {p.number: p for p in consultation.participants.all()}
    status = {
        1: Statement.Status.ACCEPTED,
        0: Statement.Status.PENDING,
        -1: Statement.Status.REJECTED,
    }
    Statement.objects.bulk_create(
        [
            Statement(
                consultation=consultation,
                number=cnum[c.id],
                author=participants[pnum[c.author_id]] if c.author_id is not None else None,
                body=c.body or f"(comment {c.id})",
                status=status[c.moderated],
                submitted_at=_from_ms(c.timestamp) if c.timestamp else opens,
                **label,
            )
            for c in export.comments
        ]
    )
    statements = {s.number: s for s in consultation.statements.all()}
    votes = [
        Vote(
            consultation=consultation,
            participant=participants[pnum[vid]],
            statement=statements[cnum[cid]],
            value=v,
            voted_at=_from_ms(ts) if ts else opens,
            **label,
        )
        for ts, _, cid, vid, v in final.records()
    ]
    Vote.objects.bulk_create(votes, batch_size=2000)
    _analysis_inputs_changed(consultation)
    audit_append(
        action="consultation_import_polis",
        actor=actor,
        obj=consultation,
        detail={
            "statements": len(statements),
            "participants": len(participants),
            "votes": len(votes),
        },
    )
    return consultation


def consultation_export_polis(
    *, actor: Actor, consultation: Consultation, folder: str | Path
) -> polis_io.PolisExport:
    """Write comments.csv, votes.csv and participants-votes.csv (the owner's editors only:
    the export holds every participant's votes)."""
    _require(R.may_export_polis, actor, consultation, consultation, _editors_only())
    moderated = {
        Statement.Status.ACCEPTED: 1,
        Statement.Status.PENDING: 0,
        Statement.Status.REJECTED: -1,
    }
    statements = list(consultation.statements.select_related("author").order_by("number"))
    counts: dict[int, list[int]] = {}
    rows = list(
        Vote.objects.filter(consultation=consultation)
        .order_by("voted_at", "pk")
        .values_list("voted_at", "statement__number", "participant__number", "value")
    )
    for _voted_at, s, _participant, v in rows:
        t = counts.setdefault(s, [0, 0])
        if v == 1:
            t[0] += 1
        elif v == -1:
            t[1] += 1
    comments = [
        polis_io.Comment(
            id=s.number,
            author_id=s.author.number if s.author else None,
            timestamp=_ms(s.submitted_at),
            datetime=s.submitted_at.isoformat(),
            agrees=counts.get(s.number, [0, 0])[0],
            disagrees=counts.get(s.number, [0, 0])[1],
            moderated=moderated[Statement.Status(s.status)],
            body=s.body,
        )
        for s in statements
    ]
    voter_ids: list[polis_io.PolisId] = []
    vindex: dict[int, int] = {}
    comment_ids: list[polis_io.PolisId] = []
    cindex: dict[int, int] = {}
    vi, ci = [], []
    for _voted_at, s, p, _value in rows:
        if p not in vindex:
            vindex[p] = len(voter_ids)
            voter_ids.append(p)
        if s not in cindex:
            cindex[s] = len(comment_ids)
            comment_ids.append(s)
        vi.append(vindex[p])
        ci.append(cindex[s])
    log = polis_io.VoteLog(
        timestamp=np.array([_ms(r[0]) for r in rows], dtype=np.int64),
        voter_idx=np.array(vi, dtype=np.int32),
        comment_idx=np.array(ci, dtype=np.int32),
        vote=np.array([r[3] for r in rows], dtype=np.int8),
        voter_ids=voter_ids,
        comment_ids=comment_ids,
        datetime=[r[0].isoformat() for r in rows],
    )
    export = polis_io.PolisExport(comments=comments, votes=log)
    groups: dict[polis_io.PolisId, int | None] = {}
    for p in (consultation.analysis or {}).get("result", {}).get("participants", []):
        groups[p["id"]] = p.get("group")
    participants, columns = polis_io.participants_from_votes(export, groups)
    export.participants, export.participant_columns = participants, columns
    polis_io.write_export(export, folder)
    audit_append(
        action="consultation_export_polis",
        actor=actor,
        obj=consultation,
        detail={"votes": len(rows)},
    )
    return export
