"""History replay: the votes in time order through incremental updates, as Polis saw them,
and the analysis of a Polis export folder (docs/opinion.md, "History replay")."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from reef.consultations.opinion.clusters import refit
from reef.consultations.opinion.engine import _analyse, fit_log
from reef.consultations.opinion.matrix import (
    _SHIFT,
    IntArray,
    OpinionState,
    Params,
    _dedupe_last,
    _empty_state,
    _grow,
    _merge_votes,
    _register,
)
from reef.consultations.opinion.result import results
from reef.consultations.polis_io import PolisId, VoteLog, read_export

#: Default replay of a conversation's history (`replay_schedule`): votes cast within this
#: many milliseconds of an update's first vote go into that update, as Polis's math worker
#: takes all the votes that arrived since its last update ...
REPLAY_WINDOW_MS = 60_000
#: ... with the window doubled until there are at most this many updates ...
REPLAY_MAX_UPDATES = 100
#: ... and the updates hold at most this many votes in all (the sum over updates of the
#: votes each one holds), so that very large conversations stay fast.
REPLAY_BUDGET = 3_000_000
#: Equal updates of a replay when the votes have no timestamps (`fit_replay`).
REPLAY_STEPS = 25


def replay_windows(times: IntArray, window: int) -> list[int]:
    """Ends (exclusive) of the updates when time-ordered votes are batched as a poller
    would: an update takes the votes cast within ``window`` of its first one."""
    ends: list[int] = []
    i, n = 0, times.shape[0]
    while i < n:
        i = int(np.searchsorted(times, times[i] + max(window, 1), side="left"))
        ends.append(i)
    return ends


def replay_schedule(
    times: IntArray,
    window: int = REPLAY_WINDOW_MS,
    max_updates: int = REPLAY_MAX_UPDATES,
    budget: int = REPLAY_BUDGET,
) -> list[int]:
    """Ends (exclusive) of the updates replaying votes cast at ``times`` (sorted): batches of
    ``window`` (`replay_windows`), the window doubled until there are at most
    ``max_updates`` updates holding at most ``budget`` votes in all; a single update (a plain
    fit) when there are more than ``budget`` votes."""
    n = times.shape[0]
    if n == 0:
        return []
    if n > budget:
        return [n]
    w = max(int(window), 1)
    while True:
        ends = replay_windows(times, w)
        if len(ends) <= max(max_updates, 1) and sum(ends) <= budget:
            return ends
        w *= 2


def replay_chunks(order: IntArray, steps: int) -> list[IntArray]:
    """``order`` (vote indices in time order) cut into ``steps`` consecutive, nearly equal
    updates (the first ones one longer when it does not divide); empty ones dropped."""
    return [c for c in np.array_split(order, max(steps, 1)) if c.shape[0]]


def replay_log(
    log: VoteLog,
    steps: int = 0,
    *,
    window_ms: int = REPLAY_WINDOW_MS,
    max_updates: int = REPLAY_MAX_UPDATES,
    all_comments: Sequence[PolisId] = (),
    moderated_out: Iterable[PolisId] = (),
    meta: Iterable[PolisId] = (),
    params: Params | None = None,
    seed: int = 0,
) -> OpinionState:
    """Replay an event log in time order through incremental updates, as Polis's math worker
    saw the conversation: batches of ``window_ms`` (`replay_schedule`), or ``steps`` equal
    updates when ``steps > 0``.

    Polis recomputes on every batch of new votes, warm-starting from the previous result, so
    its groups carry the conversation's history: who entered the clustering early, each k's
    warm-started clusters, the k smoother (docs/opinion.md, "History replay"). Ids are
    registered in first-vote order and each update merges its votes as sorted keys (no
    Python object per vote), so a replay costs about its updates' analyses.
    """
    n = len(log)
    order = np.lexsort((np.arange(n), log.timestamp))
    if steps > 0:
        chunks = replay_chunks(order, steps)
    else:
        ends = replay_schedule(log.timestamp[order], window_ms, max_updates)
        chunks = [order[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]
    state = _empty_state(params or Params(), seed)
    _register(list(all_comments), state.comment_ids, state.cindex)
    rmap = np.zeros(len(log.voter_ids), dtype=np.int64)
    cmap = np.zeros(len(log.comment_ids), dtype=np.int64)
    for table, idx, ids, index, out in (
        (log.voter_ids, log.voter_idx, state.participant_ids, state.pindex, rmap),
        (log.comment_ids, log.comment_idx, state.comment_ids, state.cindex, cmap),
    ):
        seq = idx[order]
        _, first = np.unique(seq, return_index=True)
        in_order = seq[np.sort(first)]  # first-vote order
        out[in_order] = _register([table[i] for i in in_order.tolist()], ids, index)
    keys = (rmap[log.voter_idx] << _SHIFT) | cmap[log.comment_idx]
    votes = log.vote.astype(np.int8)
    _grow(state, moderated_out)
    meta_set = set(meta)
    state.meta = np.array([c in meta_set for c in state.comment_ids], dtype=bool)
    previous: OpinionState | None = None
    for chunk in chunks:
        nk, nv = _dedupe_last(keys[chunk], votes[chunk])  # chunk is in time order
        if previous is None:
            state.keys, state.vals = nk, nv
            state = _analyse(state, previous=None)
        else:
            state = dataclasses.replace(previous)
            state.keys, state.vals = _merge_votes(previous.keys, previous.vals, nk, nv)
            state = _analyse(state, previous=previous)
        previous = state
    if previous is None:
        state = _analyse(state, previous=None)
    return state


def fit_replay(
    participant_ids: Sequence[PolisId],
    comment_ids: Sequence[PolisId],
    votes: npt.ArrayLike,
    *,
    timestamps: npt.ArrayLike | None = None,
    steps: int = 0,
    all_comments: Sequence[PolisId] = (),
    moderated_out: Iterable[PolisId] = (),
    meta: Iterable[PolisId] = (),
    params: Params | None = None,
    seed: int = 0,
) -> OpinionState:
    """`fit` replaying the votes' history (`replay_log`): ``timestamps`` in milliseconds
    (without them, the given order is the time order and ``steps`` or `REPLAY_STEPS` equal
    updates are made). What the platform runs when it has no analysis state to update."""
    v = np.asarray(votes, dtype=np.int8).reshape(-1)
    if v.size and not np.isin(v, (-1, 0, 1)).all():
        raise ValueError("votes must be 1 (agree), -1 (disagree) or 0 (pass)")
    pids: dict[PolisId, int] = {}
    cids: dict[PolisId, int] = {}
    pi = np.asarray([pids.setdefault(x, len(pids)) for x in participant_ids], dtype=np.int32)
    ci = np.asarray([cids.setdefault(x, len(cids)) for x in comment_ids], dtype=np.int32)
    if timestamps is None:
        times = np.arange(v.shape[0], dtype=np.int64)
        steps = steps or REPLAY_STEPS
    else:
        times = np.asarray(timestamps, dtype=np.int64).reshape(-1)
    log = VoteLog(
        timestamp=times,
        voter_idx=pi,
        comment_idx=ci,
        vote=v,
        voter_ids=list(pids),
        comment_ids=list(cids),
    )
    return replay_log(
        log,
        steps,
        all_comments=all_comments,
        moderated_out=moderated_out,
        meta=meta,
        params=params,
        seed=seed,
    )


def analyze_folder(
    path: str | os.PathLike[str],
    seed: int = 0,
    *,
    replay_steps: int = 0,
    replay: bool = True,
    replay_window_ms: int = REPLAY_WINDOW_MS,
    params: Params | None = None,
) -> dict[str, Any]:
    """Analyse a Polis export folder into the public JSON shape (see OpinionResult.to_json_dict).

    With votes.csv (timestamps) the history is replayed (`replay_log`: batches of
    ``replay_window_ms``, or ``replay_steps`` equal updates when > 0) and the groups shown
    are its `refit` (unless ``Params.replay_refit`` is off); ``replay=False``, or without
    votes.csv, the final votes are clustered once, cold (`fit_log`).
    """
    export = read_export(path, keep_datetime=False, participants="if_needed")
    comments = [c.id for c in export.comments]
    mod = export.moderated_out()
    if export.votes is not None and replay:
        state = replay_log(
            export.votes,
            replay_steps,
            window_ms=replay_window_ms,
            all_comments=comments,
            moderated_out=mod,
            params=params,
            seed=seed,
        )
        if state.params.replay_refit:
            state = refit(state)
    else:
        state = fit_log(
            export.final_votes(),
            all_comments=comments,
            moderated_out=mod,
            params=params,
            seed=seed,
        )
    return results(state).to_json_dict()
