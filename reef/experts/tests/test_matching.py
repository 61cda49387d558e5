"""Tests for the matching engine (pure Python: run with `pytest -p no:django`)."""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from reef.experts.matching import (
    MatchingInputError,
    _interval_cliques,
    _ortools_available,
    integer_scale,
    load_json_file,
    match_mentors,
    match_reviewers,
    match_team,
    run_cli,
)

SOLVERS = ["highs"] + (["ortools"] if _ortools_available() else [])


def reviewers_input(
    scores: list[list[float]], needs: list[int], loads: list[int], **extra: Any
) -> dict[str, Any]:
    return {
        "proposals": [{"id": f"p{i}", "needs": k} for i, k in enumerate(needs)],
        "reviewers": [{"id": f"r{j}", "max_load": n} for j, n in enumerate(loads)],
        "affinity": [
            {"proposal": f"p{i}", "reviewer": f"r{j}", "score": s}
            for i, row in enumerate(scores)
            for j, s in enumerate(row)
        ],
        **extra,
    }


def check_feasible(data: dict[str, Any], out: dict[str, Any]) -> None:
    needs = {p["id"]: p["needs"] for p in data["proposals"]}
    loads = {r["id"]: r["max_load"] for r in data["reviewers"]}
    banned = {(c["proposal"], c["reviewer"]) for c in data.get("conflicts", [])}
    banned |= {(c["proposal"], c["reviewer"]) for c in data.get("declined", [])}
    pairs = [(a["proposal"], a["reviewer"]) for a in out["assignment"]]
    assert len(pairs) == len(set(pairs))
    assert not banned & set(pairs)
    for p, k in needs.items():
        assert sum(1 for q, _ in pairs if q == p) <= k
    for r, n in loads.items():
        assert sum(1 for _, s in pairs if s == r) <= n
    filled = {p: sum(1 for q, _ in pairs if q == p) for p in needs}
    assert out["unfilled"] == [p for p in needs if filled[p] < needs[p]]


def brute_force(
    scores: list[list[float]], needs: list[int], loads: list[int], banned: set[tuple[int, int]]
) -> tuple[int, float]:
    """(max number of assignments, best total among those) by enumeration."""
    pairs = [(i, j) for i in range(len(needs)) for j in range(len(loads)) if (i, j) not in banned]
    best = (-1, -np.inf)
    for mask in itertools.product((0, 1), repeat=len(pairs)):
        chosen = [pq for pq, b in zip(pairs, mask, strict=True) if b]
        if any(sum(1 for i, _ in chosen if i == p) > needs[p] for p in range(len(needs))):
            continue
        if any(sum(1 for _, j in chosen if j == r) > loads[r] for r in range(len(loads))):
            continue
        key = (len(chosen), round(sum(scores[i][j] for i, j in chosen), 9))
        best = max(best, key)
    return best


@pytest.mark.parametrize("solver", SOLVERS)
def test_hand_checked_optimum(solver: str) -> None:
    # Greedy would give p0 the 0.9 reviewer and leave p1 with 0.1 (total 1.0);
    # the optimum crosses over: 0.8 + 0.7 = 1.5.
    data = reviewers_input([[0.9, 0.8], [0.7, 0.1]], needs=[1, 1], loads=[1, 1])
    out = match_reviewers(data, solver=solver)  # type: ignore[arg-type]
    assert out["total"] == pytest.approx(1.5)
    assert {(a["proposal"], a["reviewer"]) for a in out["assignment"]} == {
        ("p0", "r1"),
        ("p1", "r0"),
    }
    assert out["unfilled"] == []
    assert out["min_proposal_score"] == pytest.approx(0.7)


@pytest.mark.parametrize("solver", SOLVERS)
def test_conflicts_loads_and_unfilled(solver: str) -> None:
    data = reviewers_input(
        [[0.9, 0.5, 0.4], [0.8, 0.3, 0.2]],
        needs=[2, 2],
        loads=[1, 1, 1],
        conflicts=[{"proposal": "p0", "reviewer": "r0"}],
    )
    out = match_reviewers(data, solver=solver)  # type: ignore[arg-type]
    check_feasible(data, out)
    assert len(out["assignment"]) == 3  # supply is 3 for a demand of 4
    assert len(out["unfilled"]) == 1
    assert out["total"] == pytest.approx(0.8 + 0.5 + 0.4)  # r0 goes to p1


def test_fill_takes_priority_over_affinity() -> None:
    # Assigning the negative pair is the only way to fill p1.
    data = reviewers_input([[1.0, -0.5], [2.0, 0.0]], needs=[1, 1], loads=[1, 1])
    data["conflicts"] = [{"proposal": "p1", "reviewer": "r1"}]
    out = match_reviewers(data)
    assert out["unfilled"] == []
    assert out["total"] == pytest.approx(1.5)


def test_fair_raises_minimum() -> None:
    # Total: r0,r1 both want p0 strongly. Fair moves one to p1.
    scores = [[1.0, 1.0, 0.2, 0.2], [0.3, 0.3, 0.05, 0.05]]
    base = reviewers_input(scores, needs=[2, 2], loads=[1, 1, 1, 1])
    total = match_reviewers(base)
    fair = match_reviewers({**base, "objective": "fair"})
    check_feasible(base, fair)
    assert fair["min_proposal_score"] > total["min_proposal_score"]
    assert fair["total"] <= total["total"] + 1e-9
    assert fair["optimal"] is True
    # By hand: total gives p0 {r0, r1} = 2.0 and p1 {r2, r3} = 0.1. The best
    # floor is p0 {r2, r3} = 0.4 with p1 {r0, r1} = 0.6 (splitting r0/r1 gives
    # p1 at most 0.35).
    assert total["min_proposal_score"] == pytest.approx(0.1)
    assert fair["min_proposal_score"] == pytest.approx(0.4)
    assert fair["total"] == pytest.approx(1.0)


@pytest.mark.parametrize("objective", ["total", "fair"])
def test_decline_reassigns(objective: str) -> None:
    data = reviewers_input(
        [[0.9, 0.6, 0.5], [0.4, 0.7, 0.1]], needs=[1, 1], loads=[1, 1, 1], objective=objective
    )
    first = match_reviewers(data)
    assert ("p0", "r0") in {(a["proposal"], a["reviewer"]) for a in first["assignment"]}
    again = match_reviewers(
        {
            **data,
            "fixed": [{"proposal": "p1", "reviewer": "r1"}],
            "declined": [{"proposal": "p0", "reviewer": "r0"}],
        }
    )
    pairs = {(a["proposal"], a["reviewer"]) for a in again["assignment"]}
    assert ("p1", "r1") in pairs
    assert ("p0", "r0") not in pairs
    assert ("p0", "r2") in pairs
    check_feasible({**data, "declined": [{"proposal": "p0", "reviewer": "r0"}]}, again)


def test_affinity_from_texts() -> None:
    data = {
        "proposals": [
            {"id": "a", "text": "malware forensics incident response", "needs": 1},
            {"id": "b", "text": "cybercrime legislation prosecution judges", "needs": 1},
        ],
        "reviewers": [
            {"id": "law", "text": "prosecutor training judges on cybercrime law", "max_load": 1},
            {"id": "tech", "expertise": ["forensics", "malware analysis"], "max_load": 1},
        ],
    }
    out = match_reviewers(data)
    pairs = {(a["proposal"], a["reviewer"]) for a in out["assignment"]}
    assert pairs == {("a", "tech"), ("b", "law")}
    assert all(a["score"] > 0 for a in out["assignment"])
    bm25 = match_reviewers({**data, "affinity_method": "bm25"})
    assert {(a["proposal"], a["reviewer"]) for a in bm25["assignment"]} == pairs


def test_affinity_matrix_form_matches_records() -> None:
    scores = [[0.1, 0.5, 0.3], [0.4, 0.2, 0.6]]
    records = reviewers_input(scores, needs=[2, 1], loads=[1, 1, 1])
    dense = {k: v for k, v in records.items() if k != "affinity"}
    dense["affinity_matrix"] = scores
    assert match_reviewers(records) == match_reviewers(dense)


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [
        (lambda d: d["reviewers"][1].update(max_load=-1), "reviewers[1].max_load", "non-negative"),
        (lambda d: d["reviewers"][0].update(max_load=True), "reviewers[0].max_load", "integer"),
        (lambda d: d["proposals"][0].pop("needs"), "proposals[0].needs", "required"),
        (lambda d: d["affinity"][2].update(score="x"), "affinity[2].score", "number"),
        (lambda d: d["affinity"][1].update(reviewer="zz"), "affinity[1].reviewer", "unknown"),
        (lambda d: d["affinity"].append(dict(d["affinity"][0])), "affinity[4]", "duplicate"),
        (lambda d: d.update(objective="best"), "objective", "total"),
        (
            lambda d: d.update(conflicts=[{"proposal": "p9", "reviewer": "r0"}]),
            "conflicts[0].proposal",
            "unknown",
        ),
        (lambda d: d["reviewers"][1].update(id="r0"), "reviewers[1].id", "duplicate"),
        (lambda d: d.update(extra=1), "extra", "unknown key"),
        # Fast-path surprises must still name the exact record.
        (lambda d: d["affinity"][3].update(score=True), "affinity[3].score", "number"),
        (lambda d: d["affinity"][3].update(score=float("nan")), "affinity[3].score", "finite"),
        (lambda d: d["affinity"].__setitem__(1, ["p0", "r0", 1]), "affinity[1]", "object"),
        (lambda d: d["affinity"][2].update(proposal=["p0"]), "affinity[2].proposal", "string"),
        (lambda d: d["affinity"][0].pop("score"), "affinity[0].score", "required"),
        (lambda d: d.update(conflicts=["ab"]), "conflicts[0]", "object"),
        (
            lambda d: d.update(declined=[{"proposal": "p0", "reviewer": "r0", "why": 1}]),
            "declined[0].why",
            "unknown key",
        ),
    ],
)
def test_invalid_reviewer_input(mutate: Any, path: str, message: str) -> None:
    data = reviewers_input([[0.1, 0.2], [0.3, 0.4]], needs=[1, 1], loads=[1, 1])
    mutate(data)
    with pytest.raises(MatchingInputError) as err:
        match_reviewers(data)
    assert err.value.path == path
    assert message in str(err.value)


def test_integer_scale_is_exact_for_given_decimals() -> None:
    scaled = integer_scale(np.array([0.1234, 0.5, 1.0]), headroom=10)
    assert scaled.exact and scaled.decimals == 4
    assert scaled.costs.tolist() == [1234, 5000, 10000]
    rough = integer_scale(np.array([1 / 3]), headroom=10)
    assert not rough.exact and rough.decimals == 9


def test_run_cli_and_load_errors(tmp_path: Any) -> None:
    path = tmp_path / "in.json"
    data = reviewers_input([[0.5]], needs=[1], loads=[1])
    path.write_text(json.dumps(data))
    assert run_cli("reviewers", str(path))["total"] == 0.5
    path.write_text("{nope")
    with pytest.raises(MatchingInputError, match="not valid JSON"):
        run_cli("reviewers", str(path))
    with pytest.raises(MatchingInputError, match="unknown kind"):
        run_cli("papers", str(path))


def test_load_json_file_errors(tmp_path: Any) -> None:
    path = tmp_path / "in.json"
    path.write_text('{"proposals": [],\n  "reviewers": [}')
    with pytest.raises(MatchingInputError, match=r"not valid JSON \(line 2, column"):
        load_json_file(path)
    path.write_text('{"score": NaN}')  # strict JSON: NaN is not a JSON value
    with pytest.raises(MatchingInputError, match="not valid JSON"):
        load_json_file(path)
    path.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(MatchingInputError, match="not valid JSON"):
        load_json_file(path)
    path.write_text("[1, 2]")
    with pytest.raises(MatchingInputError, match="top level must be a JSON object"):
        load_json_file(path)
    with pytest.raises(MatchingInputError, match="cannot read"):
        load_json_file(tmp_path / "missing.json")
    path.write_text('{"a": [1, 2.5, "x"], "b": {"c": null}}')
    assert load_json_file(str(path)) == {"a": [1, 2.5, "x"], "b": {"c": None}}


def test_integer_ids_in_records() -> None:
    # Integer ids take the type-checked fast path; `true` must not pass for 1.
    data: dict[str, Any] = {
        "proposals": [{"id": 1, "needs": 1}, {"id": "1", "needs": 1}],
        "reviewers": [{"id": 0, "max_load": 1}, {"id": 1, "max_load": 1}],
        "affinity": [
            {"proposal": 1, "reviewer": 0, "score": 0.25},
            {"proposal": "1", "reviewer": 1, "score": 0.5},
            {"proposal": "1", "reviewer": 0, "score": 1},
        ],
        "conflicts": [{"proposal": 1, "reviewer": 1}],
    }
    out = match_reviewers(data)
    assert {(a["proposal"], a["reviewer"]) for a in out["assignment"]} == {(1, 0), ("1", 1)}
    assert out["total"] == pytest.approx(0.75)
    data["affinity"][0]["proposal"] = True
    with pytest.raises(MatchingInputError, match=r"affinity\[0\].proposal"):
        match_reviewers(data)
    data["affinity"][0]["proposal"] = 1
    data["conflicts"] = [{"proposal": 1.0, "reviewer": 1}]
    with pytest.raises(MatchingInputError, match=r"conflicts\[0\].proposal"):
        match_reviewers(data)


tiny = st.integers(min_value=1, max_value=3)


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    n_p=tiny,
    n_r=tiny,
)
def test_total_matches_brute_force_and_lp(data: st.DataObject, n_p: int, n_r: int) -> None:
    scores = [[data.draw(st.integers(-20, 100)) / 100 for _ in range(n_r)] for _ in range(n_p)]
    needs = [data.draw(st.integers(0, 2)) for _ in range(n_p)]
    loads = [data.draw(st.integers(0, 2)) for _ in range(n_r)]
    banned = {
        (i, j) for i in range(n_p) for j in range(n_r) if data.draw(st.booleans()) and (i + j) % 2
    }
    conflicts = [{"proposal": f"p{i}", "reviewer": f"r{j}"} for i, j in banned]
    inp = reviewers_input(scores, needs, loads, conflicts=conflicts)
    count, best = brute_force(scores, needs, loads, banned)
    for solver in SOLVERS:
        out = match_reviewers(inp, solver=solver)  # type: ignore[arg-type]
        check_feasible(inp, out)
        assert len(out["assignment"]) == count
        assert out["total"] == pytest.approx(best, abs=1e-9)
    # The plain LP (no fill priority) bounds every feasible total from above; it
    # may exceed `best`, which fills as many seats as possible first (e.g. a 0.01
    # pair that blocks two 0.0 pairs), so only the bound is checked.
    if min(min(row) for row in scores) >= 0:
        pairs = [(i, j) for i in range(n_p) for j in range(n_r) if (i, j) not in banned]
        if pairs:
            a = np.zeros((n_p + n_r, len(pairs)))
            for k, (i, j) in enumerate(pairs):
                a[i, k] = a[n_p + j, k] = 1
            lp = linprog(
                [-scores[i][j] for i, j in pairs],
                A_ub=a,
                b_ub=needs + loads,
                bounds=(0, 1),
                method="highs",
            )
            assert best <= -lp.fun + 1e-9


@settings(max_examples=40, deadline=None)
@given(data=st.data(), n_p=st.integers(1, 3), n_r=st.integers(1, 3))
def test_fair_matches_brute_force(data: st.DataObject, n_p: int, n_r: int) -> None:
    scores = [[data.draw(st.integers(0, 9)) / 10 for _ in range(n_r)] for _ in range(n_p)]
    needs = [data.draw(st.integers(1, 2)) for _ in range(n_p)]
    loads = [data.draw(st.integers(0, 2)) for _ in range(n_r)]
    inp = reviewers_input(scores, needs, loads, objective="fair")
    out = match_reviewers(inp)
    check_feasible(inp, out)
    pairs = [(i, j) for i in range(n_p) for j in range(n_r)]
    best: tuple[int, float, float] = (-1, -1.0, -1.0)
    for mask in itertools.product((0, 1), repeat=len(pairs)):
        chosen = [pq for pq, b in zip(pairs, mask, strict=True) if b]
        if any(sum(1 for i, _ in chosen if i == p) > needs[p] for p in range(n_p)):
            continue
        if any(sum(1 for _, j in chosen if j == r) > loads[r] for r in range(n_r)):
            continue
        sums = [sum(scores[i][j] for i, j in chosen if i == p) for p in range(n_p)]
        has = [any(loads[r] > 0 for r in range(n_r)) for _ in range(n_p)]
        floor = min((s for s, h in zip(sums, has, strict=True) if h), default=0.0)
        key = (len(chosen), round(floor, 9), round(sum(sums), 9))
        best = max(best, key)
    assert len(out["assignment"]) == best[0]
    assert out["min_proposal_score"] == pytest.approx(best[1], abs=1e-9)
    assert out["total"] == pytest.approx(best[2], abs=1e-9)


# --------------------------------------------------------------------------- teams


def expert(ident: str, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": ident,
        "roles": ["technical"],
        "expertise": [],
        "sector": "government",
        "country": "FR",
        "languages": ["en"],
        "seniority": "mid",
        "availability": [{"start": "2026-01-01", "end": "2026-12-31"}],
    }
    base.update(kw)
    return base


def mission(ident: str, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": ident,
        "country": "KE",
        "region": "east-africa",
        "start": "2026-03-02",
        "end": "2026-03-06",
        "languages": ["en"],
        "size": 3,
        "expertise": ["forensics", "cybercrime-law"],
    }
    base.update(kw)
    return base


def team_pool() -> list[dict[str, Any]]:
    return [
        expert("tech-a", expertise=["forensics"], seniority="senior"),
        expert("tech-b", expertise=[]),
        expert("cj-a", roles=["criminal_justice"], expertise=["cybercrime-law"]),
        expert(
            "cj-busy",
            roles=["criminal_justice"],
            expertise=["cybercrime-law", "forensics"],
            availability=[{"start": "2026-03-04", "end": "2026-12-31"}],
        ),
        expert(
            "local-uni",
            roles=["policy"],
            sector="academia",
            country="KE",
            region="east-africa",
            languages=["en", "sw"],
        ),
        expert(
            "local-gov",
            roles=["policy"],
            sector="government",
            country="KE",
            expertise=["forensics", "cybercrime-law"],
        ),
        expert(
            "conflicted",
            roles=["criminal_justice"],
            expertise=["cybercrime-law", "forensics"],
            seniority="principal",
            conflicts={"countries": ["KE"]},
        ),
        expert("new", roles=["technical"], expertise=["forensics"], seniority="nascent"),
    ]


def check_team(data: dict[str, Any], out: dict[str, Any]) -> None:
    experts = {e["id"]: e for e in data["experts"]}
    busy: dict[str, list[tuple[str, str]]] = {}
    for team, m in zip(out["teams"], data["missions"], strict=True):
        ids = [x["expert"] for x in team["members"]]
        if team["nascent"]:
            ids.append(team["nascent"]["expert"])
        for ident in ids:
            e = experts[ident]
            assert any(a["start"] <= m["start"] and a["end"] >= m["end"] for a in e["availability"])
            assert m["country"] not in e.get("conflicts", {}).get("countries", [])
            busy.setdefault(ident, []).append((m["start"], m["end"]))
        assert len(team["members"]) <= m.get("size", 3)
        if team["complete"]:
            members = [experts[x["expert"]] for x in team["members"]]
            for role, count in m.get("roles", {"technical": 1, "criminal_justice": 1}).items():
                assert sum(role in e["roles"] for e in members) >= count
            for lang in m.get("languages", []):
                assert any(lang in e["languages"] for e in members)
            if m.get("local", True) is not None:
                assert any(
                    e["sector"] in ("private", "academia")
                    and (e["country"] == m["country"] or e.get("region") == m.get("region"))
                    for e in members
                )
            assert len(members) == m.get("size", 3)
    for spans in busy.values():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end < start  # never on two overlapping missions


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


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["experts"][0].pop("availability"), "experts[0].availability"),
        (lambda d: d["experts"][1].update(seniority="guru"), "experts[1].seniority"),
        (lambda d: d["missions"][0].update(end="2026-01-01"), "missions[0].end"),
        (lambda d: d["missions"][0].update(start="March"), "missions[0].start"),
        (lambda d: d["missions"][0].update(size=0), "missions[0].size"),
        (lambda d: d["experts"][2].update(conflicts={"people": []}), "experts[2].conflicts.people"),
    ],
)
def test_invalid_team_input(mutate: Any, path: str) -> None:
    data = {"missions": [mission("m1")], "experts": team_pool()}
    mutate(data)
    with pytest.raises(MatchingInputError) as err:
        match_team(data)
    assert err.value.path == path


# --------------------------------------------------------------------------- mentors


def test_mentor_pairing() -> None:
    data: dict[str, Any] = {
        "mentees": [
            {"id": "n1", "fields": ["forensics"], "languages": ["fr"], "country": "SN"},
            {"id": "n2", "fields": ["law"], "languages": ["en"], "country": "KE"},
            {"id": "n3", "fields": ["law"], "languages": ["en"], "country": "GH"},
            {"id": "n4", "fields": ["law"], "languages": ["ar"]},
        ],
        "mentors": [
            {"id": "s1", "fields": ["forensics"], "languages": ["fr", "en"], "country": "SN"},
            {"id": "s2", "fields": ["law"], "languages": ["en"], "country": "KE", "capacity": 2},
        ],
    }
    out = match_mentors(data)
    pairs = {(p["mentee"], p["mentor"]) for p in out["pairs"]}
    assert pairs == {("n1", "s1"), ("n2", "s2"), ("n3", "s2")}
    assert out["unmatched"] == ["n4"]
    with pytest.raises(MatchingInputError, match=r"mentors\[0\].capacity"):
        match_mentors({**data, "mentors": [{**data["mentors"][0], "capacity": 3}]})


def test_explanations_come_with_their_translatable_parts() -> None:
    pair = {"id": "m", "fields": ["x", "y"], "languages": ["en", "fr"], "country": "GD"}
    out = match_mentors({"mentees": [{**pair, "id": "a"}], "mentors": [pair]})
    (item,) = out["pairs"]
    assert item["reason"] == "shares languages en, fr; fields x, y; same country"
    assert item["reason"] == "; ".join(t % p for t, p in item["reason_parts"])
