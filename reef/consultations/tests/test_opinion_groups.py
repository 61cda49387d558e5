"""A participant's opinion group from the stored analysis: which group, where it differs
most from the others, and where all groups agree (pure: no database)."""

from __future__ import annotations

from typing import Any

import pytest

from reef.consultations import opinion as op
from reef.consultations.opinion import GroupShares
from reef.consultations.polis_io import PolisId


def _analysis(
    participants: list[tuple[int, int | None, int]],
    tallies: dict[int, dict[int, tuple[int, int, int]]],
) -> dict[str, Any]:
    """A stored analysis: participants (id, group, votes); per statement, per group
    (agree, disagree, pass)."""
    sizes: dict[int, int] = {}
    for _pid, g, _n in participants:
        if g is not None:
            sizes[g] = sizes.get(g, 0) + 1
    return {
        "result": {
            "participants": [
                {"id": pid, "group": g, "x": 0.0, "y": 0.0, "votes": n}
                for pid, g, n in participants
            ],
            "groups": [
                {"id": g, "size": n, "representative": []} for g, n in sorted(sizes.items())
            ],
        },
        "reality": {
            "statements": [
                {
                    "statement": sid,
                    "groups": {
                        str(g): {"agree": a, "disagree": d, "pass": p}
                        for g, (a, d, p) in gs.items()
                    },
                }
                for sid, gs in tallies.items()
            ]
        },
    }


TWO_GROUPS = _analysis(
    [(1, 0, 4), (2, 0, 4), (3, 0, 4), (4, 0, 4), (5, 1, 4), (6, 1, 4), (7, None, 1)],
    {
        1: {0: (4, 0, 0), 1: (0, 3, 0)},  # gap 1.0 (agree)
        2: {0: (3, 1, 0), 1: (1, 2, 0)},  # gap 0.75 - 0.33 = 0.42 (agree)
        3: {0: (4, 0, 0), 1: (3, 0, 0)},  # everyone agrees
        4: {0: (0, 4, 0), 1: (0, 3, 0)},  # everyone disagrees
        5: {0: (1, 1, 2), 1: (1, 1, 1)},  # barely differs
    },
)


def test_a_placed_participant_learns_group_size_and_differences() -> None:
    placed = op.participant_group(TWO_GROUPS, 2, voted_since=False)
    assert placed.status == "placed" and placed.group == 0 and placed.size == 4
    assert placed.n_groups == 2 and not placed.update_due
    assert [d.statement for d in placed.differences] == [1, 2]
    first = placed.differences[0]
    assert (first.direction, first.group_share, first.others_share) == ("agree", 1.0, 0.0)
    second = placed.differences[1]
    assert second.direction == "agree"
    assert second.group_share == pytest.approx(0.75) and second.others_share == pytest.approx(1 / 3)
    # Common ground: both groups' majorities on the same side.
    assert [(c.statement, c.direction) for c in placed.common] == [(3, "agree"), (4, "disagree")]
    assert placed.to_dict()["differences"][0] == {
        "statement": 1,
        "direction": "agree",
        "group_share": 1.0,
        "others_share": 0.0,
    }


def test_the_other_group_sees_the_same_statements_the_other_way() -> None:
    placed = op.participant_group(TWO_GROUPS, 5, voted_since=False)
    assert placed.group == 1 and placed.size == 2
    first = placed.differences[0]
    # Group 1 disagrees 100 % where the others disagree 0 %: the gap ties with agree's
    # (0 % against 100 %), and the side the group takes is the one named.
    assert first.statement == 1 and first.gap == pytest.approx(1.0)
    assert (first.direction, first.group_share, first.others_share) == ("disagree", 1.0, 0.0)


def test_differences_are_the_top_ones_only() -> None:
    placed = op.participant_group(TWO_GROUPS, 2, voted_since=False, limit=1)
    assert [d.statement for d in placed.differences] == [1]
    assert len(placed.common) == 1


def test_participant_in_no_group() -> None:
    # Analysed with one vote: in the analysis, in no group (too few votes yet).
    assert op.participant_group(TWO_GROUPS, 7, voted_since=False).status == "not_placed"
    # Not in the analysis at all and no votes since: nothing to place.
    nobody = op.participant_group(TWO_GROUPS, 99, voted_since=False)
    assert nobody.status == "no_votes" and nobody.group is None and not nobody.differences


def test_votes_after_the_analysis_wait_for_the_next_update() -> None:
    # Voted after the stored analysis: not in it yet, or not placed yet.
    assert op.participant_group(TWO_GROUPS, 99, voted_since=True).status == "pending"
    assert op.participant_group(TWO_GROUPS, 7, voted_since=True).status == "pending"
    # Placed already: shown, with the note that the next update may move them.
    placed = op.participant_group(TWO_GROUPS, 1, voted_since=True)
    assert placed.status == "placed" and placed.update_due


def test_one_group_only_has_nothing_to_differ_from() -> None:
    one = _analysis([(1, 0, 3), (2, 0, 3), (3, 0, 3)], {1: {0: (3, 0, 0)}, 2: {0: (0, 3, 0)}})
    placed = op.participant_group(one, 1, voted_since=False)
    assert placed.status == "placed" and placed.n_groups == 1 and placed.size == 3
    assert placed.differences == [] and placed.common == []


def test_ties_keep_statement_order() -> None:
    tied = {
        s: {0: (3, 0, 0), 1: (0, 3, 0)}
        for s in (8, 3, 5)  # equal gaps; display order 8, 3, 5
    }
    analysis = _analysis([(1, 0, 3), (2, 1, 3)], tied)
    placed = op.participant_group(analysis, 1, voted_since=False, limit=2)
    assert [d.statement for d in placed.differences] == [8, 3]
    # The order given (the page's) decides, not the analysis's.
    placed = op.participant_group(analysis, 1, voted_since=False, statements=[5, 3, 8], limit=2)
    assert [d.statement for d in placed.differences] == [5, 3]


def test_statements_moderated_out_are_never_named() -> None:
    shown = [2, 3, 5]  # 1 and 4 were moderated out after the analysis
    placed = op.participant_group(TWO_GROUPS, 2, voted_since=False, statements=shown)
    assert [d.statement for d in placed.differences] == [2]
    assert [c.statement for c in placed.common] == [3]


def test_too_few_votes_or_too_small_a_gap_is_no_difference() -> None:
    shares: dict[PolisId, list[GroupShares]] = {
        1: [GroupShares(0, 2, 0, 0), GroupShares(1, 0, 5, 0)],  # group has 2 votes only
        2: [GroupShares(0, 5, 0, 0), GroupShares(1, 0, 2, 0)],  # others have 2 only
        3: [GroupShares(0, 5, 5, 0), GroupShares(1, 6, 4, 0)],  # gap 0.1
        4: [GroupShares(0, 0, 0, 4), GroupShares(1, 0, 0, 4)],  # everyone passes
    }
    assert op.group_differences(shares, 0) == []
    assert [d.statement for d in op.group_differences(shares, 0, min_votes=2)] == [1, 2]
    assert [d.statement for d in op.group_differences(shares, 0, min_gap=0.1)] == [3]
    assert op.common_ground(shares, [0, 1]) == []


def test_common_ground_needs_every_group_heard() -> None:
    shares: dict[PolisId, list[GroupShares]] = {
        1: [GroupShares(0, 5, 0, 0), GroupShares(1, 5, 0, 0)],
        2: [GroupShares(0, 5, 0, 0)],  # group 1 never voted on it
        3: [GroupShares(0, 2, 1, 2), GroupShares(1, 5, 0, 0)],  # group 0: 40 %, no majority
    }
    assert [c.statement for c in op.common_ground(shares, [0, 1])] == [1]
    assert op.common_ground(shares, [0]) == []


def test_the_analysis_the_engine_stores_is_read_as_is() -> None:
    """End to end on the engine's own output: two camps voting opposite ways."""
    votes = []
    for p in range(12):
        camp = 1 if p < 6 else -1
        for c in range(8):
            votes.append((p, c, camp if c < 6 else 1))  # statements 6 and 7: everyone agrees
    state = op.fit(
        [v[0] for v in votes], [v[1] for v in votes], [v[2] for v in votes], all_comments=range(8)
    )
    analysis = {
        "result": op.results(state).to_json_dict(),
        "reality": op.consensus_reality(
            op.state_votes(state), op.state_groups(state), {}, statements=list(range(8))
        ).to_dict(),
    }
    placed = op.participant_group(analysis, 0, voted_since=False)
    assert placed.status == "placed" and placed.n_groups == 2 and placed.size == 6
    assert len(placed.differences) == 3 and placed.differences[0].gap == pytest.approx(1.0)
    assert {c.statement for c in placed.common} == {6, 7}
    other = op.participant_group(analysis, 11, voted_since=False)
    assert other.group != placed.group
