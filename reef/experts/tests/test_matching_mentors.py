"""The matching engine's mentor pairing (pure Python: run with `pytest -p no:django`)."""

from __future__ import annotations

from typing import Any

import pytest

from reef.experts.matching import MatchingInputError, match_mentors


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
