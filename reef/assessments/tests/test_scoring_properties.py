"""Properties of the scoring engine, over generated ratings."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reef.assessments.scoring import (
    RATING_VALUES,
    consolidate,
    consolidate_one,
    score,
)
from reef.assessments.tests.scoring_frameworks import (
    STAGED,
    decided,
)
from reef.frameworks.formats import load_shipped

# ------------------------------------------------------------------ properties

ALL_KEYS = [i.key for i in STAGED.indicators]
value_maps = st.dictionaries(st.sampled_from(ALL_KEYS), st.sampled_from(RATING_VALUES))


def stages_of(values: dict[str, str]) -> dict[str, int]:
    return {a.key: a.stage for a in decided(values).aspects}


@given(values=value_maps, key=st.sampled_from(ALL_KEYS))
def test_meeting_one_more_indicator_never_lowers_a_stage(values: dict[str, str], key: str) -> None:
    before = stages_of(values)
    after = stages_of({**values, key: "met"})
    assert all(after[k] >= before[k] for k in before)


@given(values=value_maps, key=st.sampled_from(ALL_KEYS))
def test_na_never_lowers_a_stage(values: dict[str, str], key: str) -> None:
    before = stages_of(values)
    after = stages_of({**values, key: "na"})
    assert all(after[k] >= before[k] for k in before)


@given(values=value_maps)
def test_progress_stays_in_unit_interval(values: dict[str, str]) -> None:
    for a in decided(values).aspects:
        assert 0.0 <= a.progress < 1.0
        if a.stage == 5:
            assert a.progress == 0.0


@given(
    ratings=st.lists(
        st.tuples(
            st.sampled_from(ALL_KEYS),
            st.sampled_from(["a", "b", "c", "d", "e"]),
            st.sampled_from(RATING_VALUES),
        ),
        max_size=60,
    )
)
def test_vectorised_consolidation_matches_the_rule(ratings: list[tuple[str, str, str]]) -> None:
    latest: dict[tuple[str, str], str] = {}
    for key, who, value in ratings:
        latest[(key, who)] = value
    values = consolidate(STAGED, ratings)
    for key in ALL_KEYS:
        mine = [v for (k, _), v in latest.items() if k == key]
        assert values[key] == consolidate_one(mine)
        known = [v for v in mine if v != "unknown"]
        if not known:
            assert values[key] == "unknown"
        elif values[key] != "disputed":
            assert 2 * known.count(values[key]) > len(known)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_stage_matches_a_plain_reference_on_the_shipped_cmm(seed: int) -> None:
    import random

    cmm = load_shipped("reef-cmm")
    rng = random.Random(seed)
    values = {
        i.key: rng.choice(["met", "met", "met", "na", "partial", "not_met"]) for i in cmm.indicators
    }
    r = score(cmm, [], values)
    for asp, res in zip(cmm.aspects, r.aspects, strict=True):
        stage = 1
        for s in (2, 3, 4, 5):
            if all(values[i.key] in ("met", "na") for i in asp.indicators_at(s)):
                stage = s
            else:
                break
        assert res.stage == stage, asp.key
