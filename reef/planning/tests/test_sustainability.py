"""Tests of the sustainability profile and the drive-by training flag (pure)."""

from __future__ import annotations

import itertools

import pytest

from reef.planning.sustainability import (
    POINTS,
    Delivery,
    SustainabilityProfile,
    assess,
    is_drive_by_training,
)


def profile(**changes: object) -> SustainabilityProfile:
    values: dict[str, object] = {
        "delivery": Delivery.ONE_OFF,
        "is_training": True,
        "train_the_trainer": False,
        "curriculum_integration": False,
        "local_ownership": False,
        "post_donor_funding": False,
    }
    values.update(changes)
    return SustainabilityProfile(**values)  # type: ignore[arg-type]


def test_drive_by_training_flagged() -> None:
    result = assess(profile())
    assert result.drive_by_training
    assert result.score == 0 and result.level == "low"
    assert result.reasons[0].startswith("drive-by training")


@pytest.mark.parametrize(
    "changes",
    [
        {"train_the_trainer": True},
        {"curriculum_integration": True},
        {"local_ownership": True},
        {"delivery": Delivery.RECURRING},
        {"is_training": False},
    ],
)
def test_local_follow_up_or_not_training_is_not_drive_by(changes: dict[str, object]) -> None:
    assert not is_drive_by_training(profile(**changes))


def test_funding_alone_does_not_cure_drive_by() -> None:
    # Money after the donor leaves, with nobody local to teach, is still drive-by.
    assert is_drive_by_training(profile(post_donor_funding=True))


def test_full_profile_scores_100() -> None:
    result = assess(
        profile(
            delivery=Delivery.RECURRING,
            train_the_trainer=True,
            curriculum_integration=True,
            local_ownership=True,
            post_donor_funding=True,
        )
    )
    assert result.score == 100 and result.level == "high" and not result.drive_by_training
    assert all("(+" in r and "of" not in r for r in result.reasons)
    assert sum(POINTS.values()) == 100


def test_score_is_monotone_and_reasons_cover_each_factor() -> None:
    keys = ["train_the_trainer", "curriculum_integration", "local_ownership", "post_donor_funding"]
    for flags in itertools.product([False, True], repeat=4):
        base = profile(**dict(zip(keys, flags, strict=True)))
        result = assess(base)
        assert 0 <= result.score <= 100
        assert len([r for r in result.reasons if "(+" in r]) == 5
        better = assess(profile(delivery=Delivery.RECURRING, **dict(zip(keys, flags, strict=True))))
        assert better.score == result.score + POINTS["recurring"]


def test_levels() -> None:
    assert assess(profile(local_ownership=True, train_the_trainer=True)).level == "medium"  # 45
    assert assess(profile(local_ownership=True)).level == "low"  # 25
