"""The vote matrix and the analysis state: tunables, ids, votes as sorted int64 keys.

Votes live in a sorted array of int64 keys ``row << 32 | col`` with int8 values, so an
update merges new votes with ``searchsorted`` instead of rebuilding Python dicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from reef.consultations.polis_io import PolisId

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_SHIFT = np.int64(32)
_LOW = np.int64(0xFFFFFFFF)


@dataclass(frozen=True)
class Params:
    """Tunables; defaults are Polis's values except where marked beyond-Polis."""

    min_votes: int = 7  # participants need min(7, C) votes to be clustered (ref §5)
    min_participants: int = 15  # top voters added up to 15 (ref §5)
    base_k: int = 100  # base clusters (ref §6)
    max_groups: int = 5  # ref §7
    k_switch_updates: int = 4  # same k must win this many updates in a row (ref §7)
    rep_max: int = 5  # representative statements per group (ref §8)
    consensus_max: int = 5  # majority statements per direction (ref §9)
    # Beyond Polis: a statement needs this many votes to be reported as consensus.
    consensus_min_votes: int = 5
    base_iter_full: int = 50  # Lloyd iterations for base clusters, cold start
    base_iter_update: int = 10  # warm start converges in a few
    group_n_init: int = 8  # restarts of the weighted k-means for opinion groups (cold start)
    group_iter_update: int = 20  # Polis's group k-means iterations on a warm start (ref §7)
    # Silhouette of a grouping of the base clusters (ref §7): "weighted" (each base centre
    # stands for its members) or "polis" (each base centre counts once, as clusters.clj).
    silhouette: str = "weighted"
    # Updates warm-start base clusters and each k's groups from their previous *members*
    # (Polis's clean-start-clusters); False: from the previous centres, by index.
    warm_members: bool = True
    # Beyond Polis: the groups shown are `refit`'s: the history (replay, updates) decides
    # who is grouped and k, the current votes decide the groups (cold k-means).
    replay_refit: bool = True
    dense_pca_max: int = 600  # up to this many comments, exact dense eigendecomposition


# ---------------------------------------------------------------- state


@dataclass
class OpinionState:
    """Everything needed to update an analysis incrementally (treat as immutable)."""

    params: Params
    seed: int
    participant_ids: list[PolisId]
    comment_ids: list[PolisId]
    pindex: dict[PolisId, int]
    cindex: dict[PolisId, int]
    active: BoolArray  # per comment: not moderated out
    meta: BoolArray  # per comment: meta statement (routing priority only)
    keys: IntArray  # sorted (row << 32 | col)
    vals: npt.NDArray[np.int8]
    # Results of the last analysis.
    pcs: FloatArray = field(default_factory=lambda: np.zeros((2, 0)))
    mean: FloatArray = field(default_factory=lambda: np.zeros(0))
    proj: FloatArray = field(default_factory=lambda: np.zeros((0, 2)))
    in_conv: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    base_centers: FloatArray = field(default_factory=lambda: np.zeros((0, 2)))
    base_labels: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    group_centers: FloatArray = field(default_factory=lambda: np.zeros((0, 2)))
    groups: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # -1 = none
    # Per participant, the group of each candidate k = 2, 3, ... (column k - 2; -1 = none):
    # the next update warm-starts every k from it, as Polis keeps every k's clustering.
    group_k_labels: IntArray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    k: int = 0
    k_candidate: int = 0
    k_streak: int = 0
    n_updates: int = 0

    @property
    def n_participants(self) -> int:
        return len(self.participant_ids)

    @property
    def n_comments(self) -> int:
        return len(self.comment_ids)

    def rows_cols(self) -> tuple[IntArray, IntArray]:
        return self.keys >> _SHIFT, self.keys & _LOW


def _dedupe_last(
    keys: IntArray, vals: npt.NDArray[np.int8]
) -> tuple[IntArray, npt.NDArray[np.int8]]:
    """Sort by key keeping the last occurrence of each key (later votes replace earlier)."""
    n = keys.shape[0]
    order = np.lexsort((np.arange(n), keys))
    sk = keys[order]
    last = np.ones(n, dtype=bool)
    last[:-1] = sk[1:] != sk[:-1]
    return sk[last], vals[order][last]


def _register(
    ids: Sequence[PolisId], table: list[PolisId], index: dict[PolisId, int]
) -> npt.NDArray[np.int64]:
    out = np.empty(len(ids), dtype=np.int64)
    for i, x in enumerate(ids):
        j = index.get(x)
        if j is None:
            j = index[x] = len(table)
            table.append(x)
        out[i] = j
    return out


def _encode_votes(
    state: OpinionState,
    participant_ids: Sequence[PolisId],
    comment_ids: Sequence[PolisId],
    votes: npt.ArrayLike,
) -> tuple[IntArray, npt.NDArray[np.int8]]:
    v = np.asarray(votes, dtype=np.int8)
    if v.size and not np.isin(v, (-1, 0, 1)).all():
        raise ValueError("votes must be 1 (agree), -1 (disagree) or 0 (pass)")
    r = _register(participant_ids, state.participant_ids, state.pindex)
    c = _register(comment_ids, state.comment_ids, state.cindex)
    return (r << _SHIFT) | c, v


def changed_votes(
    state: OpinionState, votes: Sequence[tuple[PolisId, PolisId, int]]
) -> list[tuple[PolisId, PolisId, int]] | None:
    """The triples of ``votes`` (the complete current votes, one per pair) that ``state``
    does not hold with that value, for `update`; None when a vote of the state is gone
    (only a full fit forgets votes)."""
    known: list[tuple[int, int]] = []
    fresh: list[tuple[PolisId, PolisId, int]] = []
    keys: list[int] = []
    for i, (p, c, v) in enumerate(votes):
        r, col = state.pindex.get(p), state.cindex.get(c)
        if r is None or col is None:
            fresh.append((p, c, v))
        else:
            known.append((i, v))
            keys.append((r << 32) | col)
    k = np.asarray(keys, dtype=np.int64)
    pos = np.searchsorted(state.keys, k)
    n = state.keys.shape[0]
    found = pos < n
    found[found] = state.keys[pos[found]] == k[found]
    if int(found.sum()) != n:  # fewer current votes than the state holds: some were removed
        return None
    old = np.zeros(k.shape[0], dtype=np.int16)
    old[found] = state.vals[pos[found]]
    new = np.asarray([v for _, v in known], dtype=np.int16)
    differ = ~found | (old != new)
    fresh += [votes[known[j][0]] for j in np.flatnonzero(differ).tolist()]
    return fresh


def _grow(state: OpinionState, moderated_out: Iterable[PolisId] | None) -> None:
    """Resize per-comment flags after new ids were registered."""
    nc = state.n_comments
    if state.active.shape[0] < nc:
        extra = nc - state.active.shape[0]
        state.active = np.concatenate([state.active, np.ones(extra, dtype=bool)])
        state.meta = np.concatenate([state.meta, np.zeros(extra, dtype=bool)])
    if moderated_out is not None:
        out = set(moderated_out)
        state.active = np.array([c not in out for c in state.comment_ids], dtype=bool)


def _empty_state(params: Params, seed: int) -> OpinionState:
    return OpinionState(
        params=params,
        seed=seed,
        participant_ids=[],
        comment_ids=[],
        pindex={},
        cindex={},
        active=np.zeros(0, dtype=bool),
        meta=np.zeros(0, dtype=bool),
        keys=np.zeros(0, dtype=np.int64),
        vals=np.zeros(0, dtype=np.int8),
    )


def _merge_votes(
    keys: IntArray, vals: npt.NDArray[np.int8], nk: IntArray, nv: npt.NDArray[np.int8]
) -> tuple[IntArray, npt.NDArray[np.int8]]:
    """Sorted keys/values with the sorted, unique new ones merged in (new values win)."""
    pos = np.searchsorted(keys, nk)
    if keys.shape[0]:
        clipped = np.minimum(pos, keys.shape[0] - 1)
        exists = (pos < keys.shape[0]) & (keys[clipped] == nk)
    else:  # no votes yet: every new vote is fresh (indexing an empty array would raise)
        exists = np.zeros(nk.shape[0], dtype=bool)
    out = vals.copy()
    out[pos[exists]] = nv[exists]
    fresh = ~exists
    return np.insert(keys, pos[fresh], nk[fresh]), np.insert(out, pos[fresh], nv[fresh])


def _matrices(
    state: OpinionState,
) -> tuple[IntArray, IntArray, npt.NDArray[np.int8], BoolArray]:
    rows, cols = state.rows_cols()
    on = state.active[cols]
    return rows, cols, state.vals, on
