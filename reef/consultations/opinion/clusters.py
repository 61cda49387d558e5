"""Base clusters (k-means, k=100) and opinion groups on the projection, cold or warm-started."""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.cluster.vq import vq

from reef.consultations.opinion.matrix import (
    BoolArray,
    FloatArray,
    IntArray,
    OpinionState,
    Params,
    _matrices,
)


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


def _group_candidates(
    state: OpinionState,
    previous: OpinionState | None,
    idx: IntArray,
    pts: FloatArray,
    centers: FloatArray,
    blab: IntArray,
    width: int,
) -> dict[int, tuple[FloatArray, IntArray, float]]:
    """Groups of the base clusters for each k the data allow, with their silhouette: warm
    from ``previous``'s per-k labels where they still fit, else k-means. Each k's labels of
    the participants go to ``state.group_k_labels``; one group of all when no k fits."""
    p = state.params
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
    return results


def _choose_k(
    state: OpinionState,
    previous: OpinionState | None,
    results: dict[int, tuple[FloatArray, IntArray, float]],
    k_fixed: int,
) -> int:
    """The number of groups: ``k_fixed`` if given, else the best silhouette, smoothed over
    updates from ``previous``; sets ``state.k_candidate`` and ``state.k_streak``."""
    best_k = max(results, key=lambda k: (results[k][2], -k))
    if k_fixed in results:
        k, state.k_candidate, state.k_streak = k_fixed, k_fixed, 0
    elif previous is not None and previous.k in results:
        k, state.k_candidate, state.k_streak = smooth_k(
            previous.k,
            previous.k_candidate,
            previous.k_streak,
            best_k,
            state.params.k_switch_updates,
        )
    else:
        k, state.k_candidate, state.k_streak = best_k, best_k, 0
    return k


def _stable_mapping(
    previous: OpinionState | None, idx: IntArray, member: IntArray, gc: FloatArray, k: int
) -> IntArray:
    """The label each of the k new groups takes: that of the previous group sharing the most
    members (an update), else by size (a cold start)."""
    if previous is not None and (previous.groups >= 0).any():
        old = np.full(idx.shape[0], -1, dtype=np.int64)
        known = idx < previous.groups.shape[0]
        old[known] = previous.groups[idx[known]]
        return _match_labels(member, old, k)
    # Cold start: label by size (largest first), then by x for ties.
    sizes = np.bincount(member, minlength=k)
    order = np.lexsort((gc[:, 0], -sizes))
    mapping = np.empty(k, dtype=np.int64)
    mapping[order] = np.arange(k)
    return mapping


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
    results = _group_candidates(state, previous, idx, pts, centers, blab, width)
    k = _choose_k(state, previous, results, k_fixed)
    gc, glab = results[k][0], results[k][1]
    member = glab[blab]
    mapping = _stable_mapping(previous, idx, member, gc, k)
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
