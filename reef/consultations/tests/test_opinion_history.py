"""History replay and Polis's warm starts (docs/opinion.md, "History replay").

Real conversations: Polis openData, CC BY 4.0, The Computational Democracy Project
(compdemocracy.org/polis; see data/polis/ATTRIBUTION.md beside this file).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reef.consultations.opinion import (
    REPLAY_BUDGET,
    REPLAY_MAX_UPDATES,
    REPLAY_WINDOW_MS,
    Params,
    _recentre,
    analyze_folder,
    clean_start,
    fit,
    fit_replay,
    refit,
    replay_chunks,
    replay_log,
    replay_schedule,
    replay_windows,
    smooth_k,
    state_from_bytes,
    state_to_bytes,
    update,
)
from reef.consultations.polis_io import read_export

DATA = Path(__file__).resolve().parent / "data" / "polis"  # copies, CC BY 4.0


def pts(*xy: tuple[float, float]) -> npt.NDArray[np.float64]:
    return np.array(xy, dtype=float).reshape(-1, 2)


# ---------------------------------------------------------------- clean start (clusters.clj)


def test_clean_start_keeps_previous_centres_and_adds_the_most_distal_points() -> None:
    points = pts((0, 0), (0, 1), (10, 0), (10, 1), (5, 20))
    out = clean_start(points, pts((0, 0.5)), 3)
    # The old centre first, then the farthest point from it, then the farthest from both.
    np.testing.assert_allclose(out, pts((0, 0.5), (5, 20), (10, 0)))


def test_clean_start_merges_duplicates_and_stops_at_distinct_points() -> None:
    points = pts((0, 0), (0, 0), (1, 1))
    out = clean_start(points, pts((1, 1), (1, 1)), 5)
    np.testing.assert_allclose(out, pts((1, 1), (0, 0)))  # only two distinct points
    assert clean_start(points, pts((0, 0), (1, 1), (2, 2)), 2).shape == (2, 2)


def test_clean_start_from_nothing_and_on_nothing() -> None:
    points = pts((0, 0), (3, 4))
    np.testing.assert_allclose(clean_start(points, np.zeros((0, 2)), 2), points)
    assert clean_start(np.zeros((0, 2)), np.zeros((0, 2)), 3).shape == (0, 2)


def test_recentre_moves_clusters_to_their_members_and_drops_empty_ones() -> None:
    points = pts((0, 0), (2, 0), (5, 5), (9, 9))
    old = np.array([0, 0, 2, -1])  # cluster 1 lost its members; the last point is new
    np.testing.assert_allclose(_recentre(points, old), pts((1, 0), (5, 5)))
    assert _recentre(points, np.full(4, -1)).shape == (0, 2)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-5, 5), st.integers(-5, 5)), min_size=1, max_size=30),
    st.lists(st.tuples(st.integers(-5, 5), st.integers(-5, 5)), max_size=6),
    st.integers(1, 8),
)
def test_clean_start_size_and_origin(
    points: list[tuple[int, int]], init: list[tuple[int, int]], k: int
) -> None:
    p = np.array(points, dtype=float)
    i = np.array(init, dtype=float).reshape(-1, 2)
    out = clean_start(p, i, k)
    distinct = np.unique(p, axis=0).shape[0]
    n_init = np.unique(i, axis=0).shape[0] if i.shape[0] else 0
    assert out.shape[0] == max(min(k, distinct), min(n_init, k))
    assert np.unique(out, axis=0).shape[0] == out.shape[0]  # no two centres alike
    added = out[min(n_init, k) :]
    assert all(any((a == q).all() for q in p) for a in added)  # new centres are data points


# ---------------------------------------------------------------- replay batching


def test_replay_windows_batch_like_a_poller() -> None:
    t = np.array([0, 10, 999, 1000, 1001, 5000, 5000, 9999], dtype=np.int64)
    # An update takes the votes within the window of its first one.
    assert replay_windows(t, 1000) == [3, 5, 7, 8]
    assert replay_windows(t, 10_000) == [8]
    assert replay_windows(np.zeros(3, dtype=np.int64), 1000) == [3]
    assert replay_windows(np.zeros(0, dtype=np.int64), 1000) == []


def test_replay_schedule_widens_the_window_to_the_limits() -> None:
    t = np.arange(1000, dtype=np.int64) * 60_000  # a vote a minute
    assert replay_schedule(t, 60_000, 2000) == list(range(1, 1001))
    ends = replay_schedule(t, 60_000, 100)
    assert len(ends) <= 100 and ends[-1] == 1000
    assert ends == replay_windows(t, 16 * 60_000)  # the window doubled 4 times
    few = replay_schedule(t, 60_000, 1000, budget=20_000)
    assert sum(few) <= 20_000 and few[-1] == 1000
    assert replay_schedule(t, 60_000, 100, budget=999) == [1000]  # too large: one fit
    assert replay_schedule(np.zeros(0, dtype=np.int64)) == []
    assert REPLAY_WINDOW_MS == 60_000 and REPLAY_MAX_UPDATES == 100
    assert REPLAY_BUDGET >= 1_000_000


def test_replay_chunks_cover_the_order_once() -> None:
    order = np.arange(10)[::-1].astype(np.int64)
    chunks = replay_chunks(order, 4)
    assert [c.tolist() for c in chunks] == [[9, 8, 7], [6, 5, 4], [3, 2], [1, 0]]
    assert [c.tolist() for c in replay_chunks(order[:2], 5)] == [[9], [8]]  # no empty ones
    assert replay_chunks(np.zeros(0, dtype=np.int64), 3) == []


# ---------------------------------------------------------------- k smoother (conversation.clj)


def test_smooth_k_needs_the_same_new_k_four_updates_in_a_row() -> None:
    k, cand, streak = 2, 2, 0
    for best, want in ((3, 2), (3, 2), (4, 2), (3, 2), (3, 2), (3, 2), (3, 3)):
        k, cand, streak = smooth_k(k, cand, streak, best, 4)
        assert k == want
    assert smooth_k(3, 3, 0, 3, 4) == (3, 3, 0)


# ---------------------------------------------------------------- replay and warm starts


def synthetic(
    n_p: int = 120, n_c: int = 30, per: int = 12, seed: int = 3
) -> list[tuple[int, int, int]]:
    rng = np.random.default_rng(seed)
    g = rng.integers(2, size=n_p)
    pa = rng.uniform(0.05, 0.95, size=(2, n_c))
    out: list[tuple[int, int, int]] = []
    for p in range(n_p):
        for c in rng.choice(n_c, size=per, replace=False):
            out.append((p, int(c), 1 if rng.random() < pa[g[p], c] else -1))
    rng.shuffle(out)  # the order votes were cast
    return out


def test_replay_projection_equals_a_full_fit_and_groups_everyone_eligible() -> None:
    votes = synthetic()
    p, c, v = zip(*votes, strict=True)
    replayed = fit_replay(p, c, v, steps=7)
    full = fit(p, c, v)
    assert replayed.n_updates == 6
    idx = [full.pindex[x] for x in replayed.participant_ids]
    np.testing.assert_allclose(replayed.proj, full.proj[idx], atol=1e-8)
    assert set(replayed.participant_ids) == set(full.participant_ids)
    assert (replayed.groups[replayed.in_conv] >= 0).all()
    assert 2 <= replayed.k <= 5
    # Every candidate k's grouping is kept for the next update's warm start.
    kept = replayed.group_k_labels[replayed.in_conv]
    assert kept.shape[1] == Params().max_groups - 1
    assert (kept[:, 0] >= 0).all()


def test_replay_is_deterministic_and_one_step_is_a_fit() -> None:
    votes = synthetic(seed=5)
    p, c, v = zip(*votes, strict=True)
    a, b = fit_replay(p, c, v, steps=5), fit_replay(p, c, v, steps=5)
    np.testing.assert_array_equal(a.groups, b.groups)
    one = fit_replay(p, c, v, steps=1)
    full = fit(p, c, v)
    idx = [full.pindex[x] for x in one.participant_ids]
    np.testing.assert_array_equal(one.groups, full.groups[idx])
    with pytest.raises(ValueError):
        fit_replay([1], [1], [2])


def test_update_of_a_replayed_state_round_trips_through_bytes() -> None:
    votes = synthetic(seed=7)
    p, c, v = zip(*votes, strict=True)
    state = state_from_bytes(state_to_bytes(fit_replay(p, c, v, steps=4)))
    after = update(state, [(1000, 0, 1), (1000, 1, -1), (1, 2, 1)])
    assert after.group_k_labels.shape == (after.n_participants, Params().max_groups - 1)
    # A state without per-k labels (written before they were kept) still updates.
    state.group_k_labels = np.zeros((0, 0), dtype=np.int64)
    assert update(state, [(1, 3, 1)]).k >= 2


def test_refit_keeps_the_history_participants_and_k() -> None:
    votes = synthetic(seed=17)
    p, c, v = zip(*votes, strict=True)
    state = fit_replay(p, c, v, steps=6)
    groups_before = state.groups.copy()
    again = refit(state)
    np.testing.assert_array_equal(again.in_conv, state.in_conv)
    assert again.k == state.k
    assert sorted(set(again.groups[again.in_conv].tolist())) == list(range(state.k))
    assert (again.groups[~again.in_conv] == -1).all()
    np.testing.assert_array_equal(state.groups, groups_before)  # the state is left alone
    np.testing.assert_array_equal(refit(state).groups, again.groups)  # deterministic


def test_centre_warm_start_and_polis_silhouette_options_run() -> None:
    votes = synthetic(seed=11)
    p, c, v = zip(*votes, strict=True)
    for params in (Params(warm_members=False), Params(silhouette="polis")):
        assert fit_replay(p, c, v, steps=3, params=params).k >= 2


def test_replay_log_matches_fit_replay_on_a_real_conversation() -> None:
    log = read_export(DATA / "brexit-consensus", participants="if_needed").votes
    assert log is not None
    state = replay_log(log, 6)
    order = np.lexsort((np.arange(len(log)), log.timestamp))
    p = [log.voter_ids[i] for i in log.voter_idx[order].tolist()]
    c = [log.comment_ids[i] for i in log.comment_idx[order].tolist()]
    again = fit_replay(p, c, log.vote[order].tolist(), steps=6)
    np.testing.assert_array_equal(state.groups, again.groups)


def test_analyze_folder_replays_by_default() -> None:
    folder = DATA / "brexit-consensus"
    default = analyze_folder(folder)
    cold = analyze_folder(folder, replay=False)
    assert {x["id"] for x in default["participants"]} == {x["id"] for x in cold["participants"]}
    assert default == analyze_folder(folder, replay_window_ms=REPLAY_WINDOW_MS)
    assert default != analyze_folder(folder, replay_steps=3)


def test_fit_replay_with_timestamps_batches_by_time() -> None:
    votes = synthetic(seed=13)
    p, c, v = zip(*votes, strict=True)
    times = np.repeat(np.arange(4), len(votes) // 4 + 1)[: len(votes)] * 3_600_000  # 4 hours
    by_time = fit_replay(p, c, v, timestamps=times)
    assert by_time.n_updates == 3  # one update an hour
    assert fit_replay(p, c, v).n_updates == 24  # no timestamps: 25 equal updates
