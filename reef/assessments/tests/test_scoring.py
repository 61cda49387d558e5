"""The scoring engine on staged frameworks: consolidation, stages, progress, summaries,
gaps, the export."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reef.assessments.scoring import (
    ScoringError,
    consolidate,
    consolidate_one,
    score,
)
from reef.assessments.tests.scoring_frameworks import (
    A_KEYS,
    EXAMPLES,
    STAGED,
    aspect,
    decided,
)
from reef.frameworks.formats import load, load_shipped, parse

# ------------------------------------------------------------------ consolidation


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["met", "met", "not_met"], "met"),
        (["met", "not_met"], "disputed"),  # tie
        (["met", "met", "not_met", "not_met"], "disputed"),  # tie
        (["met", "partial", "not_met"], "disputed"),  # plurality is not majority
        (["met", "met", "partial", "not_met"], "disputed"),  # 2 of 4 is not strict majority
        (["na", "na", "met"], "na"),
        (["met", "unknown", "unknown"], "met"),  # unknown left out
        (["met", "not_met", "unknown"], "disputed"),
        (["unknown", "unknown"], "unknown"),
        ([], "unknown"),
        (["partial"], "partial"),
    ],
)
def test_consolidate_one(values: list[str], expected: str) -> None:
    assert consolidate_one(values) == expected


def test_consolidate_over_framework_and_decisions_override() -> None:
    ratings = [
        ("A.2.1", "x", "met"),
        ("A.2.1", "y", "met"),
        ("A.2.1", "z", "not_met"),
        ("A.2.2", "x", "met"),
        ("A.2.2", "y", "not_met"),
        ("A.3.1", "x", "unknown"),
        ("A.3.2", "x", "met"),
        ("A.3.2", "y", "not_met"),
    ]
    values = consolidate(STAGED, ratings)
    assert values["A.2.1"] == "met"
    assert values["A.2.2"] == "disputed"
    assert values["A.3.1"] == "unknown"
    assert values["A.4.1"] == "unknown"  # never rated
    with_decision = consolidate(STAGED, ratings, {"A.2.2": "na", "A.2.1": "not_met"})
    assert with_decision["A.2.2"] == "na"
    assert with_decision["A.2.1"] == "not_met"  # a decision overrides even a majority
    result = score(STAGED, ratings, {"A.3.2": "met"})
    # Disputed lists only what the ratings leave open and no decision settled.
    assert result.disputed == ("A.2.2",)
    assert result.values["A.3.2"] == "met"


def test_later_rating_by_same_assessor_replaces_earlier() -> None:
    ratings = [("A.2.1", "x", "not_met"), ("A.2.1", "y", "met"), ("A.2.1", "x", "met")]
    assert consolidate(STAGED, ratings)["A.2.1"] == "met"


def test_disputed_counts_as_not_met() -> None:
    ratings = [("A.2.1", "x", "met"), ("A.2.1", "y", "not_met")]
    r = score(STAGED, ratings, {"A.2.2": "met"})
    assert aspect(r, "A").stage == 1
    assert aspect(r, "A").progress == 0.5


@pytest.mark.parametrize(
    ("ratings", "decisions", "message"),
    [
        ([("nope", "x", "met")], {}, "rating for unknown indicator 'nope'"),
        ([("A.2.1", "x", "yes")], {}, "rating of 'A.2.1': value 'yes' is not one of"),
        ([("A.2.1", "x", "disputed")], {}, "value 'disputed' is not one of"),
        ([], {"zzz": "met"}, "decision for unknown indicator 'zzz'"),
        ([], {"A.2.1": "maybe"}, "decision on 'A.2.1': value 'maybe'"),
    ],
)
def test_bad_ratings_are_rejected(
    ratings: list[tuple[str, str, str]], decisions: dict[str, str], message: str
) -> None:
    with pytest.raises(ScoringError, match=message):
        score(STAGED, ratings, decisions)


# ----------------------------------------------------------------- stage/progress


def test_nothing_rated_is_stage_one() -> None:
    r = decided({})
    assert [(a.key, a.stage, a.progress) for a in r.aspects] == [
        ("A", 1, 0.0),
        ("B", 1, 0.0),
        ("G", 1, 0.0),
    ]


@pytest.mark.parametrize(
    ("met_keys", "stage", "progress"),
    [
        ([], 1, 0.0),
        (["A.2.1"], 1, 0.5),
        (["A.2.1", "A.2.2"], 2, 0.0),
        (["A.2.1", "A.2.2", "A.3.1"], 2, 0.5),
        (["A.2.1", "A.3.1", "A.3.2"], 1, 0.5),  # a hole at stage 2 caps the stage
        (["A.2.1", "A.2.2", "A.3.1", "A.3.2", "A.4.1", "A.4.2"], 4, 0.0),
        (["A.2.1", "A.2.2", "A.3.1", "A.3.2", "A.5.1", "A.5.2"], 3, 0.0),
        (A_KEYS, 5, 0.0),
    ],
)
def test_stage_and_progress(met_keys: list[str], stage: int, progress: float) -> None:
    r = decided(dict.fromkeys(met_keys, "met"))
    assert (aspect(r, "A").stage, aspect(r, "A").progress) == (stage, progress)


def test_na_counts_as_met_and_partial_as_half() -> None:
    r = decided({"A.2.1": "na", "A.2.2": "met", "A.3.1": "partial", "A.3.2": "na"})
    assert aspect(r, "A").stage == 2
    assert aspect(r, "A").progress == 0.75
    # partial never reaches a stage
    r = decided({"A.2.1": "partial", "A.2.2": "partial"})
    assert (aspect(r, "A").stage, aspect(r, "A").progress) == (1, 0.5)


def test_unknown_counts_as_not_met() -> None:
    r = decided({"A.2.1": "met", "A.2.2": "unknown"})
    assert aspect(r, "A").stage == 1


def test_progress_is_truncated_not_rounded_up() -> None:
    big = parse(
        {
            "slug": "p",
            "version": "1",
            "name": "P",
            "kind": "staged",
            "stages": [{"level": i, "name": f"S{i}"} for i in range(1, 6)],
            "dimensions": [
                {
                    "key": "D",
                    "name": "D",
                    "factors": [
                        {
                            "key": "F",
                            "name": "F",
                            "indicators": [
                                {"key": f"i{n}", "stage": 2, "text": "x"} for n in range(3000)
                            ],
                        }
                    ],
                }
            ],
        }
    )
    decisions = {f"i{n}": "met" for n in range(2999)}
    r = score(big, [], decisions)
    assert r.aspects[0].stage == 1
    assert r.aspects[0].progress == 0.999


def test_factor_and_dimension_summaries() -> None:
    met = ["A.2.1", "A.2.2", "A.3.1", "A.3.2", "B.2", "B.3", "B.4", "B.5"]
    r = decided(dict.fromkeys(met, "met"))
    assert [(a.key, a.stage) for a in r.aspects] == [("A", 3), ("B", 5), ("G", 1)]
    assert [(f.key, f.stage_min, f.stage_max, f.stage_mean) for f in r.factors] == [
        ("F", 3, 3, 3.0),
        ("B", 5, 5, 5.0),
        ("G", 1, 1, 1.0),
    ]
    assert [(d.key, d.stage_min, d.stage_max, d.stage_mean) for d in r.dimensions] == [
        ("D", 3, 5, 4.0),
        ("E", 1, 1, 1.0),
    ]


def test_summary_mean_over_all_aspects_of_a_dimension() -> None:
    fw = load(EXAMPLES / "staged-example.json")
    r = score(fw, [], {"P.1.a.2.1": "met", "S.1.2.1": "met", "S.1.3.1": "met", "S.1.3.2": "na"})
    assert [a.stage for a in r.aspects] == [2, 1, 3]
    assert r.factors[0].stage_mean == 1.5
    assert r.dimensions[0].stage_mean == 1.5
    assert r.dimensions[1].stage_mean == 3.0
    cmm = load_shipped("reef-cmm")
    means = score(cmm, [], {}).dimensions
    assert len(means) == 5 and all(d.stage_mean == 1.0 for d in means)


# --------------------------------------------------------------------- gaps


def test_gaps_list_missing_indicators_up_to_target() -> None:
    r = decided(
        {"A.2.1": "met", "A.2.2": "na", "A.3.1": "partial", "A.4.1": "met", "B.2": "met"},
        targets={"A": 4, "B": 2, "G": 1},
    )
    assert aspect(r, "A").target == 4
    assert aspect(r, "G").target == 1
    assert len(r.gaps) == 1
    gap = r.gaps[0]
    assert (gap.key, gap.stage, gap.target) == ("A", 2, 4)
    assert gap.missing == ("A.3.1", "A.3.2", "A.4.2")


def test_aspect_without_target_has_null_target_and_no_gap() -> None:
    r = decided({})
    assert all(a.target is None for a in r.aspects)
    assert r.gaps == ()


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ({"nope": 3}, "target for unknown aspect 'nope'"),
        ({"A": 6}, "must be an integer from 1 to 5"),
        ({"A": 2.5}, "must be an integer from 1 to 5"),
        ({"A": True}, "must be an integer from 1 to 5"),
    ],
)
def test_bad_targets(targets: dict[str, Any], message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        decided({}, targets=targets)


# -------------------------------------------------------------------- export


def test_staged_export_is_exactly_the_public_contract() -> None:
    fw = load(EXAMPLES / "staged-example.json")
    ratings = [
        ("P.1.a.2.1", "ana", "met"),
        ("P.1.a.2.1", "ben", "met"),
        ("P.1.a.3.1", "ana", "met"),
        ("P.1.a.3.1", "ben", "not_met"),
        ("S.1.2.1", "ana", "na"),
        ("S.1.3.1", "ana", "partial"),
    ]
    r = score(fw, ratings, {}, {"P.1.a": 3}, country="JM", cycle="2025")
    expected = {
        "framework": {"slug": "example-staged", "version": "0.1"},
        "country": "JM",
        "cycle": "2025",
        "aspects": [
            {"key": "P.1.a", "stage": 2, "progress": 0.0, "target": 3},
            {"key": "P.1.b", "stage": 1, "progress": 0.0, "target": None},
            {"key": "S.1", "stage": 2, "progress": 0.25, "target": None},
        ],
        "factors": [
            {"key": "P.1", "stage_min": 1, "stage_max": 2, "stage_mean": 1.5},
            {"key": "S.1", "stage_min": 2, "stage_max": 2, "stage_mean": 2.0},
        ],
        "dimensions": [
            {"key": "P", "stage_min": 1, "stage_max": 2, "stage_mean": 1.5},
            {"key": "S", "stage_min": 2, "stage_max": 2, "stage_mean": 2.0},
        ],
        "disputed": ["P.1.a.3.1"],
        "gaps": [{"aspect": "P.1.a", "stage": 2, "target": 3, "missing": ["P.1.a.3.1"]}],
    }
    assert r.to_dict() == expected
    # And it is plain JSON.
    assert json.loads(json.dumps(r.to_dict())) == expected
