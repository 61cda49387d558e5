"""The scoring engine on scored frameworks: pillar scores, totals, tiers, gaps."""

from __future__ import annotations

import pytest

from reef.assessments.scoring import (
    ScoringError,
    score,
)
from reef.assessments.tests.scoring_frameworks import (
    SCORED,
)
from reef.frameworks.formats import load_shipped

# -------------------------------------------------------------------- scored


def test_scored_pillars_total_tier() -> None:
    # legal: w = points*weight = 2, 2, 1. technical: 3, 1.
    r = score(
        SCORED,
        [("legal.1", "a", "met"), ("legal.2", "a", "partial"), ("legal.3", "a", "na")],
        {"technical.1": "met"},
        country="BB",
        cycle=2024,
    )
    # legal: (2 + 0.5*2) / (2 + 2) * 20 = 15; technical: 3/4 * 20 = 15
    assert r.to_dict() == {
        "framework": {"slug": "example-scored", "version": "0.1"},
        "country": "BB",
        "cycle": 2024,
        "pillars": [{"key": "legal", "score": 15.0}, {"key": "technical", "score": 15.0}],
        "total": 30.0,
        "tier": 1,  # highest tier whose min (30) <= total
        "disputed": [],
        "gaps": [],
    }


@pytest.mark.parametrize(
    ("decisions", "total", "tier"),
    [
        ({}, 0.0, 3),
        ({"legal.1": "met"}, 8.0, 3),
        ({"legal.1": "met", "legal.2": "met", "technical.2": "met"}, 21.0, 2),
        (
            {k: "met" for k in ("legal.1", "legal.2", "legal.3", "technical.1", "technical.2")},
            40.0,
            1,
        ),
        ({k: "na" for k in ("legal.1", "legal.2", "legal.3")}, 0.0, 3),  # all na -> 0
    ],
)
def test_scored_totals_and_tiers(decisions: dict[str, str], total: float, tier: int) -> None:
    r = score(SCORED, [], decisions)
    assert (r.total, r.tier) == (total, tier)


def test_na_leaves_the_denominator() -> None:
    r = score(SCORED, [], {"legal.1": "met", "legal.2": "na", "legal.3": "na"})
    assert r.pillars[0].score == 20.0


def test_scored_disputed_counts_as_not_met_and_is_listed() -> None:
    r = score(SCORED, [("legal.1", "a", "met"), ("legal.1", "b", "not_met")])
    assert r.disputed == ("legal.1",)
    assert r.pillars[0].score == 0.0


def test_pillar_gaps() -> None:
    r = score(SCORED, [], {"legal.1": "met", "legal.3": "na"}, {"legal": 15, "technical": 0})
    assert r.pillars[0].score == 10.0
    assert r.to_dict()["gaps"] == [
        {"pillar": "legal", "score": 10.0, "target": 15, "missing": ["legal.2"]}
    ]
    with pytest.raises(ScoringError, match="target for unknown pillar"):
        score(SCORED, [], {}, {"x": 1})
    with pytest.raises(ScoringError, match="from 0 to 20"):
        score(SCORED, [], {}, {"legal": 25})


def test_shipped_index_full_marks_is_tier_one() -> None:
    index = load_shipped("reef-index")
    all_met = {i.key: "met" for i in index.indicators}
    r = score(index, [], all_met)
    assert [p.score for p in r.pillars] == [20.0] * 5
    assert (r.total, r.tier) == (100.0, 1)
    assert score(index, [], {}).tier == 5
