"""Delphi feedback and consensus rules on hand-computed cases."""

import pytest

from reef.consultations.delphi import (
    distribution_change,
    feedback,
    individual_change,
    iqr_consensus,
    is_stable,
    kendalls_w,
    percent_agreement,
    rand_ucla,
    seventy_fifteen,
    summarize,
)


def test_summarize_hand() -> None:
    # Sorted 1 2 2 3 4 5 (n=6), linear interpolation at positions 1.25, 2.5, 3.75:
    # q1 = 2, median = 2.5, q3 = 3 + 0.75 * (4 - 3) = 3.75
    s = summarize([5, 2, 1, 4, 2, 3], scale=(1, 5))
    assert (s.n, s.median, s.q1, s.q3) == (6, 2.5, 2.0, 3.75)
    assert s.iqr == pytest.approx(1.75)
    assert s.distribution == {1: 1, 2: 2, 3: 1, 4: 1, 5: 1}
    assert s.percent_agree == pytest.approx(2 / 6)  # 4 or 5 on a 1-5 scale


def test_summarize_empty_and_range() -> None:
    assert summarize([], (1, 5)).median is None
    with pytest.raises(ValueError):
        summarize([0, 3], (1, 5))


def test_feedback_by_sector() -> None:
    fb = feedback(
        {"a": 5, "b": 4, "c": 1, "d": 2},
        {"a": "government", "b": "government", "c": "academia", "d": "academia"},
    )
    assert fb.overall.median == 3.0
    assert fb.by_sector["government"].median == 4.5
    assert fb.by_sector["academia"].percent_agree == 0.0


def test_percent_agreement_and_iqr() -> None:
    assert percent_agreement([4, 5, 5, 3], agree_min=4, threshold=0.75) == (0.75, True)
    assert percent_agreement([4, 5, 3, 3], agree_min=4)[1] is False
    # 4 4 4 5: q1 = 4, q3 = 4.25 -> IQR 0.25 <= 1
    assert iqr_consensus([4, 4, 4, 5]) == (0.25, True)
    # 1 3 5 5: q1 = 2.5, q3 = 5 -> 2.5
    assert iqr_consensus([1, 3, 5, 5]) == (2.5, False)


def test_seventy_fifteen() -> None:
    assert seventy_fifteen([7, 8, 9, 7, 8, 9, 7, 5, 4, 8])  # 80% in 7-9, 0% in 1-3
    assert not seventy_fifteen([7, 8, 9, 7, 8, 9, 7, 1, 2, 8])  # 20% in 1-3


def test_rand_ucla_agreement_hand() -> None:
    # Sorted 7 7 7 8 8 8 8 9 9 9: P30 at 2.7 -> 7.7, P70 at 6.3 -> 8.3, median 8.
    r = rand_ucla([7, 7, 8, 8, 9, 9, 9, 8, 7, 8])
    assert r.ipr == pytest.approx(0.6)
    assert r.ipr_centre == pytest.approx(8.0)
    assert r.ipras == pytest.approx(2.35 + 1.5 * 3.0)  # 6.85
    assert r.disagreement_index == pytest.approx(0.6 / 6.85)
    assert not r.disagreement and r.appropriateness == "appropriate"


def test_rand_ucla_disagreement_hand() -> None:
    # 1 1 1 9 9 9: P30 at 1.5 -> 1, P70 at 3.5 -> 9; IPR 8 > IPRAS 2.35 (centre 5)
    r = rand_ucla([1, 1, 1, 9, 9, 9])
    assert (r.ipr, r.ipr_centre, r.ipras) == (8.0, 5.0, 2.35)
    assert r.disagreement and r.appropriateness == "uncertain"
    assert rand_ucla([1, 2, 2, 3, 1]).appropriateness == "inappropriate"


def test_stability() -> None:
    # distributions (1/2, 1/2) -> (1/4, 3/4): half of L1 = 0.25 -> not stable
    assert distribution_change([1, 1, 2, 2], [1, 2, 2, 2], (1, 2)) == pytest.approx(0.25)
    assert not is_stable(0.25)
    assert is_stable(distribution_change([1, 2, 3, 4, 5] * 4, [1, 2, 3, 4, 5] * 4))
    # 1 of 8 panellists changed: 12.5% <= 15%
    prev = {str(i): 3 for i in range(8)}
    cur = dict(prev, **{"0": 4, "new": 5})
    assert individual_change(prev, cur) == pytest.approx(1 / 8)
    assert is_stable(individual_change(prev, cur))


def test_kendalls_w_perfect_and_ties() -> None:
    assert kendalls_w([[1, 2, 3], [1, 2, 3], [1, 2, 3]]).w == pytest.approx(1.0)
    # Rank sums 3.5, 5.5, 9 (mean 6): S = 6.25 + 0.25 + 9 = 15.5; one tie of 2: T = 6.
    # W = 12 * 15.5 / (9 * 24 - 3 * 6) = 186 / 198
    k = kendalls_w([[1, 2, 3], [1, 2, 3], [1, 1, 3]])  # scores re-ranked: 1.5, 1.5, 3
    assert k.w == pytest.approx(186 / 198)
    assert k.chi2 == pytest.approx(3 * 2 * 186 / 198)
    assert k.df == 2 and k.strength == "strong"
    # Opposite rankings: R = (4, 4) for 2 raters x 2 items -> S = 0 -> W = 0
    assert kendalls_w([[1, 2], [2, 1]]).w == 0.0
    with pytest.raises(ValueError):
        kendalls_w([[1, 2, 3]])
