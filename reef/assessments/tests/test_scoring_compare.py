"""Comparing two cycles' results."""

from __future__ import annotations

import pytest

from reef.assessments import scoring
from reef.assessments.scoring import (
    ScoringError,
    compare,
    score,
)
from reef.assessments.tests.scoring_frameworks import (
    SCORED,
    decided,
)

# ------------------------------------------------------------------- compare


def test_compare_two_cycles() -> None:
    before = decided({"A.2.1": "met", "A.2.2": "met", "B.2": "met"}, cycle="2020")
    after = decided({"A.2.1": "met", "A.2.2": "met", "A.3.1": "met", "A.3.2": "met"}, cycle="2025")
    c = compare(before, after)
    assert [(x.key, x.before, x.after, x.movement) for x in c.changes] == [
        ("A", 2, 3, "up"),
        ("B", 2, 1, "down"),
        ("G", 1, 1, "unchanged"),
    ]
    d = c.to_dict()
    assert d["counts"] == {"up": 1, "down": 1, "unchanged": 1, "added": 0, "removed": 0}
    assert d["changes"][0] == {"aspect": "A", "stage_before": 2, "stage_after": 3, "movement": "up"}
    assert (d["before"], d["after"]) == ("2020", "2025")


def test_compare_scored_and_mismatch() -> None:
    a = score(SCORED, [], {}, cycle=1)
    b = score(SCORED, [], {"legal.1": "met"}, cycle=2)
    c = compare(a, b)
    assert [x.movement for x in c.changes] == ["up", "unchanged"]
    assert c.to_dict()["total"] == {"before": 0.0, "after": 8.0}
    with pytest.raises(ScoringError, match="same framework"):
        compare(a, decided({}))


def test_compare_across_versions_marks_added_and_removed() -> None:
    before = decided({})
    after = scoring.Result(
        framework_slug="t",
        framework_version="2",
        kind="staged",
        country="",
        cycle="",
        aspects=(scoring.AspectResult("A", 2, 0.0, None), scoring.AspectResult("N", 1, 0.0, None)),
    )
    moves = {c.key: c.movement for c in compare(before, after).changes}
    assert moves == {"A": "up", "B": "removed", "G": "removed", "N": "added"}
