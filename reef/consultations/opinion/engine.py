"""Fit and update: votes in, projection and groups out (the analysis of a state)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from reef.consultations.opinion.clusters import _cluster
from reef.consultations.opinion.matrix import (
    _SHIFT,
    OpinionState,
    Params,
    _dedupe_last,
    _empty_state,
    _encode_votes,
    _grow,
    _merge_votes,
    _register,
)
from reef.consultations.opinion.pca import _pca
from reef.consultations.polis_io import PolisId, VoteLog


def fit(
    participant_ids: Sequence[PolisId],
    comment_ids: Sequence[PolisId],
    votes: npt.ArrayLike,
    *,
    all_comments: Sequence[PolisId] = (),
    moderated_out: Iterable[PolisId] = (),
    meta: Iterable[PolisId] = (),
    params: Params | None = None,
    seed: int = 0,
) -> OpinionState:
    """Full (cold) analysis of votes given as three parallel sequences; later duplicates win.

    ``all_comments`` fixes the comment order (e.g. comments.csv order) and includes comments
    nobody voted on yet.
    """
    state = _empty_state(params or Params(), seed)
    _register(list(all_comments), state.comment_ids, state.cindex)
    keys, vals = _encode_votes(state, participant_ids, comment_ids, votes)
    state.keys, state.vals = _dedupe_last(keys, vals)
    _grow(state, moderated_out)
    meta_set = set(meta)
    state.meta = np.array([c in meta_set for c in state.comment_ids], dtype=bool)
    return _analyse(state, previous=None)


def fit_log(log: VoteLog, **kwargs: Any) -> OpinionState:
    """``fit`` from a polis_io VoteLog (the latest vote per pair is used)."""
    latest = log.latest()
    # Row order of the log's voter table is kept: participants appear in first-vote order.
    state = _empty_state(kwargs.pop("params", None) or Params(), kwargs.pop("seed", 0))
    _register(list(kwargs.pop("all_comments", ())), state.comment_ids, state.cindex)
    rmap = _register(log.voter_ids, state.participant_ids, state.pindex)
    cmap = _register(log.comment_ids, state.comment_ids, state.cindex)
    keys = (rmap[latest.voter_idx] << _SHIFT) | cmap[latest.comment_idx]
    order = np.argsort(keys)  # already one vote per pair: a plain sort suffices
    state.keys, state.vals = keys[order], latest.vote.astype(np.int8)[order]
    _grow(state, kwargs.pop("moderated_out", ()))
    meta_set = set(kwargs.pop("meta", ()))
    state.meta = np.array([c in meta_set for c in state.comment_ids], dtype=bool)
    if kwargs:
        raise TypeError(f"unexpected arguments: {sorted(kwargs)}")
    return _analyse(state, previous=None)


def update(
    state: OpinionState,
    new_votes: Iterable[tuple[PolisId, PolisId, int]],
    *,
    moderated_out: Iterable[PolisId] | None = None,
) -> OpinionState:
    """Add (participant, comment, vote) triples (a repeated pair replaces the old vote).

    Returns a new state; the old one is left untouched. Projection equals ``fit`` on the same
    votes; clustering is warm-started and stabilised against ``state`` (beyond Polis).
    """
    triples = list(new_votes)
    new = dataclasses.replace(
        state,
        participant_ids=list(state.participant_ids),
        comment_ids=list(state.comment_ids),
        pindex=dict(state.pindex),
        cindex=dict(state.cindex),
    )
    if triples:
        p, c, v = zip(*triples, strict=True)
        nk, nv = _encode_votes(new, p, c, v)
        new.keys, new.vals = _merge_votes(state.keys, state.vals, *_dedupe_last(nk, nv))
    _grow(new, moderated_out)
    return _analyse(new, previous=state)


def _analyse(state: OpinionState, previous: OpinionState | None) -> OpinionState:
    state.pcs, state.mean, state.proj = _pca(state, previous)
    _cluster(state, previous)
    state.n_updates = (previous.n_updates + 1) if previous is not None else 0
    return state
