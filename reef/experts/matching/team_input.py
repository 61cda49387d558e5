"""Team building input: checked against ``schema/team.schema.json`` and the rules a schema
cannot express (unique ids, real dates in order, known seniority levels, roles that fit the
team), then read into `TeamProblem`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reef.experts.matching.validate import (
    DATA,
    Id,
    Problems,
    check,
    index_ids,
    iso_date,
    schema_keys,
)

KIND = "team"
DEFAULT_ROLES: dict[str, int] = {"technical": 1, "criminal_justice": 1}
DEFAULT_LOCAL_SECTORS: tuple[str, ...] = ("private", "academia")
SENIORITY_WEIGHTS: dict[str, float] = {
    "nascent": 0.0,
    "junior": 0.0,
    "mid": 0.1,
    "senior": 0.2,
    "principal": 0.3,
}
NASCENT = "nascent"
DEFAULT_CANDIDATES_EXTRA = 4
TEAM_KEYS = schema_keys(KIND)
MISSION_KEYS = schema_keys(KIND, "mission")
EXPERT_KEYS = schema_keys(KIND, "expert")


@dataclass
class Mission:
    id: Id
    country: str
    region: str | None
    organisations: set[str]
    start: int  # date ordinals, inclusive
    end: int
    languages: list[str]
    roles: dict[str, int]
    local_sectors: list[str] | None  # None: no regional-sector rule
    size: int
    nascent_seat: bool
    expertise: list[str]
    exclude: set[int]  # expert indices


@dataclass
class Expert:
    id: Id
    roles: set[str]
    expertise: set[str]
    sector: str | None
    country: str | None
    region: str | None
    organisation: str | None
    languages: set[str]
    seniority: str
    availability: list[tuple[int, int]]
    conflict_countries: set[str]
    conflict_organisations: set[str]
    max_missions: int


@dataclass
class TeamProblem:
    missions: list[Mission]
    experts: list[Expert]
    extra: int | None  # candidates kept per group beyond `size`; None keeps all
    time_limit: float
    levels: dict[str, float]  # seniority weights


def _span(raw: dict[str, Any], path: str, problems: Problems) -> tuple[int, int]:
    """A (start, end) date range as ordinals; (0, 0) after noting a problem."""
    start = iso_date(raw["start"], f"{path}.start", problems)
    end = iso_date(raw["end"], f"{path}.end", problems)
    if start is None or end is None:
        return 0, 0
    if end < start:
        problems.add(f"{path}.end", "must not be before start")
    return start.toordinal(), end.toordinal()


def _mission(
    m: dict[str, Any], path: str, expert_ids: dict[Id, int], problems: Problems
) -> Mission:
    start, end = _span(m, path, problems)
    roles = DEFAULT_ROLES
    if "roles" in m:
        roles = {str(k): v for k, v in m["roles"].items() if v > 0}
    local = m.get("local", {"sectors": list(DEFAULT_LOCAL_SECTORS)})
    size = m.get("size", 3)
    if sum(roles.values()) > size:
        problems.add(f"{path}.roles", f"needs more experts than size ({size})")
    return Mission(
        id=m["id"],
        country=m["country"],
        region=m.get("region"),
        organisations=set(m.get("organisations", [])),
        start=start,
        end=end,
        languages=sorted(set(m.get("languages", []))),
        roles=roles,
        local_sectors=None if local is None or local is False else list(local["sectors"]),
        size=size,
        nascent_seat=m.get("nascent_seat", False),
        expertise=sorted(set(m.get("expertise", []))),
        exclude={expert_ids.get(value, -1) for value in m.get("exclude", [])},
    )


def _expert(
    e: dict[str, Any], path: str, levels: dict[str, float], default_max: int, problems: Problems
) -> Expert:
    seniority = e.get("seniority", "mid")
    if seniority not in levels:
        problems.add(f"{path}.seniority", f"must be one of {', '.join(levels)}")
    ranges = [
        _span(item, f"{path}.availability[{i}]", problems)
        for i, item in enumerate(e["availability"])
    ]
    conflicts = e.get("conflicts", {})
    return Expert(
        id=e["id"],
        roles=set(e.get("roles", [])),
        expertise=set(e.get("expertise", [])),
        sector=e.get("sector"),
        country=e.get("country"),
        region=e.get("region"),
        organisation=e.get("organisation"),
        languages=set(e.get("languages", [])),
        seniority=seniority,
        availability=ranges,
        conflict_countries=set(conflicts.get("countries", [])),
        conflict_organisations=set(conflicts.get("organisations", [])),
        max_missions=e.get("max_missions", default_max),
    )


def parse_team_input(data: Any, filename: str = DATA) -> TeamProblem:
    """Check the `match_team` JSON and read it."""
    check(data, KIND, filename)
    expert_ids = index_ids(data["experts"], "experts", filename)
    index_ids(data["missions"], "missions", filename)
    levels = {
        **SENIORITY_WEIGHTS,
        **{str(k): float(v) for k, v in data.get("seniority_weights", {}).items()},
    }
    default_max = data.get("max_missions_per_expert", 1)
    # Default 4: on the 200 x 1,000 benchmark batches (seeds 1, 2, 7) the result
    # equals that of 10 (and, seed 7, of no pruning) at about 70% of the solve time.
    extra = data.get("candidates_extra", DEFAULT_CANDIDATES_EXTRA)
    problems = Problems(filename)
    experts = [
        _expert(e, f"experts[{i}]", levels, default_max, problems)
        for i, e in enumerate(data["experts"])
    ]
    missions = [
        _mission(m, f"missions[{i}]", expert_ids, problems) for i, m in enumerate(data["missions"])
    ]
    problems.raise_any()
    return TeamProblem(missions, experts, extra, float(data.get("time_limit", 30.0)), levels)
