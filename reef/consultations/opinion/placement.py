"""A participant's group: where it stands and where it differs (beyond Polis).

Participants rarely understand the opinion map, so a participant is told which group they
are in and where that group differs from the others. Everything here reads the stored
analysis (the JSON of `OpinionResult.to_json_dict` under "result" and of
`RealityReport.to_dict` under "reality"), never the votes: what a person is told matches
the map and the bars beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reef.consultations.polis_io import PolisId

DIRECTIONS = ("agree", "disagree")


@dataclass(frozen=True)
class GroupShares:
    """One group's votes on one statement; shares are of all its votes, pass included (as
    the bars draw them)."""

    group: int
    agree: int = 0
    disagree: int = 0
    passes: int = 0

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passes

    def share(self, direction: str) -> float:
        if self.seen == 0:
            return 0.0
        n = {"agree": self.agree, "disagree": self.disagree, "pass": self.passes}[direction]
        return n / self.seen


@dataclass(frozen=True)
class Difference:
    """Where a group differs from the other groups taken together."""

    statement: PolisId
    direction: str  # the direction of the larger gap: "agree" or "disagree"
    group_share: float
    others_share: float

    @property
    def gap(self) -> float:
        return abs(self.group_share - self.others_share)

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "direction": self.direction,
            "group_share": self.group_share,
            "others_share": self.others_share,
        }


@dataclass(frozen=True)
class CommonGround:
    """A statement on which every group's majority takes the same side."""

    statement: PolisId
    direction: str
    lowest_share: float  # the share of the least convinced group

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "direction": self.direction,
            "lowest_share": self.lowest_share,
        }


#: placed: in a group; not_placed: analysed but in no group (too few votes yet);
#: pending: voted after the stored analysis was made and not placed in it;
#: no_votes: nothing to place.
PLACEMENT_STATUSES = ("placed", "not_placed", "pending", "no_votes")


@dataclass(frozen=True)
class GroupPlacement:
    status: str
    group: int | None = None
    size: int = 0
    n_groups: int = 0
    update_due: bool = False  # placed, but voted since: the next analysis may move them
    differences: list[Difference] = field(default_factory=list)
    common: list[CommonGround] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "group": self.group,
            "size": self.size,
            "n_groups": self.n_groups,
            "update_due": self.update_due,
            "differences": [d.to_dict() for d in self.differences],
            "common": [c.to_dict() for c in self.common],
        }


def group_tallies(analysis: Mapping[str, Any]) -> dict[PolisId, list[GroupShares]]:
    """Per statement, each group's votes (groups in label order), from a stored analysis."""
    out: dict[PolisId, list[GroupShares]] = {}
    for s in (analysis.get("reality") or {}).get("statements", []):
        shares = [
            GroupShares(
                int(g), int(a.get("agree", 0)), int(a.get("disagree", 0)), int(a.get("pass", 0))
            )
            for g, a in (s.get("groups") or {}).items()
        ]
        out[s["statement"]] = sorted(shares, key=lambda x: x.group)
    return out


def _pooled(shares: Iterable[GroupShares], group: int) -> GroupShares:
    rest = [s for s in shares if s.group != group]
    return GroupShares(
        -1,
        sum(s.agree for s in rest),
        sum(s.disagree for s in rest),
        sum(s.passes for s in rest),
    )


def group_differences(
    tallies: Mapping[PolisId, Sequence[GroupShares]],
    group: int,
    *,
    statements: Sequence[PolisId] | None = None,
    limit: int = 3,
    min_votes: int = 3,
    min_gap: float = 0.15,
) -> list[Difference]:
    """The statements where ``group`` differs most from the other groups pooled.

    Only statements in ``statements`` (those still shown: moderated-out ones are left out),
    with at least ``min_votes`` votes in the group and in the others, and a gap of at least
    ``min_gap`` in agree or disagree share. Largest gap first; ties keep statement order.
    """
    order = list(statements) if statements is not None else list(tallies)
    found: list[tuple[float, int, Difference]] = []
    for i, sid in enumerate(order):
        shares = tallies.get(sid, ())
        mine = next((s for s in shares if s.group == group), None)
        if mine is None or mine.seen < min_votes:
            continue
        others = _pooled(shares, group)
        if others.seen < min_votes:
            continue
        best = max(
            (Difference(sid, d, mine.share(d), others.share(d)) for d in DIRECTIONS),
            # On a tie, the side the group takes: "B disagrees 100 %, others 0 %" rather
            # than "B agrees 0 %, others 100 %".
            key=lambda x: (round(x.gap, 9), x.group_share),
        )
        if best.gap >= min_gap - 1e-12:
            found.append((-round(best.gap, 9), i, best))
    found.sort(key=lambda t: (t[0], t[1]))
    return [d for _, _, d in found[:limit]]


def common_ground(
    tallies: Mapping[PolisId, Sequence[GroupShares]],
    groups: Sequence[int],
    *,
    statements: Sequence[PolisId] | None = None,
    limit: int = 3,
    min_votes: int = 3,
) -> list[CommonGround]:
    """Statements on which more than half of every group's votes take the same side.

    Needs two groups at least (one group agreeing with itself is no common ground) and
    ``min_votes`` votes in every group. Most convinced first (by the least convinced
    group's share); ties keep statement order.
    """
    if len(groups) < 2:
        return []
    order = list(statements) if statements is not None else list(tallies)
    found: list[tuple[float, int, CommonGround]] = []
    for i, sid in enumerate(order):
        by_group = {s.group: s for s in tallies.get(sid, ())}
        if any(g not in by_group or by_group[g].seen < min_votes for g in groups):
            continue
        for d in DIRECTIONS:
            lowest = min(by_group[g].share(d) for g in groups)
            if lowest > 0.5:
                found.append((-round(lowest, 9), i, CommonGround(sid, d, lowest)))
    found.sort(key=lambda t: (t[0], t[1]))
    return [c for _, _, c in found[:limit]]


def participant_group(
    analysis: Mapping[str, Any],
    participant: PolisId,
    *,
    voted_since: bool,
    statements: Sequence[PolisId] | None = None,
    limit: int = 3,
    min_votes: int = 3,
    min_gap: float = 0.15,
) -> GroupPlacement:
    """Which group the stored analysis puts ``participant`` in, and where it differs.

    ``voted_since``: the participant voted after the analysis was made (its placement may
    be missing or about to change). ``statements``: the statements still shown, in display
    order (the others, e.g. moderated out since, are never named).
    """
    result = analysis.get("result") or {}
    me = next((p for p in result.get("participants", []) if p.get("id") == participant), None)
    groups = [int(g["id"]) for g in result.get("groups", [])]
    if me is None or me.get("group") is None:
        if voted_since:
            status = "pending"
        else:
            status = "not_placed" if me is not None and me.get("votes", 0) else "no_votes"
        return GroupPlacement(status=status, n_groups=len(groups))
    group = int(me["group"])
    size = next((int(g["size"]) for g in result.get("groups", []) if g["id"] == group), 0)
    tallies = group_tallies(analysis)
    return GroupPlacement(
        status="placed",
        group=group,
        size=size,
        n_groups=len(groups),
        update_due=voted_since,
        differences=group_differences(
            tallies,
            group,
            statements=statements,
            limit=limit,
            min_votes=min_votes,
            min_gap=min_gap,
        ),
        common=common_ground(
            tallies, groups, statements=statements, limit=limit, min_votes=min_votes
        ),
    )
