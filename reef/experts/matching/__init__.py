"""Matching engine for the expert network (pure Python, no Django).

Three problems, each behind a JSON contract documented in docs/matching.md and described by
a JSON Schema in ``reef/experts/schema/`` (``reviewers``, ``team``, ``mentors``):

* `match_reviewers`: proposals needing k reviewers each, reviewers with maximum
  loads, conflicts forbidden. "total" is a min-cost flow (OR-Tools
  SimpleMinCostFlow, or SciPy/HiGHS on the totally unimodular LP when OR-Tools
  is missing), exact on integer-scaled affinities. "fair" is a two-stage MILP
  (HiGHS): maximise the worst-served proposal, then the total under that floor.
* `match_team`: missions needing role, regional-sector and language coverage,
  available and conflict-free experts, an optional nascent shadow seat; one
  MILP over all missions so that experts are not double-booked.
* `match_mentors`: nascent specialists to senior mentors, one or two mentees
  each, with `scipy.optimize.linear_sum_assignment`.

`run_cli(kind, path)` is what `reef match reviewers|team|mentors FILE --json` calls.

Modules: `validate` (the error, the schemas, ids, dates, JSON files), `reviewer_input` and
`reviewers`, `team_input`, `team_arrays`, `teams` and `explain` (why each member was chosen),
`mentors`. Invalid input raises `MatchingInputError`, an `ImportFileError` naming the file,
the JSON path and what was expected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reef.experts.matching.explain import Clause, gettext_noop
from reef.experts.matching.mentors import MENTOR_LEVELS, match_mentors
from reef.experts.matching.reviewer_input import (
    REVIEWER_KEYS,
    FloatArray,
    IntArray,
    ReviewerProblem,
    parse_reviewer_input,
)
from reef.experts.matching.reviewers import (
    FlowResult,
    Scaled,
    Solver,
    integer_scale,
    match_reviewers,
    solve_reviewers,
)
from reef.experts.matching.team_arrays import TeamArrays
from reef.experts.matching.team_input import (
    DEFAULT_CANDIDATES_EXTRA,
    DEFAULT_LOCAL_SECTORS,
    DEFAULT_ROLES,
    EXPERT_KEYS,
    MISSION_KEYS,
    NASCENT,
    SENIORITY_WEIGHTS,
    TEAM_KEYS,
    Expert,
    Mission,
    TeamProblem,
    parse_team_input,
)
from reef.experts.matching.teams import match_team, solve_teams
from reef.experts.matching.validate import Id, MatchingInputError, load_json_file

__all__ = [
    "DEFAULT_CANDIDATES_EXTRA",
    "DEFAULT_LOCAL_SECTORS",
    "DEFAULT_ROLES",
    "EXPERT_KEYS",
    "MENTOR_LEVELS",
    "MISSION_KEYS",
    "NASCENT",
    "REVIEWER_KEYS",
    "SENIORITY_WEIGHTS",
    "TEAM_KEYS",
    "Clause",
    "Expert",
    "FloatArray",
    "FlowResult",
    "Id",
    "IntArray",
    "MatchingInputError",
    "Mission",
    "ReviewerProblem",
    "Scaled",
    "Solver",
    "TeamArrays",
    "TeamProblem",
    "gettext_noop",
    "integer_scale",
    "load_json_file",
    "match_mentors",
    "match_reviewers",
    "match_team",
    "parse_reviewer_input",
    "parse_team_input",
    "run_cli",
    "solve_reviewers",
    "solve_teams",
]


def run_cli(kind: str, path: str) -> dict[str, Any]:
    """Entry point for `reef match KIND FILE --json`: load, validate, solve. Errors name
    the file as it was given."""
    handlers: dict[str, Callable[..., dict[str, Any]]] = {
        "reviewers": match_reviewers,
        "team": match_team,
        "teams": match_team,
        "mentors": match_mentors,
    }
    if kind not in handlers:
        raise MatchingInputError(path, "", f"unknown kind {kind!r}: use reviewers, team or mentors")
    return handlers[kind](load_json_file(path), filename=path)
