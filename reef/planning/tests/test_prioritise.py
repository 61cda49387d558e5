"""Tests of weighted prioritisation and ordering diffs (pure, no Django)."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reef.planning.prioritise import (
    Move,
    MoveKind,
    NeedRating,
    Weights,
    diff_orderings,
    rank_needs,
    score_need,
)


def test_score_bounds_and_inverse_cost() -> None:
    w = Weights()
    assert score_need(NeedRating("best", 5, 5, 5, 1), w) == 100
    assert score_need(NeedRating("worst", 1, 1, 1, 5), w) == 0
    cheap = score_need(NeedRating("c", 3, 3, 3, 1), w)
    dear = score_need(NeedRating("d", 3, 3, 3, 5), w)
    assert cheap > dear


def test_score_formula_example() -> None:
    # impact 4, urgency 5, feasibility 2, cost 4 -> inverted 2; weights 4,3,2,1
    # mean = (16 + 15 + 4 + 2) / 10 = 3.7 -> (3.7 - 1) / 4 * 100 = 67.5
    assert score_need(NeedRating("n", 4, 5, 2, 4), Weights()) == Fraction(135, 2)


def test_weights_only_ratios_matter() -> None:
    r = NeedRating("n", 2, 4, 3, 5)
    assert score_need(r, Weights.of(1, 1, 1, 1)) == score_need(r, Weights.of(3, 3, 3, 3))


def test_weights_validation() -> None:
    assert Weights.of("0.5", Decimal("1.5"), 2, 0.1).cost == Fraction(1, 10)
    with pytest.raises(ValueError, match="negative"):
        Weights.of(impact=-1)
    with pytest.raises(ValueError, match="positive"):
        Weights.of(0, 0, 0, 0)
    with pytest.raises(ValueError, match="finite"):
        Weights.of(impact=float("nan"))
    with pytest.raises(ValueError, match="finite"):
        Weights.of(impact="abc")
    with pytest.raises(TypeError):
        Weights.of(impact=True)
    with pytest.raises(ValueError, match="unknown criteria: speed"):
        Weights.from_mapping({"impact": 1, "urgency": 1, "feasibility": 1, "cost": 1, "speed": 1})
    with pytest.raises(ValueError, match="missing criteria: cost"):
        Weights.from_mapping({"impact": 1, "urgency": 1, "feasibility": 1})
    assert Weights.from_mapping({"impact": 1, "urgency": 2, "feasibility": 3, "cost": 4}).cost == 4


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_rating_range(bad: int) -> None:
    with pytest.raises(ValueError, match=r"1\.\.5"):
        NeedRating("n", bad, 3, 3, 3)


def test_rating_type() -> None:
    with pytest.raises(TypeError):
        NeedRating("n", 3.0, 3, 3, 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        NeedRating("n", True, 3, 3, 3)


def test_ranking_and_tie_breaks() -> None:
    weights = Weights.of(1, 1, 1, 1)
    ratings = [
        NeedRating("z", 3, 3, 3, 3),  # score 50, impact 3
        NeedRating("a", 3, 3, 3, 3),  # same as z: id decides
        NeedRating("hi-impact", 4, 2, 3, 3),  # score 50, impact 4 -> first among ties
        NeedRating("top", 5, 5, 5, 1),
    ]
    ranked = rank_needs(ratings, weights)
    assert [r.need_id for r in ranked] == ["top", "hi-impact", "a", "z"]
    assert [r.position for r in ranked] == [1, 2, 3, 4]
    assert [r.tied_with_previous for r in ranked] == [False, False, True, True]
    assert ranked[0].score == Decimal("100.00")
    assert ranked[1].score == Decimal("50.00")


def test_ranking_rejects_duplicates() -> None:
    with pytest.raises(ValueError, match="unique"):
        rank_needs([NeedRating("a", 1, 1, 1, 1), NeedRating("a", 2, 2, 2, 2)])


ratings_st = st.lists(
    st.builds(
        NeedRating,
        need_id=st.text("abcdef", min_size=1, max_size=4),
        impact=st.integers(1, 5),
        urgency=st.integers(1, 5),
        feasibility=st.integers(1, 5),
        cost=st.integers(1, 5),
    ),
    max_size=30,
    unique_by=lambda r: r.need_id,
)


@given(ratings_st, st.permutations(range(30)))
def test_ranking_independent_of_input_order(ratings: list[NeedRating], perm: list[int]) -> None:
    shuffled = [ratings[i] for i in perm if i < len(ratings)]
    assert rank_needs(ratings) == rank_needs(shuffled)
    scores = [r.exact_score for r in rank_needs(ratings)]
    assert scores == sorted(scores, reverse=True)


def test_diff_orderings() -> None:
    diff = diff_orderings(["a", "b", "c", "d"], ["c", "a", "b", "e"])
    assert diff.moves == (
        Move("c", MoveKind.UP, 3, 1),
        Move("a", MoveKind.DOWN, 1, 2),
        Move("b", MoveKind.DOWN, 2, 3),
        Move("e", MoveKind.ADDED, None, 4),
        Move("d", MoveKind.REMOVED, 4, None),
    )
    assert [m.delta for m in diff.moves] == [2, -1, -1, 0, 0]
    assert diff.unchanged == ()
    assert diff.changed


def test_diff_no_change_and_duplicates() -> None:
    diff = diff_orderings(["a", "b"], ["a", "b"])
    assert not diff.changed and diff.unchanged == ("a", "b")
    assert diff_orderings([], []).moves == ()
    with pytest.raises(ValueError, match="more than once"):
        diff_orderings(["a", "a"], ["a"])


@given(st.lists(st.text("abcdefgh", min_size=1, max_size=2), unique=True), st.randoms())
def test_diff_replays_to_new_order(before: list[str], rnd: random.Random) -> None:
    after = [x for x in before if rnd.random() > 0.3] + ["new1", "new2"][: rnd.randrange(3)]
    rnd.shuffle(after)
    diff = diff_orderings(before, after)
    # Applying the moves to the old positions gives the new ordering exactly.
    positions = {need: i for i, need in enumerate(before, start=1)}
    for m in diff.moves:
        if m.to_position is None:
            del positions[m.need_id]
        else:
            positions[m.need_id] = m.to_position
    assert sorted(positions, key=positions.__getitem__) == after
