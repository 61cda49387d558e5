"""Why the engine chose whom: explanations as translatable clauses, and the full account of
a proposed team (each member's seat, what they cover, their fit, the runner-up for their
seat, and the coverage nobody could give).

An explanation is a list of (English template, params) clauses. The engine imports nothing
from Django, so the templates are only marked with `gettext_noop` for ``makemessages``; the
platform translates each one into the reader's language (`reef.experts.services.explain`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reef.experts.matching.team_arrays import IntArray, TeamArrays
from reef.experts.matching.team_input import Expert, Mission, TeamProblem

#: One clause of an explanation: an English template and its named parameters.
Clause = tuple[str, dict[str, str]]


def gettext_noop(message: str) -> str:
    """Mark an English template for translation; the Django layer translates it."""
    return message


def render(parts: list[Clause]) -> str:
    """The English explanation: the clauses' templates filled in, joined by "; "."""
    return "; ".join(template % params for template, params in parts)


def reason_parts(parts: list[Clause]) -> list[list[Any]]:
    """The clauses as the JSON output carries them (``reason_parts``)."""
    return [[template, params] for template, params in parts]


@dataclass
class _Team:
    """One mission's proposed team, as the explanations read it."""

    problem: TeamProblem
    arrays: TeamArrays
    m: int
    chosen: list[int]  # regular members, best fit first
    shadow: list[int]  # the nascent specialist, if any
    ranked: IntArray  # eligible experts, best fit first
    team_of: dict[int, list[int]]  # expert -> the missions they were proposed for

    @property
    def mission(self) -> Mission:
        return self.problem.missions[self.m]

    @property
    def experts(self) -> list[Expert]:
        return self.problem.experts

    @property
    def fit(self) -> NDArray[np.float64]:
        row: NDArray[np.float64] = self.arrays.fit[self.m]
        return row

    def covers(self, e: int) -> list[str]:
        """The mission's rules expert e covers."""
        mission, expert = self.mission, self.experts[e]
        out = [f"role:{r}" for r in mission.roles if r in expert.roles]
        if self.arrays.local[self.m, e]:
            out.append("local")
        out.extend(f"language:{lang}" for lang in mission.languages if lang in expert.languages)
        return out

    def can_take(self, e: int, kind: str) -> bool:
        """Whether expert e could take a seat of this kind."""
        expert = self.experts[e]
        return (
            kind in ("general", "nascent")
            or (kind == "local" and bool(self.arrays.local[self.m, e]))
            or (kind.startswith("role:") and kind[5:] in expert.roles)
            or (kind.startswith("language:") and kind[9:] in expert.languages)
        )


def _seats(
    team: _Team, y_col: dict[tuple[int, int, str], int], on: NDArray[np.bool_]
) -> dict[int, str]:
    """Each member's seat: role seats first (the solver's choice for multi-role experts),
    then the regional-sector seat, then languages nobody else covers."""
    mission, experts, m = team.mission, team.experts, team.m
    seat: dict[int, str] = {}
    for r, count in mission.roles.items():
        holders = [
            e
            for e in team.chosen
            if e not in seat
            and r in experts[e].roles
            and all(
                (m, e, r2) not in y_col or on[y_col[(m, e, r2)]] == (r2 == r)
                for r2 in mission.roles
            )
        ]
        for e in holders[:count]:
            seat[e] = f"role:{r}"
    local = team.arrays.local[m]
    if mission.local_sectors is not None and not any(local[e] for e in seat):
        near = [e for e in team.chosen if e not in seat and local[e]]
        if near:
            seat[near[0]] = "local"
    for lang in mission.languages:
        if not any(lang in experts[e].languages for e in seat):
            speakers = [e for e in team.chosen if e not in seat and lang in experts[e].languages]
            if speakers:
                seat[speakers[0]] = f"language:{lang}"
    return seat


def _runner_up(team: _Team, kind: str, nascent: bool, exclude: set[int]) -> dict[str, Any] | None:
    """The best eligible expert outside the team who could take the same seat."""
    for e in team.ranked.tolist():
        if e in exclude or bool(team.arrays.nascent[e]) != nascent or not team.can_take(e, kind):
            continue
        elsewhere = [team.problem.missions[o].id for o in team.team_of.get(e, []) if o != team.m]
        return {
            "expert": team.experts[e].id,
            "fit": float(team.fit[e]),
            "assigned_to": elsewhere[0] if elsewhere else None,
        }
    return None


def _seat_clause(kind: str) -> Clause:
    if kind.startswith("role:"):
        return gettext_noop("fills the required %(role)s role"), {"role": kind[5:]}
    if kind == "local":
        return gettext_noop("covers the regional private-sector/academia rule"), {}
    if kind.startswith("language:"):
        return gettext_noop("covers the required language %(language)s"), {"language": kind[9:]}
    if kind == "nascent":
        return gettext_noop("nascent specialist shadowing the team"), {}
    return gettext_noop("best remaining expertise fit"), {}


def _member(team: _Team, e: int, kind: str, exclude: set[int]) -> dict[str, Any]:
    """One member's entry: seat, coverage, fit, why, and the runner-up for the seat."""
    expert = team.experts[e]
    matched = sorted(set(team.mission.expertise) & expert.expertise)
    cov = team.covers(e)
    parts: list[Clause] = [_seat_clause(kind)]
    also = [c for c in cov if c != kind]
    if also:
        parts.append((gettext_noop("also covers %(rules)s"), {"rules": ", ".join(also)}))
    score = {"fit": f"{team.fit[e]:.3f}", "seniority": expert.seniority}
    if matched:
        parts.append(
            (
                gettext_noop("fit %(fit)s (%(seniority)s; matches %(expertise)s)"),
                {**score, "expertise": ", ".join(matched)},
            )
        )
    else:
        parts.append((gettext_noop("fit %(fit)s (%(seniority)s)"), score))
    return {
        "expert": expert.id,
        "seat": kind,
        "covers": cov,
        "fit": float(team.fit[e]),
        "matched_expertise": matched,
        "reason": render(parts),
        "reason_parts": reason_parts(parts),
        "runner_up": _runner_up(team, kind, kind == "nascent", exclude),
    }


def _missing(team: _Team, seat: dict[int, str]) -> list[dict[str, Any]]:
    """The coverage the team lacks, with how many regular candidates could give it."""
    mission, experts, chosen = team.mission, team.experts, team.chosen
    local = team.arrays.local[team.m]
    cands = team.ranked[~team.arrays.nascent[team.ranked]]
    missing = []
    for r, count in mission.roles.items():
        have = sum(1 for e in chosen if seat.get(e) == f"role:{r}")
        if have < count:
            n = int(sum(r in experts[e].roles for e in cands.tolist()))
            missing.append(
                {"rule": f"role:{r}", "needed": count, "covered": have, "eligible_candidates": n}
            )
    if mission.local_sectors is not None and not any(local[e] for e in chosen):
        n = int(local[cands].sum())
        missing.append({"rule": "local", "needed": 1, "covered": 0, "eligible_candidates": n})
    for lang in mission.languages:
        if not any(lang in experts[e].languages for e in chosen):
            n = int(sum(lang in experts[e].languages for e in cands.tolist()))
            missing.append(
                {"rule": f"language:{lang}", "needed": 1, "covered": 0, "eligible_candidates": n}
            )
    if len(chosen) < mission.size:
        missing.append(
            {
                "rule": "size",
                "needed": mission.size,
                "covered": len(chosen),
                "eligible_candidates": len(cands),
            }
        )
    return missing


def explain_team(
    problem: TeamProblem,
    arrays: TeamArrays,
    m: int,
    chosen: list[int],
    shadow: list[int],
    y_col: dict[tuple[int, int, str], int],
    on: NDArray[np.bool_],
    team_of: dict[int, list[int]],
) -> dict[str, Any]:
    """The output entry of mission m's team (see docs/matching.md)."""
    fit = arrays.fit[m]
    chosen.sort(key=lambda e: (-fit[e], e))
    ranked = np.flatnonzero(arrays.eligible[m])
    ranked = ranked[np.argsort(-fit[ranked], kind="stable")]
    team = _Team(problem, arrays, m, chosen, shadow, ranked, team_of)
    seat = _seats(team, y_col, on)
    exclude = set(chosen) | set(shadow)
    missing = _missing(team, seat)
    team_fit = float(fit[chosen].sum() + fit[shadow].sum())
    return {
        "mission": problem.missions[m].id,
        "complete": not missing,
        "members": [_member(team, e, seat.get(e, "general"), exclude) for e in chosen],
        "nascent": _member(team, shadow[0], "nascent", exclude) if shadow else None,
        "missing": missing,
        "total_fit": round(team_fit, 6),
    }
