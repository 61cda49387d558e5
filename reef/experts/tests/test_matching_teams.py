"""The matching engine's team building (pure Python: run with `pytest -p no:django`)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from reef.experts.matching import match_team
from reef.experts.matching.teams import _interval_cliques
from reef.experts.tests.matching_cases import check_team, expert, mission, team_pool


def test_single_mission_team_and_explanations() -> None:
    data = {
        "missions": [mission("m1", nascent_seat=True, languages=["en", "sw"])],
        "experts": team_pool(),
    }
    out = match_team(data)
    check_team(data, out)
    team = out["teams"][0]
    assert team["complete"], team["missing"]
    seats = {m["expert"]: m["seat"] for m in team["members"]}
    assert seats == {
        "tech-a": "role:technical",
        "cj-a": "role:criminal_justice",
        "local-uni": "local",
    }
    tech = next(m for m in team["members"] if m["expert"] == "tech-a")
    assert tech["runner_up"]["expert"] == "tech-b"
    assert "technical" in tech["reason"] and tech["matched_expertise"] == ["forensics"]
    assert team["nascent"]["expert"] == "new"
    assert "language:sw" in next(m for m in team["members"] if m["expert"] == "local-uni")["covers"]


def test_missing_coverage_reported() -> None:
    pool = [e for e in team_pool() if e["id"] not in ("cj-a",)]
    data = {"missions": [mission("m1", languages=["fr"])], "experts": pool}
    out = match_team(data)
    check_team(data, out)
    team = out["teams"][0]
    assert not team["complete"]
    rules = {m["rule"]: m for m in team["missing"]}
    assert set(rules) == {"role:criminal_justice", "language:fr"}
    assert rules["role:criminal_justice"]["eligible_candidates"] == 0


def test_batch_never_double_books() -> None:
    missions = [
        mission("m1"),
        mission("m2", start="2026-03-05", end="2026-03-09"),  # overlaps m1
        mission("m3", start="2026-04-01", end="2026-04-03"),
    ]
    pool = team_pool() + [
        expert(
            f"x{i}",
            roles=["technical", "criminal_justice"][i % 2 : i % 2 + 1],
            sector="private",
            country="KE",
            expertise=["forensics"][: i % 2],
        )
        for i in range(6)
    ]
    data = {"missions": missions, "experts": pool, "max_missions_per_expert": 2}
    out = match_team(data)
    check_team(data, out)
    assert all(t["complete"] for t in out["teams"])
    # Pruning changes nothing here.
    exact = match_team({**data, "candidates_extra": None})
    assert exact["total_fit"] == pytest.approx(out["total_fit"])


def test_team_ilp_matches_brute_force() -> None:
    rng = np.random.default_rng(3)
    for _ in range(15):
        pool = [
            expert(
                f"e{i}",
                roles=[["technical", "criminal_justice", "policy"][int(rng.integers(3))]],
                sector=["private", "academia", "government"][int(rng.integers(3))],
                country=["KE", "FR"][int(rng.integers(2))],
                languages=["en"] + (["fr"] if rng.random() < 0.4 else []),
                expertise=[
                    t for t in ("forensics", "cybercrime-law", "cert") if rng.random() < 0.5
                ],
                seniority=["junior", "mid", "senior"][int(rng.integers(3))],
            )
            for i in range(7)
        ]
        m = mission("m", languages=["en", "fr"], size=3)
        out = match_team({"missions": [m], "experts": pool})
        check_team({"missions": [m], "experts": pool}, out)
        # Brute force: best (fewest missing rules, then fit) over all 3-subsets.
        from reef.experts.matching import SENIORITY_WEIGHTS

        def fit(e: dict[str, Any], m: dict[str, Any] = m) -> float:
            return (
                len(set(e["expertise"]) & set(m["expertise"])) / 2
                + SENIORITY_WEIGHTS[e["seniority"]]
            )

        best = (-1.0, 0.0)
        for team in itertools.combinations(pool, 3):
            missing = sum(
                [
                    not any("technical" in e["roles"] for e in team),
                    not any("criminal_justice" in e["roles"] for e in team),
                    not any(
                        e["sector"] in ("private", "academia") and e["country"] == "KE"
                        for e in team
                    ),
                    not any("fr" in e["languages"] for e in team),
                ]
            )
            best = max(best, (-missing, round(sum(fit(e) for e in team), 6)))
        team_out = out["teams"][0]
        assert -len(team_out["missing"]) == best[0]
        assert team_out["total_fit"] == pytest.approx(best[1])


def test_interval_cliques_are_maximal() -> None:
    # a=[1,5], b=[4,8], c=[7,9], d=[4,5]: maximal cliques {a,b,d} and {b,c}.
    start = np.array([1, 4, 7, 4])
    end = np.array([5, 8, 9, 5])
    cliques = {tuple(np.flatnonzero(row).tolist()) for row in _interval_cliques(start, end)}
    assert cliques == {(0, 1, 3), (1, 2)}
    assert _interval_cliques(np.array([1, 10]), np.array([2, 12])).shape[0] == 0


def test_chain_of_overlaps_allows_non_overlapping_pair() -> None:
    # m1 overlaps m2, m2 overlaps m3, m1 and m3 are disjoint: the only expert
    # can serve m1 and m3 (cliques are per date, not per connected chain).
    missions = [
        mission("m1", start="2026-03-02", end="2026-03-06", roles={}, local=None, size=1),
        mission("m2", start="2026-03-05", end="2026-03-09", roles={}, local=None, size=1),
        mission("m3", start="2026-03-08", end="2026-03-12", roles={}, local=None, size=1),
    ]
    pool = [expert("solo", expertise=["forensics"], max_missions=3)]
    data = {"missions": missions, "experts": pool}
    out = match_team(data)
    check_team(data, out)
    served = [t["mission"] for t in out["teams"] if t["members"]]
    assert len(served) == 2 and served != ["m1", "m2"] and served != ["m2", "m3"]


def _brute_batch(data: dict[str, Any]) -> float:
    """Best (-(missing units) * big + fit) over all team choices, by enumeration."""
    from reef.experts.matching import SENIORITY_WEIGHTS

    experts = data["experts"]
    per_mission = []
    for m in data["missions"]:
        options = []
        ok = [
            e
            for e in experts
            if any(a["start"] <= m["start"] and a["end"] >= m["end"] for a in e["availability"])
        ]
        roles = m.get("roles", {"technical": 1, "criminal_justice": 1})
        for k in range(m["size"] + 1):
            for team in itertools.combinations(ok, k):
                # Roles: best one-seat-per-expert assignment, by permutations.
                seats = [r for r, c in roles.items() for _ in range(c)]
                best_roles = 0
                for perm in itertools.permutations(range(len(team)), min(len(team), len(seats))):
                    for chosen in itertools.combinations(range(len(seats)), len(perm)):
                        got = sum(
                            seats[s] in team[i]["roles"] for i, s in zip(perm, chosen, strict=True)
                        )
                        best_roles = max(best_roles, got)
                missing = len(seats) - best_roles
                missing += not any(
                    e["sector"] in ("private", "academia") and e["country"] == m["country"]
                    for e in team
                )
                missing += sum(not any(g in e["languages"] for e in team) for g in m["languages"])
                missing += m["size"] - k
                fit = sum(
                    len(set(e["expertise"]) & set(m["expertise"])) / len(m["expertise"])
                    + SENIORITY_WEIGHTS[e["seniority"]]
                    for e in team
                )
                options.append(({e["id"] for e in team}, missing, round(fit, 6)))
        per_mission.append(options)
    best = -np.inf
    for combo in itertools.product(*per_mission):
        a, b = combo
        if a[0] & b[0]:  # the two missions overlap: no one on both
            continue
        best = max(best, -(a[1] + b[1]) * 1000 + a[2] + b[2])
    return float(best)


def test_batch_with_multi_role_experts_matches_brute_force() -> None:
    rng = np.random.default_rng(11)
    for _ in range(6):
        pool = [
            expert(
                f"e{i}",
                roles=sorted(
                    {["technical", "criminal_justice", "policy"][int(rng.integers(3))]}
                    | ({"technical"} if rng.random() < 0.4 else set())
                ),
                sector=["private", "academia", "government"][int(rng.integers(3))],
                country=["KE", "FR"][int(rng.integers(2))],
                languages=["en"] + (["fr"] if rng.random() < 0.4 else []),
                expertise=[t for t in ("forensics", "cybercrime-law") if rng.random() < 0.5],
                seniority=["junior", "mid", "senior"][int(rng.integers(3))],
            )
            for i in range(6)
        ]
        missions = [
            mission("a", languages=["en", "fr"], size=2),
            mission("b", start="2026-03-05", end="2026-03-09", size=2),
        ]
        data = {"missions": missions, "experts": pool, "max_missions_per_expert": 2}
        expected = _brute_batch(data)
        for extra in (10, None):
            out = match_team({**data, "candidates_extra": extra})
            check_team(data, out)
            missing = sum(
                entry["needed"] - entry["covered"] for t in out["teams"] for entry in t["missing"]
            )
            assert -missing * 1000 + out["total_fit"] == pytest.approx(expected, abs=1e-6)
