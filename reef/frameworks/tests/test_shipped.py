"""The frameworks shipped with Reef validate and have the promised shape."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from reef.frameworks.formats import SHIPPED_DIR, Framework, dump, load, load_shipped, to_data


@pytest.fixture(scope="module")
def cmm() -> Framework:
    return load_shipped("reef-cmm")


@pytest.fixture(scope="module")
def index() -> Framework:
    return load_shipped("reef-index")


def test_cmm_identity(cmm: Framework) -> None:
    assert (cmm.slug, cmm.version, cmm.kind) == ("reef-cmm", "1.0", "staged")
    assert [s.name for s in cmm.stages] == [
        "Start-up",
        "Formative",
        "Established",
        "Strategic",
        "Dynamic",
    ]


def test_cmm_structure_follows_cmm_2021(cmm: Framework) -> None:
    assert [d.key for d in cmm.dimensions] == ["D1", "D2", "D3", "D4", "D5"]
    per_dimension = [len(d.factors) for d in cmm.dimensions]
    assert per_dimension == [4, 5, 4, 4, 6]
    assert sum(per_dimension) == 23
    aspects = {f.key: len(f.aspects) for f in cmm.factors}
    assert aspects == {
        "1.1": 4, "1.2": 3, "1.3": 3, "1.4": 3,
        "2.1": 1, "2.2": 5, "2.3": 1, "2.4": 1, "2.5": 1,
        "3.1": 2, "3.2": 2, "3.3": 2, "3.4": 1,
        "4.1": 4, "4.2": 4, "4.3": 4, "4.4": 3,
        "5.1": 3, "5.2": 2, "5.3": 1, "5.4": 2, "5.5": 4, "5.6": 2,
    }  # fmt: skip
    # Factors with no aspects in the CMM carry indicators directly.
    assert {f.key for f in cmm.factors if f.direct} == {"2.1", "2.3", "2.4", "2.5", "3.4", "5.3"}


def test_every_aspect_has_two_indicators_at_every_stage(cmm: Framework) -> None:
    for aspect in cmm.aspects:
        counts = Counter(i.stage for i in aspect.indicators)
        for stage in (2, 3, 4, 5):
            assert counts[stage] >= 2, (aspect.key, stage)
    assert len(list(cmm.indicators)) >= 500


def test_cmm_keys_follow_the_documented_scheme(cmm: Framework) -> None:
    for factor in cmm.factors:
        assert re.fullmatch(r"[1-5]\.[1-6]", factor.key)
        for aspect in factor.aspects:
            if not factor.direct:
                assert re.fullmatch(re.escape(factor.key) + r"\.[a-e]", aspect.key)
            for ind in aspect.indicators:
                assert re.fullmatch(re.escape(aspect.key) + rf"\.{ind.stage}\.\d+", ind.key)


def test_cmm_indicator_texts_are_distinct_sentences(cmm: Framework) -> None:
    texts = [i.text for i in cmm.indicators]
    assert len(set(texts)) == len(texts)
    for t in texts:
        assert t[0].isupper() and t.endswith("."), t
        assert 25 <= len(t) <= 220, t


def test_every_factor_has_guidance(cmm: Framework) -> None:
    for factor in cmm.factors:
        assert factor.extra.get("guidance"), factor.key


def test_index_shape(index: Framework) -> None:
    assert (index.slug, index.version, index.kind) == ("reef-index", "1.0", "scored")
    assert [p.name for p in index.pillars] == [
        "Legal",
        "Technical",
        "Organizational",
        "Capacity Development",
        "Cooperation",
    ]
    assert all(p.max == 20 for p in index.pillars)
    assert all(len(p.indicators) >= 5 for p in index.pillars)
    assert [(t.tier, t.name) for t in index.tiers] == [
        (1, "Role-modelling"),
        (2, "Advancing"),
        (3, "Establishing"),
        (4, "Evolving"),
        (5, "Building"),
    ]
    assert index.tiers[-1].min == 0
    assert "project's own choice" in index.extra["tier_note"]


@pytest.mark.parametrize("slug", ["reef-cmm", "reef-index"])
def test_shipped_files_are_canonical_and_round_trip(slug: str) -> None:
    path = SHIPPED_DIR / f"{slug}.json"
    fw = load(path)
    # The committed file is exactly what dump() writes, so diffs stay clean.
    assert dump(fw) == path.read_text(encoding="utf-8")
    assert to_data(load(dump(fw, "yaml"), f"{slug}.yaml")) == json.loads(path.read_text())
