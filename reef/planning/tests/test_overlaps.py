"""Tests of twinning detection (pure, no Django)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from reef.planning.overlaps import (
    OverlapAction,
    TwinningConfig,
    find_twinning_candidates,
)

CSIRT_A = "Train national CSIRT staff in incident handling and malware triage"
CSIRT_B = "Incident handling training for the national CSIRT team, with malware triage exercises"
LAW = "Draft amendments to the cybercrime law on electronic evidence and data retention"
AWARENESS = "Public awareness campaign on phishing and basic cyber hygiene for small businesses"


def action(
    id: str,
    org: str = "oas",
    country: str | None = "GD",
    region: str | None = "CARICOM",
    factor: str = "incident-response.csirt",
    area: str = "incident-response",
    text: str = CSIRT_A,
    start: date = date(2026, 3, 1),
    end: date = date(2026, 6, 30),
) -> OverlapAction:
    return OverlapAction(id, org, country, region, factor, area, text, start, end)


def pairs(actions: list[OverlapAction]) -> set[tuple[str, str]]:
    return {(c.a_id, c.b_id) for c in find_twinning_candidates(actions)}


def test_true_pair_found_and_explained() -> None:
    found = find_twinning_candidates(
        [
            action("a1", org="oas", text=CSIRT_A),
            action("a2", org="itu", text=CSIRT_B, start=date(2026, 4, 15), end=date(2026, 9, 1)),
        ]
    )
    assert len(found) == 1
    c = found[0]
    assert (c.a_id, c.b_id) == ("a1", "a2")
    assert c.same_factor and c.same_area
    assert c.scope == "country" and c.scope_code == "GD"
    assert c.overlap_start == date(2026, 4, 15) and c.overlap_end == date(2026, 6, 30)
    assert 0.15 <= c.similarity <= 1.0
    assert 0.0 < c.score <= 1.0
    assert "same country: GD" in c.why
    assert "same factor: incident-response.csirt" in c.why
    assert f"similarity {c.similarity:.2f}" in c.why
    assert "overlap 2026-04..2026-06" in c.why


@pytest.mark.parametrize(
    "other",
    [
        action("b", org="itu", country="BB", text=CSIRT_B),  # different country
        action("b", org="itu", text=CSIRT_B, start=date(2026, 7, 1), end=date(2026, 12, 1)),
        action("b", org="oas", text=CSIRT_B),  # same organisation
        action("b", org="itu", text=AWARENESS),  # same factor, unrelated text
        action("b", org="itu", text=CSIRT_B, factor="law.x", area="law"),  # unrelated need
    ],
    ids=["other-country", "no-date-overlap", "same-organisation", "unrelated-text", "other-need"],
)
def test_unrelated_pairs_not_found(other: OverlapAction) -> None:
    assert pairs([action("a", org="oas", text=CSIRT_A), other]) == set()


def test_same_area_needs_more_similar_text() -> None:
    base = action("a", org="oas", factor="ir.csirt", text=CSIRT_A)
    near = action("b", org="itu", factor="ir.exercises", text=CSIRT_A + " in 2026")
    far = action("c", org="cto", factor="ir.exercises", text="CSIRT governance charter")
    found = find_twinning_candidates([base, near, far])
    assert {(c.a_id, c.b_id) for c in found} == {("a", "b")}
    assert not found[0].same_factor and found[0].same_area


def test_dates_touching_on_one_day_overlap() -> None:
    a = action("a", org="oas", end=date(2026, 6, 30))
    b = action("b", org="itu", text=CSIRT_B, start=date(2026, 6, 30), end=date(2026, 8, 1))
    assert pairs([a, b]) == {("a", "b")}


def test_regional_effort_meets_national_action_in_region() -> None:
    regional = action("r", org="ctu", country=None, region="CARICOM", text=CSIRT_B)
    national = action("n", org="oas", country="JM", region="CARICOM", text=CSIRT_A)
    elsewhere = action("x", org="coe", country="JM", region="OTHER", text=CSIRT_A)
    found = find_twinning_candidates([regional, national, elsewhere])
    scopes = {(c.a_id, c.b_id): (c.scope, c.scope_code) for c in found}
    assert scopes[("n", "r")] == ("region", "CARICOM")
    assert ("r", "x") not in scopes
    assert ("n", "x") in scopes  # same country, different region tags
    assert scopes[("n", "x")] == ("country", "JM")


def test_two_regional_efforts_reported_once() -> None:
    r1 = action("r1", org="ctu", country=None, text=CSIRT_A)
    r2 = action("r2", org="impacs", country=None, text=CSIRT_B)
    found = find_twinning_candidates([r1, r2])
    assert [(c.a_id, c.b_id) for c in found] == [("r1", "r2")]


def test_national_actions_in_different_countries_of_a_region_not_paired() -> None:
    a = action("a", org="oas", country="GD")
    b = action("b", org="itu", country="LC", text=CSIRT_B)
    assert pairs([a, b]) == set()


def test_sorted_by_score_and_deterministic() -> None:
    actions = [
        action("a", org="oas", text=CSIRT_A),
        action("b", org="itu", text=CSIRT_A),
        action("c", org="cto", text=CSIRT_B),
    ]
    first = find_twinning_candidates(actions)
    assert first == find_twinning_candidates(list(reversed(actions)))
    scores = [c.score for c in first]
    assert scores == sorted(scores, reverse=True)
    assert (first[0].a_id, first[0].b_id) == ("a", "b")  # identical text scores highest
    assert first[0].similarity == pytest.approx(1.0)


def test_accents_and_empty_text() -> None:
    a = action("a", org="oas", text="Formación de equipos de respuesta a incidentes")
    b = action("b", org="itu", text="Formacion de equipos de respuesta a incidentes (CSIRT)")
    assert pairs([a, b]) == {("a", "b")}
    assert pairs([action("x", org="oas", text=""), action("y", org="itu", text="the")]) == set()


def test_validation() -> None:
    with pytest.raises(ValueError, match="before start"):
        action("a", start=date(2026, 2, 1), end=date(2026, 1, 1))
    with pytest.raises(ValueError, match="country or a region"):
        action("a", country=None, region=None)
    with pytest.raises(ValueError, match="unique"):
        find_twinning_candidates([action("a"), action("a", org="itu")])
    with pytest.raises(ValueError, match="sum to 1"):
        TwinningConfig(weight_similarity=0.9)
    assert find_twinning_candidates([]) == []
    assert find_twinning_candidates([action("a")]) == []


def test_small_chunks_give_same_result() -> None:
    actions = [
        action(f"a{i}", org=f"o{i % 4}", text=[CSIRT_A, CSIRT_B, LAW, AWARENESS][i % 4])
        for i in range(30)
    ]
    assert find_twinning_candidates(actions) == find_twinning_candidates(
        actions, TwinningConfig(chunk_rows=7)
    )


def test_ten_thousand_actions_give_only_valid_pairs() -> None:
    rng = random.Random(7)
    countries = ["AG", "BS", "BB", "BZ", "DM", "DO", "GD", "GY", "HT", "JM", "KN", "LC"]
    words = [
        "csirt",
        "incident",
        "response",
        "training",
        "law",
        "cybercrime",
        "evidence",
        "awareness",
        "phishing",
        "hygiene",
        "standards",
        "infrastructure",
        "cooperation",
        "forensics",
        "judiciary",
        "prosecutors",
        "police",
        "curriculum",
        "university",
        "exercise",
        "strategy",
        "governance",
        "critical",
        "national",
    ]
    actions = []
    for i in range(10_000):
        start = date(2025, 1, 1) + timedelta(days=rng.randrange(700))
        actions.append(
            OverlapAction(
                id=f"a{i:05d}",
                organisation_id=f"org{rng.randrange(40)}",
                country_code=None if i % 50 == 0 else rng.choice(countries),
                region_code="CARICOM",
                factor_key=f"f{rng.randrange(30)}",
                area_key=f"area{rng.randrange(6)}",
                description=" ".join(rng.choices(words, k=12)),
                start=start,
                end=start + timedelta(days=rng.randrange(30, 365)),
            )
        )
    # Speed is measured in bench/overlaps_bench.py; here the blocked, chunked path
    # must give only valid pairs, each once, best first.
    by_id = {a.id: a for a in actions}
    found = find_twinning_candidates(actions)
    assert found
    assert len({(c.a_id, c.b_id) for c in found}) == len(found)
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    for c in found:
        a, b = by_id[c.a_id], by_id[c.b_id]
        assert c.a_id < c.b_id and a.organisation_id != b.organisation_id
        assert a.start <= b.end and b.start <= a.end


def test_limit_keeps_the_best() -> None:
    actions = [
        action(f"a{i}", org=f"o{i}", text=[CSIRT_A, CSIRT_B][i % 2], end=date(2026, 4 + i % 3, 1))
        for i in range(8)
    ]
    everything = find_twinning_candidates(actions)
    assert len(everything) > 3
    assert find_twinning_candidates(actions, limit=3) == everything[:3]
    assert find_twinning_candidates(actions, limit=0) == []
    with pytest.raises(ValueError, match="limit"):
        find_twinning_candidates(actions, limit=-1)
