"""Sustainability profile of an action, the "drive-by training" flag, and a score.

Pure computation (no Django). "Drive-by training" is the pattern the Caribbean
assessments warn against: a trainer flown in for a few sessions who then
leaves, with nothing local to carry the skill on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "POINTS",
    "Delivery",
    "SustainabilityAssessment",
    "SustainabilityProfile",
    "assess",
    "is_drive_by_training",
]


class Delivery(StrEnum):
    ONE_OFF = "one_off_event"
    RECURRING = "recurring_programme"


@dataclass(frozen=True, slots=True)
class SustainabilityProfile:
    delivery: Delivery
    is_training: bool  # the action trains people (course, workshop, exercise)
    train_the_trainer: bool  # local trainers are trained to teach it on
    curriculum_integration: bool  # content enters a local institution's curriculum
    local_ownership: bool  # a named local institution owns and runs it afterwards
    post_donor_funding: bool  # funding is secured for after the donor leaves


# Points out of 100. Local ownership weighs most: without an owner nothing else lasts.
POINTS: dict[str, int] = {
    "recurring": 20,
    "train_the_trainer": 20,
    "curriculum_integration": 20,
    "local_ownership": 25,
    "post_donor_funding": 15,
}


def gettext_noop(message: str) -> str:
    """Mark a message for translation; the Django layer translates it (no Django here)."""
    return message


_LABELS: dict[str, tuple[str, str]] = {
    # key: (reason when present, reason when missing), English templates for gettext
    "recurring": (
        gettext_noop("recurring programme (+%(points)s)"),
        gettext_noop("one-off event (+0 of %(points)s)"),
    ),
    "train_the_trainer": (
        gettext_noop("trains local trainers (+%(points)s)"),
        gettext_noop("no train-the-trainer component (+0 of %(points)s)"),
    ),
    "curriculum_integration": (
        gettext_noop("integrated into a local curriculum (+%(points)s)"),
        gettext_noop("not integrated into a local curriculum (+0 of %(points)s)"),
    ),
    "local_ownership": (
        gettext_noop("owned by a local institution (+%(points)s)"),
        gettext_noop("no local owner (+0 of %(points)s)"),
    ),
    "post_donor_funding": (
        gettext_noop("funded after the donor leaves (+%(points)s)"),
        gettext_noop("no funding after the donor leaves (+0 of %(points)s)"),
    ),
}

DRIVE_BY = gettext_noop(
    "drive-by training: a one-off training with no train-the-trainer, "
    "curriculum integration or local ownership"
)


@dataclass(frozen=True, slots=True)
class SustainabilityAssessment:
    score: int  # 0..100
    level: str  # "low" (<40), "medium" (40..69), "high" (>=70)
    drive_by_training: bool
    reasons: tuple[str, ...]  # each with the points it earned, strengths first
    # The same reasons as (English template, points) for translation:
    # gettext(template) % {"points": points}.
    explained: tuple[tuple[str, int], ...] = ()


def is_drive_by_training(profile: SustainabilityProfile) -> bool:
    """A one-off training with no local follow-up of any kind."""
    return (
        profile.is_training
        and profile.delivery is Delivery.ONE_OFF
        and not profile.train_the_trainer
        and not profile.curriculum_integration
        and not profile.local_ownership
    )


def assess(profile: SustainabilityProfile) -> SustainabilityAssessment:
    present = {
        "recurring": profile.delivery is Delivery.RECURRING,
        "train_the_trainer": profile.train_the_trainer,
        "curriculum_integration": profile.curriculum_integration,
        "local_ownership": profile.local_ownership,
        "post_donor_funding": profile.post_donor_funding,
    }
    score = sum(POINTS[k] for k, ok in present.items() if ok)
    strengths = [(_LABELS[k][0], POINTS[k]) for k, ok in present.items() if ok]
    gaps = [(_LABELS[k][1], POINTS[k]) for k, ok in present.items() if not ok]
    drive_by = is_drive_by_training(profile)
    if drive_by:
        gaps.insert(0, (DRIVE_BY, 0))
    level = "high" if score >= 70 else "medium" if score >= 40 else "low"
    explained = tuple(strengths + gaps)
    reasons = tuple(template % {"points": points} for template, points in explained)
    return SustainabilityAssessment(score, level, drive_by, reasons, explained)
