"""Delphi rounds: Likert feedback, consensus rules, stability and Kendall's W.

Pure functions over plain data (no Django). Criteria from the Delphi literature (Diamond et al.
2014; the RAND/UCLA appropriateness method); docs/opinion.md gives the formulas and sources.

Quartiles and percentiles use linear interpolation between order statistics (NumPy's default,
Hyndman-Fan type 7), stated here because Delphi studies differ on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class LikertSummary:
    n: int
    median: float | None
    q1: float | None
    q3: float | None
    iqr: float | None
    distribution: dict[int, int]  # every scale point, including zero counts
    percent_agree: float | None  # share of ratings >= agree_min


def summarize(
    ratings: Sequence[int], scale: tuple[int, int] = (1, 5), agree_min: int | None = None
) -> LikertSummary:
    """Median, quartiles, IQR, distribution and percent agreement of one item's ratings.

    ``agree_min`` defaults to the top two points of the scale (4-5 on 1-5, 8-9 on 1-9 ...).
    """
    lo, hi = scale
    r = np.asarray(ratings, dtype=float)
    if r.size and ((r < lo).any() or (r > hi).any()):
        raise ValueError(f"ratings must lie in {lo}..{hi}")
    dist = {k: int((r == k).sum()) for k in range(lo, hi + 1)}
    if r.size == 0:
        return LikertSummary(0, None, None, None, None, dist, None)
    amin = hi - 1 if agree_min is None else agree_min
    q1, med, q3 = (float(x) for x in np.percentile(r, [25, 50, 75]))
    return LikertSummary(
        n=int(r.size),
        median=med,
        q1=q1,
        q3=q3,
        iqr=q3 - q1,
        distribution=dist,
        percent_agree=float((r >= amin).mean()),
    )


@dataclass(frozen=True)
class RoundFeedback:
    overall: LikertSummary
    by_sector: dict[str, LikertSummary]


def feedback(
    responses: Mapping[str, int],
    sectors: Mapping[str, str] | None = None,
    scale: tuple[int, int] = (1, 5),
    agree_min: int | None = None,
) -> RoundFeedback:
    """Feedback shown after a round: overall and per stakeholder sector."""
    by: dict[str, list[int]] = {}
    for pid, v in responses.items():
        if sectors and pid in sectors:
            by.setdefault(sectors[pid], []).append(v)
    return RoundFeedback(
        overall=summarize(list(responses.values()), scale, agree_min),
        by_sector={s: summarize(v, scale, agree_min) for s, v in sorted(by.items())},
    )


# ---------------------------------------------------------------- consensus rules


def percent_agreement(
    ratings: Sequence[int], agree_min: int, threshold: float = 0.75
) -> tuple[float, bool]:
    """Share of ratings >= agree_min and whether it reaches ``threshold`` (studies' median: 75%)."""
    r = np.asarray(ratings)
    share = float((r >= agree_min).mean()) if r.size else 0.0
    return share, bool(r.size) and share >= threshold


def iqr_consensus(ratings: Sequence[int], max_iqr: float = 1.0) -> tuple[float, bool]:
    """IQR and whether it is <= max_iqr (1 on a 4- or 5-point scale, 2 on a 10-point one)."""
    if len(ratings) == 0:
        return float("nan"), False
    q1, q3 = np.percentile(np.asarray(ratings, dtype=float), [25, 75])
    iqr = float(q3 - q1)
    return iqr, iqr <= max_iqr


def seventy_fifteen(ratings: Sequence[int]) -> bool:
    """1-9 scale: consensus 'in' when >= 70% rate 7-9 and < 15% rate 1-3."""
    r = np.asarray(ratings)
    if r.size == 0:
        return False
    return bool((r >= 7).mean() >= 0.70 and (r <= 3).mean() < 0.15)


@dataclass(frozen=True)
class RandUcla:
    median: float
    ipr: float  # 70th - 30th percentile
    ipr_centre: float  # (P30 + P70) / 2
    ipras: float  # 2.35 + 1.5 * |5 - centre|
    disagreement_index: float  # IPR / IPRAS; > 1 means disagreement
    disagreement: bool
    appropriateness: str  # appropriate | uncertain | inappropriate


def rand_ucla(ratings: Sequence[int]) -> RandUcla:
    """RAND/UCLA appropriateness on 1..9 with the IPRAS disagreement rule."""
    r = np.asarray(ratings, dtype=float)
    if r.size == 0 or (r < 1).any() or (r > 9).any():
        raise ValueError("RAND/UCLA needs at least one rating in 1..9")
    p30, med, p70 = (float(x) for x in np.percentile(r, [30, 50, 70]))
    ipr = p70 - p30
    centre = (p30 + p70) / 2.0
    ipras = 2.35 + 1.5 * abs(5.0 - centre)
    dis = ipr > ipras
    # Medians between bands (3.5, 6.5) fall to "uncertain": the conservative reading.
    if dis or 3.0 < med < 7.0:
        label = "uncertain"
    elif med >= 7.0:
        label = "appropriate"
    else:
        label = "inappropriate"
    return RandUcla(med, ipr, centre, ipras, ipr / ipras, dis, label)


def gettext_noop(message: str) -> str:
    """Marks a string for translation; the Django layer translates it (no Django here)."""
    return message


#: Display names of RandUcla.appropriateness, translated by the Django layer.
APPROPRIATENESS_LABELS = {
    "appropriate": gettext_noop("appropriate"),
    "uncertain": gettext_noop("uncertain"),
    "inappropriate": gettext_noop("inappropriate"),
}
#: Display names of KendallW.strength, translated by the Django layer.
STRENGTH_LABELS = {
    "none": gettext_noop("no agreement"),
    "weak": gettext_noop("weak"),
    "moderate": gettext_noop("moderate"),
    "strong": gettext_noop("strong"),
}


# ---------------------------------------------------------------- stability


def distribution_change(
    previous: Sequence[int], current: Sequence[int], scale: tuple[int, int] = (1, 5)
) -> float:
    """Share of responses that moved between rounds: half the L1 distance of the two
    relative distributions (0 = identical, 1 = disjoint)."""
    lo, hi = scale
    pts = np.arange(lo, hi + 1)
    p = np.array([np.sum(np.asarray(previous) == k) for k in pts], dtype=float)
    c = np.array([np.sum(np.asarray(current) == k) for k in pts], dtype=float)
    if p.sum() == 0 or c.sum() == 0:
        return 1.0
    return float(0.5 * np.abs(p / p.sum() - c / c.sum()).sum())


def individual_change(previous: Mapping[str, int], current: Mapping[str, int]) -> float:
    """Share of panellists answering both rounds whose rating changed."""
    both = [k for k in current if k in previous]
    if not both:
        return 1.0
    return sum(previous[k] != current[k] for k in both) / len(both)


def is_stable(change: float, max_change: float = 0.15) -> bool:
    """Stable when 15% or less changed between rounds."""
    return change <= max_change


# ---------------------------------------------------------------- rankings


@dataclass(frozen=True)
class KendallW:
    w: float
    chi2: float
    df: int
    p_value: float
    strength: str  # none | weak | moderate | strong (0.3 / 0.5 / 0.7)


def kendalls_w(rankings: Sequence[Sequence[float]]) -> KendallW:
    """Kendall's coefficient of concordance with tie correction.

    ``rankings``: m raters x n items, each row a ranking or scores (re-ranked, ties averaged).
    W = 12 S / (m^2 (n^3 - n) - m sum_j T_j), S = sum_i (R_i - mean R)^2,
    T_j = sum over tie groups of rater j of (t^3 - t).
    """
    x = np.asarray(rankings, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise ValueError("need at least 2 raters and 2 items")
    m, n = x.shape
    ranks = np.vstack([stats.rankdata(row) for row in x])
    r = ranks.sum(0)
    s = float(((r - r.mean()) ** 2).sum())
    t = 0.0
    for row in ranks:
        _, counts = np.unique(row, return_counts=True)
        t += float((counts**3 - counts).sum())
    denom = m * m * (n**3 - n) - m * t
    w = 12.0 * s / denom if denom > 0 else 1.0
    chi2 = m * (n - 1) * w
    p = float(stats.chi2.sf(chi2, n - 1))
    strength = "strong" if w >= 0.7 else "moderate" if w >= 0.5 else "weak" if w >= 0.3 else "none"
    return KendallW(w, chi2, n - 1, p, strength)
