"""Inputs and checks shared by the matching engine's tests (pure Python, no Django)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from reef.experts.matching.reviewers import _ortools_available

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
