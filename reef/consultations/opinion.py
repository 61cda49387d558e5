"""Opinion analysis engine: the Polis method plus stable, incremental updates.

Pure Python/NumPy/SciPy (no Django). Formulas follow docs/opinion.md, which cites Polis's
math worker (github.com/compdemocracy/polis) step by step ("ref §n" below).

Sign convention is the CSV one: agree = +1, disagree = -1, pass = 0 (ref §1).

Data model: votes live in a sorted array of int64 keys ``row << 32 | col`` with int8 values, so
an update merges new votes with ``searchsorted`` instead of rebuilding Python dicts, and the
sparse matrices are rebuilt from it in a few milliseconds.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import os
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.cluster.vq import vq
from scipy.sparse.linalg import LinearOperator, eigsh

from reef.consultations.polis_io import PolisId, VoteLog, read_export

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

Z90 = 1.2816  # one-sided 90% normal quantile (ref §8, §9)
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


#: Version of the byte format written by `state_to_bytes`.
STATE_FORMAT = 1
_DERIVED = ("pindex", "cindex")  # rebuilt from the id lists


def _json_scalar(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in an opinion state")


def state_to_bytes(state: OpinionState) -> bytes:
    """The state as an ``np.savez`` archive: arrays as arrays, the rest as one JSON entry.

    No pickle anywhere (loading a pickle runs code), so it is safe to keep in a database.
    """
    arrays: dict[str, npt.NDArray[Any]] = {}
    plain: dict[str, Any] = {"format": STATE_FORMAT}
    for f in dataclasses.fields(state):
        value = getattr(state, f.name)
        if f.name in _DERIVED:
            continue
        if isinstance(value, np.ndarray):
            arrays[f.name] = value
        elif isinstance(value, Params):
            plain[f.name] = dataclasses.asdict(value)
        else:
            plain[f.name] = value
    text = json.dumps(plain, default=_json_scalar)
    arrays["_plain"] = np.frombuffer(text.encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def state_from_bytes(data: bytes) -> OpinionState:
    """The state written by `state_to_bytes`; ValueError when the bytes are not one."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        plain = json.loads(arrays.pop("_plain").tobytes().decode())
    except (OSError, KeyError, EOFError, zipfile.BadZipFile, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"not an opinion state: {exc}") from None
    if not isinstance(plain, dict) or plain.pop("format", None) != STATE_FORMAT:
        raise ValueError("opinion state of another format")
    try:
        plain["params"] = Params(**plain["params"])
        state = OpinionState(**plain, **arrays, pindex={}, cindex={})
    except (KeyError, TypeError) as exc:
        raise ValueError(f"opinion state with other fields: {exc}") from None
    state.pindex = {x: i for i, x in enumerate(state.participant_ids)}
    state.cindex = {x: i for i, x in enumerate(state.comment_ids)}
    return state


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


# ---------------------------------------------------------------- linear algebra


def _matrices(
    state: OpinionState,
) -> tuple[IntArray, IntArray, npt.NDArray[np.int8], BoolArray]:
    rows, cols = state.rows_cols()
    on = state.active[cols]
    return rows, cols, state.vals, on


def _pca(
    state: OpinionState, previous: OpinionState | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Two PCs of the mean-centred, mean-imputed matrix, and the sparsity-aware projection.

    Centring a mean-imputed column leaves zeros where votes are missing (ref §2), so the
    centred matrix Z has the sparsity of the votes: Z_ij = x_ij - mu_j on cast votes only.
    PCs = top eigenvectors of Z^T Z, computed without densifying Z (ref §3).
    """
    n, c = state.n_participants, state.n_comments
    rows, cols, vals, on = _matrices(state)
    x = vals.astype(np.float64)
    cnt = np.bincount(cols, minlength=c).astype(np.float64)
    mean = np.bincount(cols, weights=x, minlength=c) / np.maximum(cnt, 1.0)
    mean[~state.active] = 0.0
    r, k = rows[on], cols[on]
    z = sparse.csr_matrix((x[on] - mean[k], (r, k)), shape=(n, c))
    n_active = int(state.active.sum())
    pcs = np.zeros((2, c))
    if n > 1 and n_active >= 1:
        if n_active <= state.params.dense_pca_max or n_active < 4:
            gram = np.asarray((z.T @ z).toarray())
            w, v = np.linalg.eigh(gram)
            top = v[:, ::-1][:, :2].T
            pcs[: top.shape[0]] = top
        else:
            zt = z.T.tocsr()

            def matvec(u: FloatArray) -> FloatArray:
                return np.asarray(zt @ (z @ u)).ravel()

            op = LinearOperator((c, c), matvec=matvec, dtype=np.float64)
            if previous is not None and previous.pcs.shape[1] > 0:
                v0 = np.zeros(c)
                v0[: previous.pcs.shape[1]] = previous.pcs[0] + 0.5 * previous.pcs[1]
            else:
                v0 = np.random.default_rng(state.seed).standard_normal(c)
            v0[~state.active] = 0.0
            if not np.any(v0):
                v0 = state.active.astype(np.float64)
            w, v = eigsh(op, k=2, which="LA", v0=v0, tol=1e-12)
            pcs = v[:, np.argsort(-w)].T
    pcs[:, ~state.active] = 0.0  # exact zeros, not round-off, for moderated-out comments
    # Deterministic sign: the largest-magnitude loading of each PC is positive.
    for i in range(2):
        if pcs.shape[1] and pcs[i, int(np.argmax(np.abs(pcs[i])))] < 0:
            pcs[i] = -pcs[i]
    # ref §1/§4: the matrix has a column per comment with votes; moderated-out columns are
    # zeroed for everyone, so they count in both C and |V_i| (and add nothing to the sum).
    has_votes = cnt > 0
    n_zeroed = int((has_votes & ~state.active).sum())
    n_cols = int(has_votes.sum())
    n_votes = np.bincount(r, minlength=n).astype(np.float64) + n_zeroed
    scale = np.sqrt(n_cols / np.maximum(n_votes, 1.0))  # ref §4
    proj = np.asarray(z @ pcs.T) * scale[:, None]
    return pcs, mean, proj


# ---------------------------------------------------------------- clustering


def _sqdist(a: FloatArray, b: FloatArray) -> FloatArray:
    d = (a * a).sum(1)[:, None] - 2.0 * (a @ b.T) + (b * b).sum(1)[None, :]
    return np.maximum(d, 0.0)


def _assign(pts: FloatArray, centers: FloatArray) -> IntArray:
    """Nearest centre (SciPy's compiled vq; ties go to the lowest index)."""
    return np.asarray(vq(pts, centers, check_finite=False)[0], dtype=np.int64)


def _lloyd(
    pts: FloatArray, centers: FloatArray, w: FloatArray, iters: int
) -> tuple[FloatArray, IntArray]:
    """Weighted Lloyd iterations; empty clusters keep their centre (dropped by callers)."""
    labels = _assign(pts, centers)
    for _ in range(iters):
        k = centers.shape[0]
        tot = np.bincount(labels, weights=w, minlength=k)
        sx = np.bincount(labels, weights=w * pts[:, 0], minlength=k)
        sy = np.bincount(labels, weights=w * pts[:, 1], minlength=k)
        nz = tot > 0
        centers = centers.copy()
        centers[nz, 0] = sx[nz] / tot[nz]
        centers[nz, 1] = sy[nz] / tot[nz]
        new = _assign(pts, centers)
        if np.array_equal(new, labels):
            break
        labels = new
    return centers, labels.astype(np.int64)


def _first_distinct(pts: FloatArray, k: int, exclude: FloatArray | None = None) -> FloatArray:
    _, first = np.unique(pts, axis=0, return_index=True)
    cand = pts[np.sort(first)]
    if exclude is not None and exclude.shape[0]:
        seen = {tuple(p) for p in exclude.tolist()}
        cand = np.array([p for p in cand.tolist() if tuple(p) not in seen]).reshape(-1, 2)
    return cand[:k]


def _recentre(pts: FloatArray, old: IntArray) -> FloatArray:
    """Previous clusters' centres at their members' new positions; ``old`` is each point's
    previous cluster (-1: none). Clusters left without members are dropped (Polis's
    safe-recenter-clusters, ref §6)."""
    ok = old >= 0
    if not ok.any():
        return np.zeros((0, 2))
    k = int(old[ok].max()) + 1
    tot = np.bincount(old[ok], minlength=k).astype(np.float64)
    sx = np.bincount(old[ok], weights=pts[ok, 0], minlength=k)
    sy = np.bincount(old[ok], weights=pts[ok, 1], minlength=k)
    nz = tot > 0
    return np.stack([sx[nz] / tot[nz], sy[nz] / tot[nz]], axis=1)


def clean_start(pts: FloatArray, init: FloatArray, k: int) -> FloatArray:
    """Polis's clean-start-clusters (ref §6): the previous centres with duplicates merged,
    then the point farthest from every centre becomes a new centre, until there are
    min(k, distinct points) centres (or every point sits on a centre)."""
    _, first = np.unique(init, axis=0, return_index=True)
    centers = init[np.sort(first)][:k]
    possible = min(k, np.unique(pts, axis=0).shape[0])
    if centers.shape[0] >= possible or pts.shape[0] == 0:
        return centers
    if centers.shape[0] == 0:
        centers = pts[:1].copy()
    nearest = _sqdist(pts, centers).min(1)
    added = [centers]
    n_centers = centers.shape[0]
    while n_centers < possible:
        i = int(np.argmax(nearest))
        if nearest[i] <= 0:
            break
        new = pts[i : i + 1].copy()
        added.append(new)
        n_centers += 1
        nearest = np.minimum(nearest, _sqdist(pts, new)[:, 0])
    return np.vstack(added)


def _base_clusters(
    pts: FloatArray, k: int, warm: FloatArray | None, iters: int
) -> tuple[FloatArray, IntArray]:
    """k-means with k=100 on 2-D points, seeded by the first distinct points (ref §6)."""
    k = min(k, np.unique(pts, axis=0).shape[0])
    if warm is not None and warm.shape[0]:
        init = warm[:k]
        if init.shape[0] < k:
            init = np.vstack([init, _first_distinct(pts, k - init.shape[0], init)])
    else:
        init = _first_distinct(pts, k)
    centers, labels = _lloyd(pts, init, np.ones(pts.shape[0]), iters)
    used = np.unique(labels)  # drop empty base clusters
    remap = np.full(centers.shape[0], -1, dtype=np.int64)
    remap[used] = np.arange(used.shape[0])
    return centers[used], remap[labels]


def _weighted_silhouette(pts: FloatArray, w: FloatArray, labels: IntArray) -> float:
    """Silhouette of base centres, each standing for w members at its centre (ref §7)."""
    k = int(labels.max()) + 1
    if k < 2:
        return -1.0
    d = np.sqrt(_sqdist(pts, pts))
    onehot = np.zeros((pts.shape[0], k))
    onehot[np.arange(pts.shape[0]), labels] = w
    sums = d @ onehot  # weighted distance sums to each cluster
    size = onehot.sum(0)
    own = size[labels] - 1.0  # other members of my cluster (my co-members sit at distance 0)
    a = np.where(own > 0, sums[np.arange(pts.shape[0]), labels] / np.maximum(own, 1e-12), 0.0)
    other = sums / np.maximum(size, 1e-12)
    other[np.arange(pts.shape[0]), labels] = np.inf
    b = other.min(1)
    denom = np.maximum(a, b)
    s = np.where((own > 0) & (denom > 0), (b - a) / np.where(denom > 0, denom, 1.0), 0.0)
    return float((s * w).sum() / w.sum())


def _kmeans_pp(pts: FloatArray, w: FloatArray, k: int, rng: np.random.Generator) -> FloatArray:
    centers = [pts[rng.choice(pts.shape[0], p=w / w.sum())]]
    for _ in range(1, k):
        d = _sqdist(pts, np.array(centers)).min(1) * w
        if d.sum() <= 0:
            centers.append(pts[rng.choice(pts.shape[0])])
        else:
            centers.append(pts[rng.choice(pts.shape[0], p=d / d.sum())])
    return np.array(centers)


def _group_kmeans(
    pts: FloatArray,
    w: FloatArray,
    k: int,
    rng: np.random.Generator,
    warm: FloatArray | None,
    n_init: int,
) -> tuple[FloatArray, IntArray]:
    """Weighted k-means on base centres; best inertia over restarts (warm start included)."""
    inits = [_kmeans_pp(pts, w, k, rng) for _ in range(n_init)]
    if warm is not None and warm.shape[0] == k:
        inits.insert(0, warm)
    best: tuple[float, FloatArray, IntArray] | None = None
    for init in inits:
        c, lab = _lloyd(pts, init, w, 100)
        inertia = float((w * _sqdist(pts, c)[np.arange(pts.shape[0]), lab]).sum())
        if np.unique(lab).shape[0] < k:
            continue
        if best is None or inertia < best[0] - 1e-12:
            best = (inertia, c, lab)
    if best is None:
        c, lab = _lloyd(pts, inits[0], w, 100)
        return c, lab
    return best[1], best[2]


def _choose_in_conv(state: OpinionState, previous: OpinionState | None) -> BoolArray:
    rows, cols, _, _ = _matrices(state)
    n = state.n_participants
    # Votes on moderated-out comments count here, as in Polis (they are zeroed, not missing).
    n_votes = np.bincount(rows, minlength=n)
    # Polis's n-cmts: the columns of its vote matrix, i.e. the comments with a vote so far.
    n_cols = int(np.count_nonzero(np.bincount(cols, minlength=state.n_comments)))
    need = min(state.params.min_votes, n_cols)
    ok = n_votes >= max(need, 1)
    if previous is not None:  # once clustered, always clustered (ref §5 / beyond Polis)
        ok[: previous.in_conv.shape[0]] |= previous.in_conv
    if ok.sum() < state.params.min_participants:
        order = np.lexsort((np.arange(n), -n_votes))
        top = order[: state.params.min_participants]
        ok[top[n_votes[top] > 0]] = True
    return ok


def _match_labels(new: IntArray, old: IntArray, k_new: int) -> IntArray:
    """Map new group labels to old ones maximising shared members (Hungarian method)."""
    both = (new >= 0) & (old >= 0)
    from scipy.optimize import linear_sum_assignment  # lazy: only updates need it (17 MB)

    k_old = int(old.max()) + 1 if (old >= 0).any() else 0
    mapping = np.full(k_new, -1, dtype=np.int64)
    if k_old and both.any():
        table = np.zeros((k_new, k_old))
        np.add.at(table, (new[both], old[both]), 1.0)
        ri, ci = linear_sum_assignment(-table)
        for a, b in zip(ri.tolist(), ci.tolist(), strict=True):
            if table[a, b] > 0:
                mapping[a] = b
    free = iter(x for x in range(k_new + k_old + 1) if x not in set(mapping.tolist()))
    for a in range(k_new):
        if mapping[a] < 0:
            mapping[a] = next(free)
    # Compact so labels are 0..k-1 while keeping matched ones where possible.
    return mapping


def smooth_k(
    current: int, candidate: int, streak: int, best: int, needed: int
) -> tuple[int, int, int]:
    """Polis's k smoothing (ref §7): keep ``current`` until the same other k has won
    ``needed`` updates in a row. Returns (k to use, candidate, streak)."""
    if best == current:
        return current, current, 0
    streak = streak + 1 if candidate == best else 1
    if streak >= needed:
        return best, best, 0
    return current, best, streak


def _previous_of(labels: IntArray, idx: IntArray) -> IntArray:
    """``labels`` (per participant of the previous state) for the rows ``idx`` of the new one;
    -1 for participants the previous state did not have."""
    old = np.full(idx.shape[0], -1, dtype=np.int64)
    known = idx < labels.shape[0]
    old[known] = labels[idx[known]]
    return old


def _silhouette(centers: FloatArray, weights: FloatArray, labels: IntArray, kind: str) -> float:
    if kind == "polis":  # each base centre counts once (clusters.clj `silhouette`)
        return _weighted_silhouette(centers, np.ones(centers.shape[0]), labels)
    return _weighted_silhouette(centers, weights, labels)


def _warm_groups(
    pts: FloatArray,
    centers: FloatArray,
    weights: FloatArray,
    old: IntArray,
    k: int,
    p: Params,
) -> tuple[FloatArray, IntArray] | None:
    """One weighted k-means run for ``k`` groups from the previous k-grouping's members, as
    Polis does on every update (clean-start-clusters, then kmeans; ref §7). None when the
    previous grouping does not give k non-empty groups (the caller starts cold)."""
    if not (old >= 0).any():
        return None
    init = clean_start(centers, _recentre(pts, old), k)
    if init.shape[0] != k:
        return None
    c, lab = _lloyd(centers, init, weights, p.group_iter_update)
    if np.unique(lab).shape[0] != k:
        return None
    return c, lab


def _cluster(
    state: OpinionState,
    previous: OpinionState | None,
    *,
    in_conv: BoolArray | None = None,
    k_fixed: int = 0,
) -> None:
    """Base clusters and groups of ``state``, from ``previous`` (an update) or cold.
    ``in_conv`` / ``k_fixed``: who is clustered and which k, decided elsewhere (`refit`)."""
    p = state.params
    n = state.n_participants
    if in_conv is None:
        in_conv = _choose_in_conv(state, previous)
    idx = np.flatnonzero(in_conv)
    state.in_conv = in_conv
    state.base_labels = np.full(n, -1, dtype=np.int64)
    state.groups = np.full(n, -1, dtype=np.int64)
    width = max(p.max_groups - 1, 0)
    state.group_k_labels = np.full((n, width), -1, dtype=np.int64)
    if idx.shape[0] == 0:
        state.base_centers = np.zeros((0, 2))
        state.group_centers = np.zeros((0, 2))
        state.k = 0
        return
    pts = state.proj[idx]
    warm = previous.base_centers if previous is not None else None
    if previous is not None and p.warm_members and warm is not None and warm.shape[0]:
        warm = clean_start(pts, _recentre(pts, _previous_of(previous.base_labels, idx)), p.base_k)
    iters = p.base_iter_update if warm is not None and warm.shape[0] else p.base_iter_full
    centers, blab = _base_clusters(pts, p.base_k, warm, iters)
    state.base_centers = centers
    state.base_labels[idx] = blab
    weights = np.bincount(blab, minlength=centers.shape[0]).astype(np.float64)
    nb = centers.shape[0]
    kmax = min(p.max_groups, 2 + nb // 12, nb)
    rng = np.random.default_rng(state.seed)
    results: dict[int, tuple[FloatArray, IntArray, float]] = {}
    prev_gc = previous.group_centers if previous is not None else None
    prev_k = None
    if previous is not None and p.warm_members:
        prev_k = previous.group_k_labels
        if prev_k.shape != (previous.n_participants, width):
            prev_k = None  # a state written before per-k labels were kept
    for k in range(2, kmax + 1):
        found = None
        if prev_k is not None:
            old_k = _previous_of(prev_k[:, k - 2], idx)
            found = _warm_groups(pts, centers, weights, old_k, k, p)
        if found is None:
            warm_gc = None if p.warm_members else prev_gc
            found = _group_kmeans(centers, weights, k, rng, warm_gc, p.group_n_init)
        c, lab = found
        results[k] = (c, lab, _silhouette(centers, weights, lab, p.silhouette))
        state.group_k_labels[idx, k - 2] = lab[blab]
    if not results:
        results[1] = (
            (centers * weights[:, None]).sum(0, keepdims=True) / weights.sum(),
            np.zeros(nb, dtype=np.int64),
            0.0,
        )
    best_k = max(results, key=lambda k: (results[k][2], -k))
    if k_fixed in results:
        k, state.k_candidate, state.k_streak = k_fixed, k_fixed, 0
    elif previous is not None and previous.k in results:
        k, state.k_candidate, state.k_streak = smooth_k(
            previous.k, previous.k_candidate, previous.k_streak, best_k, p.k_switch_updates
        )
    else:
        k, state.k_candidate, state.k_streak = best_k, best_k, 0
    gc, glab = results[k][0], results[k][1]
    member = glab[blab]
    if previous is not None and (previous.groups >= 0).any():
        old = np.full(idx.shape[0], -1, dtype=np.int64)
        known = idx < previous.groups.shape[0]
        old[known] = previous.groups[idx[known]]
        mapping = _match_labels(member, old, k)
    else:
        # Cold start: label by size (largest first), then by x for ties.
        sizes = np.bincount(member, minlength=k)
        order = np.lexsort((gc[:, 0], -sizes))
        mapping = np.empty(k, dtype=np.int64)
        mapping[order] = np.arange(k)
    labels = mapping[member]
    state.groups[idx] = labels
    kk = int(mapping.max()) + 1
    gcs = np.full((kk, 2), np.nan)
    gcs[mapping] = gc
    state.group_centers = gcs
    state.k = k


def refit(state: OpinionState) -> OpinionState:
    """``state``'s participants and k (from its history) with base clusters and groups made
    cold on its final projection: the best of `Params.group_n_init` starts instead of the
    warm-started path (beyond Polis; see docs/opinion.md, "History replay")."""
    new = dataclasses.replace(state)
    _cluster(new, None, in_conv=state.in_conv.copy(), k_fixed=state.k)
    new.k_candidate, new.k_streak = state.k_candidate, state.k_streak
    return new


def _analyse(state: OpinionState, previous: OpinionState | None) -> OpinionState:
    state.pcs, state.mean, state.proj = _pca(state, previous)
    _cluster(state, previous)
    state.n_updates = (previous.n_updates + 1) if previous is not None else 0
    return state


# ---------------------------------------------------------------- statistics


@dataclass
class Counts:
    """Per-comment vote counts; 2-D variants are (group, comment)."""

    agree: IntArray
    disagree: IntArray
    passes: IntArray

    @property
    def seen(self) -> IntArray:
        return self.agree + self.disagree + self.passes


def count_votes(state: OpinionState, labels: IntArray | None = None, k: int = 1) -> Counts:
    """Raw counts by label (labels < 0 are skipped); statistics never use imputed values."""
    rows, cols, vals, _ = _matrices(state)
    c = state.n_comments
    lab = np.zeros(rows.shape[0], dtype=np.int64) if labels is None else labels[rows]
    keep = lab >= 0
    key = lab[keep] * c + cols[keep]
    v = vals[keep]
    size = k * c

    def cnt(mask: BoolArray) -> IntArray:
        return np.bincount(key[mask], minlength=size).reshape(k, c).astype(np.int64)

    return Counts(cnt(v == 1), cnt(v == -1), cnt(v == 0))


def prop_test(succ: FloatArray, n: FloatArray) -> FloatArray:
    """pat/pdt: 2 sqrt(n+1) ((succ+1)/(n+1) - 1/2) (ref §8)."""
    return 2.0 * np.sqrt(n + 1.0) * ((succ + 1.0) / (n + 1.0) - 0.5)


def two_prop_test(s1: FloatArray, n1: FloatArray, s2: FloatArray, n2: FloatArray) -> FloatArray:
    """rat/rdt: pseudo-counted two-proportion z-test, 0 when the pooled p is 1 (ref §8)."""
    p1 = (s1 + 1.0) / (n1 + 1.0)
    p2 = (s2 + 1.0) / (n2 + 1.0)
    p = (s1 + s2 + 2.0) / (n1 + n2 + 2.0)
    var = p * (1.0 - p) * (1.0 / (n1 + 1.0) + 1.0 / (n2 + 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (p1 - p2) / np.sqrt(var)
    return np.where((p >= 1.0) | (var <= 0), 0.0, z)


@dataclass
class Repness:
    pa: FloatArray
    pat: FloatArray
    ra: FloatArray
    rat: FloatArray
    pd: FloatArray
    pdt: FloatArray
    rd: FloatArray
    rdt: FloatArray


def repness_stats(group: Counts, total: Counts) -> Repness:
    """Representativeness of each comment for each group vs the rest (ref §8)."""
    na, nd, ns = (group.agree.astype(float), group.disagree.astype(float), group.seen.astype(float))
    ra_, rd_, rs = (
        total.agree.astype(float) - na,
        total.disagree.astype(float) - nd,
        total.seen.astype(float) - ns,
    )
    pa = (na + 1.0) / (ns + 2.0)
    pd = (nd + 1.0) / (ns + 2.0)
    return Repness(
        pa=pa,
        pat=prop_test(na, ns),
        ra=pa / ((ra_ + 1.0) / (rs + 2.0)),
        rat=two_prop_test(na, ns, ra_, rs),
        pd=pd,
        pdt=prop_test(nd, ns),
        rd=pd / ((rd_ + 1.0) / (rs + 2.0)),
        rdt=two_prop_test(nd, ns, rd_, rs),
    )


@dataclass(frozen=True)
class RepStatement:
    comment: int  # column index
    direction: str  # "agree" | "disagree"
    p: float  # pa or pd within the group
    z: float  # rat or rdt: group vs rest
    metric: float


def select_representative(
    rep: Repness, g: int, active: BoolArray, limit: int
) -> list[RepStatement]:
    """Significant (both z > 1.2816) statements, ranked by r * rt * p * pt, best agree first."""
    agree_dir = rep.rat[g] > rep.rdt[g]
    a_ok = agree_dir & (rep.pat[g] > Z90) & (rep.rat[g] > Z90) & active
    d_ok = ~agree_dir & (rep.pdt[g] > Z90) & (rep.rdt[g] > Z90) & active
    a_m = rep.ra[g] * rep.rat[g] * rep.pa[g] * rep.pat[g]
    d_m = rep.rd[g] * rep.rdt[g] * rep.pd[g] * rep.pdt[g]
    cands = [
        RepStatement(int(j), "agree", float(rep.pa[g, j]), float(rep.rat[g, j]), float(a_m[j]))
        for j in np.flatnonzero(a_ok)
    ] + [
        RepStatement(int(j), "disagree", float(rep.pd[g, j]), float(rep.rdt[g, j]), float(d_m[j]))
        for j in np.flatnonzero(d_ok)
    ]
    cands.sort(key=lambda s: (-s.metric, s.comment))
    chosen = cands[:limit]
    agrees = [s for s in cands if s.direction == "agree"]
    if agrees:
        best = agrees[0]
        rest = [s for s in chosen if s is not best]
        chosen = [best, *rest][:limit]
    return chosen


def majority_statements(
    total: Counts, active: BoolArray, limit: int, min_votes: int
) -> tuple[list[int], list[int]]:
    """pa > 0.5 and pat > 1.2816, ranked by pa * pat, top ``limit`` each way (ref §9).

    Beyond Polis: statements with fewer than ``min_votes`` votes are never consensus.
    """
    na, nd, ns = (total.agree[0].astype(float), total.disagree[0].astype(float), total.seen[0])
    ns_f = ns.astype(float)
    enough = (ns >= min_votes) & active
    out: list[list[int]] = []
    for succ in (na, nd):
        p = (succ + 1.0) / (ns_f + 2.0)
        t = prop_test(succ, ns_f)
        ok = np.flatnonzero(enough & (p > 0.5) & (t > Z90))
        order = sorted(ok.tolist(), key=lambda j: (-p[j] * t[j], j))
        out.append(order[:limit])
    return out[0], out[1]


def group_informed_consensus(group: Counts) -> FloatArray:
    """GIC_c = prod_g (A_g + 1) / (S_g + 2) (ref §10)."""
    return np.asarray(np.prod((group.agree + 1.0) / (group.seen + 2.0), axis=0), dtype=np.float64)


def divisive_mask(group: Counts, min_votes: int) -> BoolArray:
    """Groups split: one group's non-pass majority agrees while another's disagrees."""
    heard = (group.agree + group.disagree) >= max(min_votes, 1)
    pro = heard & (group.agree > group.disagree)
    con = heard & (group.disagree > group.agree)
    return np.asarray(pro.any(0) & con.any(0))


def routing_priority(total: Counts, extremity: FloatArray, meta: BoolArray) -> FloatArray:
    """Comment routing priority (ref §11); meta comments get extremity 49."""
    a = total.agree[0].astype(float)
    p = total.passes[0].astype(float)
    s = total.seen[0].astype(float)
    e = np.where(meta, 49.0, extremity)
    imp = (1.0 - (p + 1.0) / (s + 2.0)) * (e + 1.0) * (a + 1.0) / (s + 2.0)
    return np.asarray((imp * (1.0 + 8.0 * np.power(2.0, -s / 5.0))) ** 2)


def extremity(state: OpinionState) -> FloatArray:
    """|projection| of a participant who only agreed with comment j: sqrt(C) |1 - mu_j| |pc_j|."""
    c_active = max(int(state.active.sum()), 1)
    norm = np.sqrt((state.pcs**2).sum(0)) if state.pcs.size else np.zeros(state.n_comments)
    return np.asarray(math.sqrt(c_active) * np.abs(1.0 - state.mean) * norm)


# ---------------------------------------------------------------- results


@dataclass
class OpinionResult:
    state: OpinionState
    total: Counts
    by_group: Counts
    group_labels: list[int]  # label of each row of by_group
    repness: Repness
    representative: dict[int, list[RepStatement]]
    consensus_agree: list[int]
    consensus_disagree: list[int]
    gic: FloatArray
    divisive: BoolArray
    priority: FloatArray

    def to_json_dict(self, statements: Sequence[PolisId] | None = None) -> dict[str, Any]:
        """The public JSON contract of ``reef consensus analyze FOLDER --json``."""
        s = self.state
        cid = s.comment_ids
        n_votes = np.bincount(s.rows_cols()[0], minlength=s.n_participants)
        participants = [
            {
                "id": pid,
                "group": int(g) if g >= 0 else None,
                "x": float(x),
                "y": float(y),
                "votes": int(nv),
            }
            for pid, g, (x, y), nv in zip(
                s.participant_ids, s.groups.tolist(), s.proj.tolist(), n_votes.tolist(), strict=True
            )
        ]
        sizes = np.bincount(s.groups[s.groups >= 0], minlength=len(self.group_labels))
        groups = [
            {
                "id": g,
                "size": int(sizes[g]),
                "representative": [
                    {"statement": cid[r.comment], "direction": r.direction, "p": r.p, "z": r.z}
                    for r in self.representative.get(g, [])
                ],
            }
            for g in self.group_labels
        ]
        order = (
            [s.cindex[c] for c in statements]
            if statements is not None
            else np.flatnonzero(s.active).tolist()
        )
        stmts = [
            {
                "id": cid[j],
                "agree": int(self.total.agree[0, j]),
                "disagree": int(self.total.disagree[0, j]),
                "pass": int(self.total.passes[0, j]),
                "gic": float(self.gic[j]),
                "divisive": bool(self.divisive[j]),
            }
            for j in order
        ]
        return {
            "participants": participants,
            "groups": groups,
            "consensus": {
                "agree": [cid[j] for j in self.consensus_agree],
                "disagree": [cid[j] for j in self.consensus_disagree],
            },
            "statements": stmts,
        }


def results(state: OpinionState) -> OpinionResult:
    """Statistics on the raw votes for the state's groups (ref §8-§11)."""
    p = state.params
    labels_present = sorted(set(state.groups[state.groups >= 0].tolist()))
    k = (max(labels_present) + 1) if labels_present else 0
    total = count_votes(state)
    by_group = count_votes(state, state.groups, max(k, 1)) if k else count_votes(state, None)
    if not k:
        by_group = Counts(*(np.zeros_like(a) for a in (total.agree, total.disagree, total.passes)))
    grouped_total = Counts(
        by_group.agree.sum(0, keepdims=True),
        by_group.disagree.sum(0, keepdims=True),
        by_group.passes.sum(0, keepdims=True),
    )
    rep = repness_stats(by_group, grouped_total)
    representative = {
        g: select_representative(rep, g, state.active, p.rep_max) for g in labels_present
    }
    ca, cd = majority_statements(total, state.active, p.consensus_max, p.consensus_min_votes)
    present = Counts(
        by_group.agree[labels_present],
        by_group.disagree[labels_present],
        by_group.passes[labels_present],
    )
    gic = group_informed_consensus(present) if labels_present else np.zeros(state.n_comments)
    return OpinionResult(
        state=state,
        total=total,
        by_group=by_group,
        group_labels=labels_present,
        repness=rep,
        representative=representative,
        consensus_agree=ca,
        consensus_disagree=cd,
        gic=gic,
        divisive=divisive_mask(present, p.consensus_min_votes),
        priority=routing_priority(total, extremity(state), state.meta) * state.active,
    )


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


# ---------------------------------------------------------------- consensus reality report

SECTORS = (
    "government",
    "private sector",
    "academia",
    "civil society",
    "international organisation",
)


@dataclass(frozen=True)
class Agreement:
    """Votes on one statement by some set of participants; pass is counted apart."""

    agree: int = 0
    disagree: int = 0
    passes: int = 0

    @property
    def non_pass(self) -> int:
        return self.agree + self.disagree

    def share(self, direction: str) -> float | None:
        """Share of non-pass votes in ``direction`` (None when nobody took a side)."""
        if self.non_pass == 0:
            return None
        return (self.agree if direction == "agree" else self.disagree) / self.non_pass

    def to_dict(self) -> dict[str, Any]:
        return {
            "agree": self.agree,
            "disagree": self.disagree,
            "pass": self.passes,
            "agree_share": self.share("agree"),
        }


@dataclass(frozen=True)
class StatementReality:
    statement: PolisId
    label: str  # real_consensus | apparent_consensus | divisive | no_consensus
    direction: str | None  # direction of the overall majority when it passes the threshold
    overall: Agreement
    by_group: dict[int, Agreement]
    by_sector: dict[str, Agreement]
    dissenting: list[str]  # e.g. "group 1", "sector academia": heard, but do not agree
    barely_heard: list[str]  # fewer than min_votes non-pass votes

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "label": self.label,
            "direction": self.direction,
            "overall": self.overall.to_dict(),
            "groups": {str(g): a.to_dict() for g, a in self.by_group.items()},
            "sectors": {s: a.to_dict() for s, a in self.by_sector.items()},
            "dissenting": self.dissenting,
            "barely_heard": self.barely_heard,
        }


@dataclass(frozen=True)
class RealityReport:
    statements: list[StatementReality]
    sector_participants: dict[str, int]
    sectors_not_heard: list[str]  # expected sectors with fewer than min_participants
    countries_not_heard: list[str]
    threshold: float
    min_votes: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "min_votes": self.min_votes,
            "sector_participants": self.sector_participants,
            "sectors_not_heard": self.sectors_not_heard,
            "countries_not_heard": self.countries_not_heard,
            "statements": [s.to_dict() for s in self.statements],
        }


def _tally(
    votes: Sequence[tuple[PolisId, PolisId, int]], key: Mapping[PolisId, Any]
) -> dict[tuple[PolisId, Any], list[int]]:
    out: dict[tuple[PolisId, Any], list[int]] = {}
    for pid, cid, v in votes:
        k = key.get(pid)
        if k is None:
            continue
        t = out.setdefault((cid, k), [0, 0, 0])
        t[0 if v == 1 else 1 if v == -1 else 2] += 1
    return out


def consensus_reality(
    votes: Iterable[tuple[PolisId, PolisId, int]],
    groups: Mapping[Any, int | None],
    sectors: Mapping[Any, str],
    countries: Mapping[Any, str] | None = None,
    *,
    statements: Sequence[PolisId] | None = None,
    threshold: float = 0.6,
    min_votes: int = 5,
    min_participants: int = 3,
    expected_sectors: Sequence[str] = SECTORS,
    expected_countries: Sequence[str] = (),
) -> RealityReport:
    """Is an apparent consensus real? (pure function; beyond Polis).

    ``votes`` are the current (participant, statement, vote) triples, one per pair.
    A statement is ``real_consensus`` when the overall non-pass share in one direction exceeds
    ``threshold`` with at least ``min_votes`` non-pass votes AND so does every opinion group and
    every represented sector (a sector with participants in the conversation). It is
    ``apparent_consensus`` when the overall majority passes but some group or sector disagrees
    or was barely heard (< ``min_votes`` non-pass votes), ``divisive`` when one group's majority
    agrees and another's disagrees, else ``no_consensus``.
    """
    vs = list(votes)
    everyone = {pid: 0 for pid, _, _ in vs}
    overall = _tally(vs, everyone)
    by_group = _tally(vs, {p: g for p, g in groups.items() if g is not None})
    by_sector = _tally(vs, sectors)
    voters = set(everyone)
    group_ids = sorted({g for p, g in groups.items() if g is not None and p in voters})
    sector_count: dict[str, int] = {s: 0 for s in expected_sectors}
    for p in voters:
        if p in sectors:
            sector_count[sectors[p]] = sector_count.get(sectors[p], 0) + 1
    present_sectors = [s for s, n in sector_count.items() if n > 0]
    order: list[PolisId] = list(statements) if statements is not None else []
    if statements is None:
        seen: set[PolisId] = set()
        for _, cid, _ in vs:
            if cid not in seen:
                seen.add(cid)
                order.append(cid)

    def agreement(t: dict[tuple[PolisId, Any], list[int]], cid: PolisId, k: Any) -> Agreement:
        a = t.get((cid, k), [0, 0, 0])
        return Agreement(a[0], a[1], a[2])

    out: list[StatementReality] = []
    for cid in order:
        tot = agreement(overall, cid, 0)
        gs = {g: agreement(by_group, cid, g) for g in group_ids}
        ss = {s: agreement(by_sector, cid, s) for s in present_sectors}
        direction = None
        for d in ("agree", "disagree"):
            sh = tot.share(d)
            if tot.non_pass >= min_votes and sh is not None and sh > threshold:
                direction = d
        dissenting: list[str] = []
        barely: list[str] = []
        parts = [(f"group {g}", a) for g, a in gs.items()] + [
            (f"sector {s}", a) for s, a in ss.items()
        ]
        for name, a in parts:
            if a.non_pass < min_votes:
                barely.append(name)
            elif direction is not None and (a.share(direction) or 0.0) <= threshold:
                dissenting.append(name)
        if direction is not None:
            label = "real_consensus" if not dissenting and not barely else "apparent_consensus"
        else:
            heard = [a for a in gs.values() if a.non_pass >= min_votes]
            pro = any(a.agree > a.disagree for a in heard)
            con = any(a.disagree > a.agree for a in heard)
            label = "divisive" if pro and con else "no_consensus"
            dissenting = []
        out.append(StatementReality(cid, label, direction, tot, gs, ss, dissenting, barely))
    country_count: dict[str, int] = {c: 0 for c in expected_countries}
    for p in voters:
        if countries and p in countries:
            country_count[countries[p]] = country_count.get(countries[p], 0) + 1
    return RealityReport(
        statements=out,
        sector_participants=sector_count,
        sectors_not_heard=[s for s, n in sector_count.items() if n < min_participants],
        countries_not_heard=sorted(c for c, n in country_count.items() if n < min_participants),
        threshold=threshold,
        min_votes=min_votes,
    )


def state_votes(state: OpinionState) -> list[tuple[PolisId, PolisId, int]]:
    """Current (participant, comment, vote) triples of a state (active comments only)."""
    rows, cols, vals, on = _matrices(state)
    pid, cid = state.participant_ids, state.comment_ids
    return [
        (pid[r], cid[c], v)
        for r, c, v in zip(rows[on].tolist(), cols[on].tolist(), vals[on].tolist(), strict=True)
    ]


def state_groups(state: OpinionState) -> dict[PolisId, int | None]:
    return {
        p: (int(g) if g >= 0 else None)
        for p, g in zip(state.participant_ids, state.groups, strict=True)
    }


# ---------------------------------------------------------------- a participant's group
#
# Beyond Polis: participants rarely understand the opinion map, so a participant is told
# which group they are in and where that group differs from the others. Everything here
# reads the stored analysis (the JSON of `OpinionResult.to_json_dict` under "result" and of
# `RealityReport.to_dict` under "reality"), never the votes: what a person is told matches
# the map and the bars beside it.

DIRECTIONS = ("agree", "disagree")


@dataclass(frozen=True)
class GroupShares:
    """One group's votes on one statement; shares are of all its votes, pass included (as
    the bars draw them)."""

    group: int
    agree: int = 0
    disagree: int = 0
    passes: int = 0

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passes

    def share(self, direction: str) -> float:
        if self.seen == 0:
            return 0.0
        n = {"agree": self.agree, "disagree": self.disagree, "pass": self.passes}[direction]
        return n / self.seen


@dataclass(frozen=True)
class Difference:
    """Where a group differs from the other groups taken together."""

    statement: PolisId
    direction: str  # the direction of the larger gap: "agree" or "disagree"
    group_share: float
    others_share: float

    @property
    def gap(self) -> float:
        return abs(self.group_share - self.others_share)

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "direction": self.direction,
            "group_share": self.group_share,
            "others_share": self.others_share,
        }


@dataclass(frozen=True)
class CommonGround:
    """A statement on which every group's majority takes the same side."""

    statement: PolisId
    direction: str
    lowest_share: float  # the share of the least convinced group

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "direction": self.direction,
            "lowest_share": self.lowest_share,
        }


#: placed: in a group; not_placed: analysed but in no group (too few votes yet);
#: pending: voted after the stored analysis was made and not placed in it;
#: no_votes: nothing to place.
PLACEMENT_STATUSES = ("placed", "not_placed", "pending", "no_votes")


@dataclass(frozen=True)
class GroupPlacement:
    status: str
    group: int | None = None
    size: int = 0
    n_groups: int = 0
    update_due: bool = False  # placed, but voted since: the next analysis may move them
    differences: list[Difference] = field(default_factory=list)
    common: list[CommonGround] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "group": self.group,
            "size": self.size,
            "n_groups": self.n_groups,
            "update_due": self.update_due,
            "differences": [d.to_dict() for d in self.differences],
            "common": [c.to_dict() for c in self.common],
        }


def group_tallies(analysis: Mapping[str, Any]) -> dict[PolisId, list[GroupShares]]:
    """Per statement, each group's votes (groups in label order), from a stored analysis."""
    out: dict[PolisId, list[GroupShares]] = {}
    for s in (analysis.get("reality") or {}).get("statements", []):
        shares = [
            GroupShares(
                int(g), int(a.get("agree", 0)), int(a.get("disagree", 0)), int(a.get("pass", 0))
            )
            for g, a in (s.get("groups") or {}).items()
        ]
        out[s["statement"]] = sorted(shares, key=lambda x: x.group)
    return out


def _pooled(shares: Iterable[GroupShares], group: int) -> GroupShares:
    rest = [s for s in shares if s.group != group]
    return GroupShares(
        -1,
        sum(s.agree for s in rest),
        sum(s.disagree for s in rest),
        sum(s.passes for s in rest),
    )


def group_differences(
    tallies: Mapping[PolisId, Sequence[GroupShares]],
    group: int,
    *,
    statements: Sequence[PolisId] | None = None,
    limit: int = 3,
    min_votes: int = 3,
    min_gap: float = 0.15,
) -> list[Difference]:
    """The statements where ``group`` differs most from the other groups pooled.

    Only statements in ``statements`` (those still shown: moderated-out ones are left out),
    with at least ``min_votes`` votes in the group and in the others, and a gap of at least
    ``min_gap`` in agree or disagree share. Largest gap first; ties keep statement order.
    """
    order = list(statements) if statements is not None else list(tallies)
    found: list[tuple[float, int, Difference]] = []
    for i, sid in enumerate(order):
        shares = tallies.get(sid, ())
        mine = next((s for s in shares if s.group == group), None)
        if mine is None or mine.seen < min_votes:
            continue
        others = _pooled(shares, group)
        if others.seen < min_votes:
            continue
        best = max(
            (Difference(sid, d, mine.share(d), others.share(d)) for d in DIRECTIONS),
            # On a tie, the side the group takes: "B disagrees 100 %, others 0 %" rather
            # than "B agrees 0 %, others 100 %".
            key=lambda x: (round(x.gap, 9), x.group_share),
        )
        if best.gap >= min_gap - 1e-12:
            found.append((-round(best.gap, 9), i, best))
    found.sort(key=lambda t: (t[0], t[1]))
    return [d for _, _, d in found[:limit]]


def common_ground(
    tallies: Mapping[PolisId, Sequence[GroupShares]],
    groups: Sequence[int],
    *,
    statements: Sequence[PolisId] | None = None,
    limit: int = 3,
    min_votes: int = 3,
) -> list[CommonGround]:
    """Statements on which more than half of every group's votes take the same side.

    Needs two groups at least (one group agreeing with itself is no common ground) and
    ``min_votes`` votes in every group. Most convinced first (by the least convinced
    group's share); ties keep statement order.
    """
    if len(groups) < 2:
        return []
    order = list(statements) if statements is not None else list(tallies)
    found: list[tuple[float, int, CommonGround]] = []
    for i, sid in enumerate(order):
        by_group = {s.group: s for s in tallies.get(sid, ())}
        if any(g not in by_group or by_group[g].seen < min_votes for g in groups):
            continue
        for d in DIRECTIONS:
            lowest = min(by_group[g].share(d) for g in groups)
            if lowest > 0.5:
                found.append((-round(lowest, 9), i, CommonGround(sid, d, lowest)))
    found.sort(key=lambda t: (t[0], t[1]))
    return [c for _, _, c in found[:limit]]


def participant_group(
    analysis: Mapping[str, Any],
    participant: PolisId,
    *,
    voted_since: bool,
    statements: Sequence[PolisId] | None = None,
    limit: int = 3,
    min_votes: int = 3,
    min_gap: float = 0.15,
) -> GroupPlacement:
    """Which group the stored analysis puts ``participant`` in, and where it differs.

    ``voted_since``: the participant voted after the analysis was made (its placement may
    be missing or about to change). ``statements``: the statements still shown, in display
    order (the others, e.g. moderated out since, are never named).
    """
    result = analysis.get("result") or {}
    me = next((p for p in result.get("participants", []) if p.get("id") == participant), None)
    groups = [int(g["id"]) for g in result.get("groups", [])]
    if me is None or me.get("group") is None:
        if voted_since:
            status = "pending"
        else:
            status = "not_placed" if me is not None and me.get("votes", 0) else "no_votes"
        return GroupPlacement(status=status, n_groups=len(groups))
    group = int(me["group"])
    size = next((int(g["size"]) for g in result.get("groups", []) if g["id"] == group), 0)
    tallies = group_tallies(analysis)
    return GroupPlacement(
        status="placed",
        group=group,
        size=size,
        n_groups=len(groups),
        update_due=voted_since,
        differences=group_differences(
            tallies,
            group,
            statements=statements,
            limit=limit,
            min_votes=min_votes,
            min_gap=min_gap,
        ),
        common=common_ground(
            tallies, groups, statements=statements, limit=limit, min_votes=min_votes
        ),
    )
