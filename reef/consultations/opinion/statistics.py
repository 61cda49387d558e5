"""Statistics on the raw votes: counts, representativeness, consensus, routing (ref §8-§11)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from reef.consultations.opinion.matrix import (
    BoolArray,
    FloatArray,
    IntArray,
    OpinionState,
    _matrices,
)

Z90 = 1.2816  # one-sided 90% normal quantile (ref §8, §9)


@dataclass
class Counts:
    """Per-comment vote counts; 2-D variants are (group, comment)."""

    agree: IntArray
    disagree: IntArray
    passes: IntArray

    @property
    def seen(self) -> IntArray:
        return self.agree + self.disagree + self.passes


def count_votes(state: OpinionState, labels: IntArray | None = None, k: int = 1) -> Counts:
    """Raw counts by label (labels < 0 are skipped); statistics never use imputed values."""
    rows, cols, vals, _ = _matrices(state)
    c = state.n_comments
    lab = np.zeros(rows.shape[0], dtype=np.int64) if labels is None else labels[rows]
    keep = lab >= 0
    key = lab[keep] * c + cols[keep]
    v = vals[keep]
    size = k * c

    def cnt(mask: BoolArray) -> IntArray:
        return np.bincount(key[mask], minlength=size).reshape(k, c).astype(np.int64)

    return Counts(cnt(v == 1), cnt(v == -1), cnt(v == 0))


def prop_test(succ: FloatArray, n: FloatArray) -> FloatArray:
    """pat/pdt: 2 sqrt(n+1) ((succ+1)/(n+1) - 1/2) (ref §8)."""
    return 2.0 * np.sqrt(n + 1.0) * ((succ + 1.0) / (n + 1.0) - 0.5)


def two_prop_test(s1: FloatArray, n1: FloatArray, s2: FloatArray, n2: FloatArray) -> FloatArray:
    """rat/rdt: pseudo-counted two-proportion z-test, 0 when the pooled p is 1 (ref §8)."""
    p1 = (s1 + 1.0) / (n1 + 1.0)
    p2 = (s2 + 1.0) / (n2 + 1.0)
    p = (s1 + s2 + 2.0) / (n1 + n2 + 2.0)
    var = p * (1.0 - p) * (1.0 / (n1 + 1.0) + 1.0 / (n2 + 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (p1 - p2) / np.sqrt(var)
    return np.where((p >= 1.0) | (var <= 0), 0.0, z)


@dataclass
class Repness:
    pa: FloatArray
    pat: FloatArray
    ra: FloatArray
    rat: FloatArray
    pd: FloatArray
    pdt: FloatArray
    rd: FloatArray
    rdt: FloatArray


def repness_stats(group: Counts, total: Counts) -> Repness:
    """Representativeness of each comment for each group vs the rest (ref §8)."""
    na, nd, ns = (group.agree.astype(float), group.disagree.astype(float), group.seen.astype(float))
    ra_, rd_, rs = (
        total.agree.astype(float) - na,
        total.disagree.astype(float) - nd,
        total.seen.astype(float) - ns,
    )
    pa = (na + 1.0) / (ns + 2.0)
    pd = (nd + 1.0) / (ns + 2.0)
    return Repness(
        pa=pa,
        pat=prop_test(na, ns),
        ra=pa / ((ra_ + 1.0) / (rs + 2.0)),
        rat=two_prop_test(na, ns, ra_, rs),
        pd=pd,
        pdt=prop_test(nd, ns),
        rd=pd / ((rd_ + 1.0) / (rs + 2.0)),
        rdt=two_prop_test(nd, ns, rd_, rs),
    )


@dataclass(frozen=True)
class RepStatement:
    comment: int  # column index
    direction: str  # "agree" | "disagree"
    p: float  # pa or pd within the group
    z: float  # rat or rdt: group vs rest
    metric: float


def select_representative(
    rep: Repness, g: int, active: BoolArray, limit: int
) -> list[RepStatement]:
    """Significant (both z > 1.2816) statements, ranked by r * rt * p * pt, best agree first."""
    agree_dir = rep.rat[g] > rep.rdt[g]
    a_ok = agree_dir & (rep.pat[g] > Z90) & (rep.rat[g] > Z90) & active
    d_ok = ~agree_dir & (rep.pdt[g] > Z90) & (rep.rdt[g] > Z90) & active
    a_m = rep.ra[g] * rep.rat[g] * rep.pa[g] * rep.pat[g]
    d_m = rep.rd[g] * rep.rdt[g] * rep.pd[g] * rep.pdt[g]
    cands = [
        RepStatement(int(j), "agree", float(rep.pa[g, j]), float(rep.rat[g, j]), float(a_m[j]))
        for j in np.flatnonzero(a_ok)
    ] + [
        RepStatement(int(j), "disagree", float(rep.pd[g, j]), float(rep.rdt[g, j]), float(d_m[j]))
        for j in np.flatnonzero(d_ok)
    ]
    cands.sort(key=lambda s: (-s.metric, s.comment))
    chosen = cands[:limit]
    agrees = [s for s in cands if s.direction == "agree"]
    if agrees:
        best = agrees[0]
        rest = [s for s in chosen if s is not best]
        chosen = [best, *rest][:limit]
    return chosen


def majority_statements(
    total: Counts, active: BoolArray, limit: int, min_votes: int
) -> tuple[list[int], list[int]]:
    """pa > 0.5 and pat > 1.2816, ranked by pa * pat, top ``limit`` each way (ref §9).

    Beyond Polis: statements with fewer than ``min_votes`` votes are never consensus.
    """
    na, nd, ns = (total.agree[0].astype(float), total.disagree[0].astype(float), total.seen[0])
    ns_f = ns.astype(float)
    enough = (ns >= min_votes) & active
    out: list[list[int]] = []
    for succ in (na, nd):
        p = (succ + 1.0) / (ns_f + 2.0)
        t = prop_test(succ, ns_f)
        ok = np.flatnonzero(enough & (p > 0.5) & (t > Z90))
        order = sorted(ok.tolist(), key=lambda j: (-p[j] * t[j], j))
        out.append(order[:limit])
    return out[0], out[1]


def group_informed_consensus(group: Counts) -> FloatArray:
    """GIC_c = prod_g (A_g + 1) / (S_g + 2) (ref §10)."""
    return np.asarray(np.prod((group.agree + 1.0) / (group.seen + 2.0), axis=0), dtype=np.float64)


def divisive_mask(group: Counts, min_votes: int) -> BoolArray:
    """Groups split: one group's non-pass majority agrees while another's disagrees."""
    heard = (group.agree + group.disagree) >= max(min_votes, 1)
    pro = heard & (group.agree > group.disagree)
    con = heard & (group.disagree > group.agree)
    return np.asarray(pro.any(0) & con.any(0))


def routing_priority(total: Counts, extremity: FloatArray, meta: BoolArray) -> FloatArray:
    """Comment routing priority (ref §11); meta comments get extremity 49."""
    a = total.agree[0].astype(float)
    p = total.passes[0].astype(float)
    s = total.seen[0].astype(float)
    e = np.where(meta, 49.0, extremity)
    imp = (1.0 - (p + 1.0) / (s + 2.0)) * (e + 1.0) * (a + 1.0) / (s + 2.0)
    return np.asarray((imp * (1.0 + 8.0 * np.power(2.0, -s / 5.0))) ** 2)


def extremity(state: OpinionState) -> FloatArray:
    """|projection| of a participant who only agreed with comment j: sqrt(C) |1 - mu_j| |pc_j|."""
    c_active = max(int(state.active.sum()), 1)
    norm = np.sqrt((state.pcs**2).sum(0)) if state.pcs.size else np.zeros(state.n_comments)
    return np.asarray(math.sqrt(c_active) * np.abs(1.0 - state.mean) * norm)
