"""Independent first answers: one notion shared by ratings, Delphi rounds and reviews.

While an independent phase is open (assessors rating, a Delphi round running,
reviewers scoring a proposal), the answers already given are visible to nobody
but their author, with one exception: a person who has *submitted* their own
answer may see the others' (a Delphi panellist sees the round's feedback after
answering). Everyone else, including the record's managers and editors and
people who may answer later, waits until the phase closes. Someone who has seen
others' answers may not then give a first answer of their own.

Pure functions, no Django: the apps' rules call them with what they know.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phase:
    """What an app knows about one independent phase and one person."""

    open: bool  # answers are still being collected
    is_author: bool = False  # the answer in question is this person's own
    has_submitted: bool = False  # this person has submitted their final answer in this phase


def may_see_answer(phase: Phase) -> bool:
    """Whether the person may see an answer given in this phase."""
    if phase.is_author or not phase.open:
        return True
    return phase.has_submitted


def may_see_aggregate(phase: Phase) -> bool:
    """Whether the person may see statistics over the phase's answers (medians, spreads)."""
    return not phase.open or phase.has_submitted


def may_answer(*, phase_open: bool, has_seen_others: bool) -> bool:
    """A first answer is independent only from someone who has not seen the others'."""
    return phase_open and not has_seen_others
