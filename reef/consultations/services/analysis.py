"""The opinion analysis: marked stale by the writes it reads, queued after their commit,
made by the task worker, stored in a short transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from reef.consultations import opinion
from reef.consultations.models import AnalysisState, Consultation, Participant, Statement, Vote
from reef.core.audit import audit_append
from reef.core.rules import WORKER
from reef.directory.models import GroupingMember

#: A queued analysis marks its consultation for this long at most (seconds): should the task
#: be lost, a change after that queues another.
ANALYSIS_QUEUED_SECONDS = 600

#: The task that makes the analysis, by the path queued tasks are stored under. Looked up
#: when queued: the tasks module imports the services, so the services do not import it.
ANALYSE_TASK = "reef.consultations.tasks.analyse_consultation"


def _analysis_inputs_changed(consultation: Consultation) -> None:
    """Inside a write the analysis depends on: mark it stale and, once the write is committed,
    ask the worker for a new one (debounced: see `analysis_enqueue`)."""
    Consultation.objects.filter(pk=consultation.pk).update(
        analysis_stale=True, analysis_inputs=F("analysis_inputs") + 1
    )
    pk = consultation.pk
    # Robust: the write is committed; a queue that fails is logged, and the next change retries.
    transaction.on_commit(lambda: analysis_enqueue(consultation_id=pk), robust=True)


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
    # A run after this change's commit already covered it (many changes in one transaction,
    # as a Polis import or the demo makes, leave one callback each; the first one's run
    # serves them all with the immediate backend).
    if not Consultation.objects.filter(pk=consultation_id, analysis_stale=True).exists():
        return False
    key = _analysis_queued_key(consultation_id)
    if not cache.add(key, 1, ANALYSIS_QUEUED_SECONDS):
        return False
    try:
        import_string(ANALYSE_TASK).enqueue(consultation_id)
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


def _opinion_state(
    consultation: Consultation, statements: list[tuple[int, str, bool]], full: bool
) -> opinion.OpinionState:
    """The opinion state of the current votes: the stored one updated with the votes that
    differ from it, else (``full``, or nothing to update) a replay of every vote."""
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
        return state
    # No state to update: replay the votes in the order they were cast, as Polis's
    # groups carry the conversation's history (docs/opinion.md, "History replay").
    return opinion.fit_replay(
        [t[0] for t in triples],
        [t[1] for t in triples],
        [t[2] for t in triples],
        timestamps=times,
        all_comments=numbers,
        moderated_out=moderated_out,
        meta=meta,
        seed=consultation.pk or 0,
    )


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
    state = _opinion_state(consultation, statements, full)
    # The stored state carries the history on; the groups shown are the refit's (the
    # history's participants and k, groups from the current votes: docs/opinion.md).
    shown = opinion.refit(state) if state.params.replay_refit else state
    res = opinion.results(shown)
    data = res.to_json_dict()
    priority = {
        str(cid): float(p) for cid, p in zip(state.comment_ids, res.priority.tolist(), strict=True)
    }
    accepted = [n for n, st, _ in statements if st == Statement.Status.ACCEPTED]
    reality = _reality(consultation, shown, [n for n in accepted if n in state.cindex])
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


def _reality(
    consultation: Consultation, shown: opinion.OpinionState, statements: list[int]
) -> opinion.RealityReport:
    """The consensus reality report of the groups shown, by the participants' sector and
    country (`statements`: the accepted ones the analysis knows, in order)."""
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
    return opinion.consensus_reality(
        opinion.state_votes(shown),
        opinion.state_groups(shown),
        sectors,
        countries,
        statements=statements,
        threshold=consultation.consensus_threshold,
        expected_countries=expected_countries,
    )


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
