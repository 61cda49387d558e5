"""Dense per (mission, expert) facts for team building, computed with NumPy: who may serve
(availability, conflicts), how well they fit, who counts for the regional-sector rule, and
the candidates kept per mission."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reef.experts.matching.team_input import NASCENT, Expert, Mission, TeamProblem

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass
class TeamArrays:
    """Dense per (mission, expert) facts, computed with numpy."""

    eligible: NDArray[np.bool_]
    fit: FloatArray
    local: NDArray[np.bool_]
    nascent: NDArray[np.bool_]  # per expert
    matched: list[list[str]]  # wanted tags per mission, for explanations
    role_index: dict[str, int]  # roles some mission requires -> column of has_role
    has_role: NDArray[np.bool_]  # experts x required roles
    lang_index: dict[str, int]  # languages some mission requires -> column of speaks
    speaks: NDArray[np.bool_]  # experts x required languages


def _codes(values: Iterable[str | None]) -> tuple[IntArray, dict[str | None, int]]:
    """Integer codes for categorical values (None gets a code of its own)."""
    table: dict[str | None, int] = {}
    codes = np.fromiter((table.setdefault(v, len(table)) for v in values), dtype=np.int64)
    return codes, table


def _membership(sets: list[set[str]], names: dict[str, int]) -> NDArray[np.bool_]:
    out = np.zeros((len(sets), len(names)), dtype=np.bool_)
    rows = [i for i, s in enumerate(sets) for v in s if v in names]
    cols = [names[v] for s in sets for v in s if v in names]
    out[rows, cols] = True
    return out


def _eligible(missions: list[Mission], experts: list[Expert]) -> NDArray[np.bool_]:
    """Who may serve on which mission: available for the whole of it, not conflicted, not
    excluded, not limited to no mission at all."""
    n_m, n_e = len(missions), len(experts)
    # Availability: the mission's whole date range inside one of the expert's ranges.
    owner = np.array([i for i, e in enumerate(experts) for _ in e.availability], dtype=np.int64)
    r_start = np.array([s for e in experts for s, _ in e.availability], dtype=np.int64)
    r_end = np.array([t for e in experts for _, t in e.availability], dtype=np.int64)
    m_start = np.array([ms.start for ms in missions], dtype=np.int64)
    m_end = np.array([ms.end for ms in missions], dtype=np.int64)
    eligible = np.zeros((n_m, n_e), dtype=np.bool_)
    if owner.size:
        inside = (r_start[None, :] <= m_start[:, None]) & (r_end[None, :] >= m_end[:, None])
        rows, ranges = np.nonzero(inside)
        eligible[rows, owner[ranges]] = True
    # Conflicts, grouped so that each mission costs a few set look-ups.
    by_country: dict[str, list[int]] = {}
    by_org: dict[str, list[int]] = {}
    for i, e in enumerate(experts):
        for c in e.conflict_countries:
            by_country.setdefault(c, []).append(i)
        for o in e.conflict_organisations | ({e.organisation} if e.organisation else set()):
            by_org.setdefault(o, []).append(i)
    for m, mission in enumerate(missions):
        banned = list(by_country.get(mission.country, []))
        for o in mission.organisations:
            banned.extend(by_org.get(o, []))
        banned.extend(i for i in mission.exclude if i >= 0)
        eligible[m, banned] = False
    eligible[:, [i for i, e in enumerate(experts) if e.max_missions == 0]] = False
    return eligible


def _fit(missions: list[Mission], experts: list[Expert], levels: dict[str, float]) -> FloatArray:
    """Share of each mission's wanted tags an expert has, plus their seniority weight."""
    n_m, n_e = len(missions), len(experts)
    tags = sorted({t for m in missions for t in m.expertise})
    tag_index = {t: k for k, t in enumerate(tags)}
    fit = np.zeros((n_m, n_e), dtype=np.float64)
    if tags:
        have = _membership([e.expertise for e in experts], tag_index).astype(np.float64)
        want = _membership([set(ms.expertise) for ms in missions], tag_index).astype(np.float64)
        wanted = np.array([max(1, len(ms.expertise)) for ms in missions], dtype=np.float64)
        fit = (want @ have.T) / wanted[:, None]
    weights = np.array([levels[e.seniority] for e in experts], dtype=np.float64)
    rounded: FloatArray = np.round(fit + weights[None, :], 6)
    return rounded


def _local(missions: list[Mission], experts: list[Expert]) -> NDArray[np.bool_]:
    """Regional private-sector/academia rule: listed sector, and same country or region."""
    sector, sectors_code = _codes(e.sector for e in experts)
    country, countries_code = _codes(e.country for e in experts)
    region, regions_code = _codes(e.region for e in experts)
    local = np.zeros((len(missions), len(experts)), dtype=np.bool_)
    for m, ms in enumerate(missions):
        if ms.local_sectors is None:
            continue
        wanted_sectors = [sectors_code[s] for s in ms.local_sectors if s in sectors_code]
        near = country == countries_code.get(ms.country, -1)
        if ms.region is not None:
            near |= region == regions_code.get(ms.region, -1)
        local[m] = np.isin(sector, wanted_sectors) & near
    return local


def team_arrays(problem: TeamProblem) -> TeamArrays:
    missions, experts = problem.missions, problem.experts
    role_index = {r: k for k, r in enumerate(sorted({r for ms in missions for r in ms.roles}))}
    lang_index = {g: k for k, g in enumerate(sorted({g for ms in missions for g in ms.languages}))}
    return TeamArrays(
        eligible=_eligible(missions, experts),
        fit=_fit(missions, experts, problem.levels),
        local=_local(missions, experts),
        nascent=np.array([e.seniority == NASCENT for e in experts], dtype=np.bool_),
        matched=[list(ms.expertise) for ms in missions],
        role_index=role_index,
        has_role=_membership([e.roles for e in experts], role_index),
        lang_index=lang_index,
        speaks=_membership([e.languages for e in experts], lang_index),
    )


def _signature(problem: TeamProblem, arrays: TeamArrays, m: int, who: IntArray) -> IntArray:
    """Coverage signature of experts `who` for mission m, as group codes.

    Columns: each required role held, regional-sector status, each required
    language spoken. Experts with equal signatures differ only by fit.
    """
    mission = problem.missions[m]
    roles = [arrays.role_index[r] for r in mission.roles]
    langs = [arrays.lang_index[g] for g in mission.languages]
    table = np.column_stack(
        [
            arrays.has_role[np.ix_(who, roles)],
            arrays.local[m, who],
            arrays.speaks[np.ix_(who, langs)],
        ]
    )
    _, code = np.unique(table, axis=0, return_inverse=True)
    return np.asarray(code, dtype=np.int64).ravel()


def candidates(problem: TeamProblem, arrays: TeamArrays, m: int) -> tuple[IntArray, IntArray]:
    """Regular and nascent candidates for mission m.

    Regular experts with the same coverage signature (required roles held,
    regional-sector status, required languages spoken) are interchangeable but
    for fit, so keeping the best `size + extra` of each signature loses nothing
    for a lone mission (extra >= 0) and little in a batch.
    """
    mission = problem.missions[m]
    regular = np.flatnonzero(arrays.eligible[m] & ~arrays.nascent)
    nascent = (
        np.flatnonzero(arrays.eligible[m] & arrays.nascent)
        if mission.nascent_seat
        else (np.zeros(0, dtype=np.int64))
    )
    fit = arrays.fit[m]
    if problem.extra is None or regular.size == 0:
        return regular, nascent
    keep = mission.size + problem.extra
    code = _signature(problem, arrays, m, regular)
    order = np.lexsort((-fit[regular], code))
    sorted_code = code[order]
    group_start = np.r_[0, np.flatnonzero(sorted_code[1:] != sorted_code[:-1]) + 1]
    sizes = np.diff(np.r_[group_start, len(order)])
    rank = np.arange(len(order)) - np.repeat(group_start, sizes)
    regular = np.sort(regular[order[rank < keep]])
    nascent = nascent[np.argsort(-fit[nascent], kind="stable")[: 1 + problem.extra]]
    return regular, nascent
