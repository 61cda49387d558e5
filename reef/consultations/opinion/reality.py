"""The consensus reality report: is an apparent consensus real? (beyond Polis)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reef.consultations.opinion.matrix import OpinionState, _matrices
from reef.consultations.polis_io import PolisId

SECTORS = (
    "government",
    "private sector",
    "academia",
    "civil society",
    "international organisation",
)


@dataclass(frozen=True)
class Agreement:
    """Votes on one statement by some set of participants; pass is counted apart."""

    agree: int = 0
    disagree: int = 0
    passes: int = 0

    @property
    def non_pass(self) -> int:
        return self.agree + self.disagree

    def share(self, direction: str) -> float | None:
        """Share of non-pass votes in ``direction`` (None when nobody took a side)."""
        if self.non_pass == 0:
            return None
        return (self.agree if direction == "agree" else self.disagree) / self.non_pass

    def to_dict(self) -> dict[str, Any]:
        return {
            "agree": self.agree,
            "disagree": self.disagree,
            "pass": self.passes,
            "agree_share": self.share("agree"),
        }


@dataclass(frozen=True)
class StatementReality:
    statement: PolisId
    label: str  # real_consensus | apparent_consensus | divisive | no_consensus
    direction: str | None  # direction of the overall majority when it passes the threshold
    overall: Agreement
    by_group: dict[int, Agreement]
    by_sector: dict[str, Agreement]
    dissenting: list[str]  # e.g. "group 1", "sector academia": heard, but do not agree
    barely_heard: list[str]  # fewer than min_votes non-pass votes

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "label": self.label,
            "direction": self.direction,
            "overall": self.overall.to_dict(),
            "groups": {str(g): a.to_dict() for g, a in self.by_group.items()},
            "sectors": {s: a.to_dict() for s, a in self.by_sector.items()},
            "dissenting": self.dissenting,
            "barely_heard": self.barely_heard,
        }


@dataclass(frozen=True)
class RealityReport:
    statements: list[StatementReality]
    sector_participants: dict[str, int]
    sectors_not_heard: list[str]  # expected sectors with fewer than min_participants
    countries_not_heard: list[str]
    threshold: float
    min_votes: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "min_votes": self.min_votes,
            "sector_participants": self.sector_participants,
            "sectors_not_heard": self.sectors_not_heard,
            "countries_not_heard": self.countries_not_heard,
            "statements": [s.to_dict() for s in self.statements],
        }


def _tally(
    votes: Sequence[tuple[PolisId, PolisId, int]], key: Mapping[PolisId, Any]
) -> dict[tuple[PolisId, Any], list[int]]:
    out: dict[tuple[PolisId, Any], list[int]] = {}
    for pid, cid, v in votes:
        k = key.get(pid)
        if k is None:
            continue
        t = out.setdefault((cid, k), [0, 0, 0])
        t[0 if v == 1 else 1 if v == -1 else 2] += 1
    return out


def _agreement(t: dict[tuple[PolisId, Any], list[int]], cid: PolisId, k: Any) -> Agreement:
    a = t.get((cid, k), [0, 0, 0])
    return Agreement(a[0], a[1], a[2])


def _statement_reality(
    cid: PolisId,
    tot: Agreement,
    gs: dict[int, Agreement],
    ss: dict[str, Agreement],
    threshold: float,
    min_votes: int,
) -> StatementReality:
    """One statement's label from its overall, per-group and per-sector agreement (the
    rules are in `consensus_reality`)."""
    direction = None
    for d in ("agree", "disagree"):
        sh = tot.share(d)
        if tot.non_pass >= min_votes and sh is not None and sh > threshold:
            direction = d
    dissenting: list[str] = []
    barely: list[str] = []
    parts = [(f"group {g}", a) for g, a in gs.items()] + [(f"sector {s}", a) for s, a in ss.items()]
    for name, a in parts:
        if a.non_pass < min_votes:
            barely.append(name)
        elif direction is not None and (a.share(direction) or 0.0) <= threshold:
            dissenting.append(name)
    if direction is not None:
        label = "real_consensus" if not dissenting and not barely else "apparent_consensus"
    else:
        heard = [a for a in gs.values() if a.non_pass >= min_votes]
        pro = any(a.agree > a.disagree for a in heard)
        con = any(a.disagree > a.agree for a in heard)
        label = "divisive" if pro and con else "no_consensus"
        dissenting = []
    return StatementReality(cid, label, direction, tot, gs, ss, dissenting, barely)


def consensus_reality(
    votes: Iterable[tuple[PolisId, PolisId, int]],
    groups: Mapping[Any, int | None],
    sectors: Mapping[Any, str],
    countries: Mapping[Any, str] | None = None,
    *,
    statements: Sequence[PolisId] | None = None,
    threshold: float = 0.6,
    min_votes: int = 5,
    min_participants: int = 3,
    expected_sectors: Sequence[str] = SECTORS,
    expected_countries: Sequence[str] = (),
) -> RealityReport:
    """Is an apparent consensus real? (pure function; beyond Polis).

    ``votes`` are the current (participant, statement, vote) triples, one per pair.
    A statement is ``real_consensus`` when the overall non-pass share in one direction exceeds
    ``threshold`` with at least ``min_votes`` non-pass votes AND so does every opinion group and
    every represented sector (a sector with participants in the conversation). It is
    ``apparent_consensus`` when the overall majority passes but some group or sector disagrees
    or was barely heard (< ``min_votes`` non-pass votes), ``divisive`` when one group's majority
    agrees and another's disagrees, else ``no_consensus``.
    """
    vs = list(votes)
    everyone = {pid: 0 for pid, _, _ in vs}
    overall = _tally(vs, everyone)
    by_group = _tally(vs, {p: g for p, g in groups.items() if g is not None})
    by_sector = _tally(vs, sectors)
    voters = set(everyone)
    group_ids = sorted({g for p, g in groups.items() if g is not None and p in voters})
    sector_count: dict[str, int] = {s: 0 for s in expected_sectors}
    for p in voters:
        if p in sectors:
            sector_count[sectors[p]] = sector_count.get(sectors[p], 0) + 1
    present_sectors = [s for s, n in sector_count.items() if n > 0]
    order: list[PolisId] = list(statements) if statements is not None else []
    if statements is None:
        seen: set[PolisId] = set()
        for _, cid, _ in vs:
            if cid not in seen:
                seen.add(cid)
                order.append(cid)
    out: list[StatementReality] = []
    for cid in order:
        tot = _agreement(overall, cid, 0)
        gs = {g: _agreement(by_group, cid, g) for g in group_ids}
        ss = {s: _agreement(by_sector, cid, s) for s in present_sectors}
        out.append(_statement_reality(cid, tot, gs, ss, threshold, min_votes))
    country_count: dict[str, int] = {c: 0 for c in expected_countries}
    for p in voters:
        if countries and p in countries:
            country_count[countries[p]] = country_count.get(countries[p], 0) + 1
    return RealityReport(
        statements=out,
        sector_participants=sector_count,
        sectors_not_heard=[s for s, n in sector_count.items() if n < min_participants],
        countries_not_heard=sorted(c for c, n in country_count.items() if n < min_participants),
        threshold=threshold,
        min_votes=min_votes,
    )


def state_votes(state: OpinionState) -> list[tuple[PolisId, PolisId, int]]:
    """Current (participant, comment, vote) triples of a state (active comments only)."""
    rows, cols, vals, on = _matrices(state)
    pid, cid = state.participant_ids, state.comment_ids
    return [
        (pid[r], cid[c], v)
        for r, c, v in zip(rows[on].tolist(), cols[on].tolist(), vals[on].tolist(), strict=True)
    ]


def state_groups(state: OpinionState) -> dict[PolisId, int | None]:
    return {
        p: (int(g) if g >= 0 else None)
        for p, g in zip(state.participant_ids, state.groups, strict=True)
    }
