"""Opinion groups as bars, and a participant's own group, from the stored analysis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reef.consultations import opinion
from reef.consultations.models import Consultation, Statement, Vote
from reef.consultations.selectors.consultations import StoredAnalysis, participant_for

#: Bar colours: dark enough for white text (contrast above 4.5:1), the vote buttons' own.
# "pass" is the vote, not a password.
VOTE_COLOURS = {"agree": "#2e7d32", "disagree": "#9b2226", "pass": "#4a5a68"}  # nosec B105
BAR_X, BAR_WIDTH, BAR_ROW, BAR_HEIGHT = 28.0, 240.0, 22.0, 16.0
#: A segment this wide or wider carries its percentage (12 px text fits).
BAR_LABEL_MIN = 30.0


@dataclass
class BarSegment:
    kind: str  # agree | disagree | pass
    x: str  # SVG numbers formatted here, always with a dot
    width: str
    text_x: str
    colour: str
    percent: int
    labelled: bool


@dataclass
class GroupBar:
    label: str
    size: int
    seen: int
    y: str
    text_y: str
    segments: list[BarSegment]


@dataclass
class StatementBars:
    statement: int
    body: str
    divisive: bool
    represents: list[str]  # labels of the groups it represents
    height: str
    rows: list[GroupBar]


def _bar_row(shares: opinion.GroupShares, size: int, index: int) -> GroupBar:
    y = 2.0 + index * BAR_ROW
    x = BAR_X
    segments = []
    for kind in ("agree", "disagree", "pass"):
        width = BAR_WIDTH * shares.share(kind)
        segments.append(
            BarSegment(
                kind=kind,
                x=f"{x:.1f}",
                width=f"{width:.1f}",
                text_x=f"{x + width / 2:.1f}",
                colour=VOTE_COLOURS[kind],
                percent=round(100 * shares.share(kind)),
                labelled=width >= BAR_LABEL_MIN,
            )
        )
        x += width
    return GroupBar(
        label=_group_label(shares.group),
        size=size,
        seen=shares.seen,
        y=f"{y:.1f}",
        text_y=f"{y + BAR_HEIGHT - 4:.1f}",
        segments=segments,
    )


def _spread(shares: list[opinion.GroupShares]) -> float:
    heard = [s for s in shares if s.seen]
    if len(heard) < 2:
        return 0.0
    return max(
        max(s.share(d) for s in heard) - min(s.share(d) for s in heard) for d in opinion.DIRECTIONS
    )


def statement_bars(
    analysis: dict[str, Any], bodies: dict[int, str], shown: list[int]
) -> list[StatementBars]:
    """Per statement, one bar per group (agree / disagree / pass shares). Statements that
    set a group apart or divide the groups come first, most divided first; then the rest in
    statement order. Only ``shown`` statements (accepted now) are drawn."""
    result = analysis.get("result", {})
    if not result.get("groups"):
        return []
    sizes = {int(g["id"]): int(g["size"]) for g in result["groups"]}
    represents: dict[int, list[str]] = {}
    for g in result["groups"]:
        for r in g["representative"]:
            represents.setdefault(r["statement"], []).append(_group_label(int(g["id"])))
    divisive = {s["id"] for s in result.get("statements", []) if s.get("divisive")}
    tallies = opinion.group_tallies(analysis)
    key: list[tuple[float, int, StatementBars]] = []
    rest: list[StatementBars] = []
    for number in shown:
        shares = [s for s in tallies.get(number, []) if s.group in sizes]
        if not shares:
            continue
        bars = StatementBars(
            statement=number,
            body=bodies.get(number, ""),
            divisive=number in divisive,
            represents=represents.get(number, []),
            height=f"{4.0 + len(shares) * BAR_ROW:.1f}",
            rows=[_bar_row(s, sizes[s.group], i) for i, s in enumerate(shares)],
        )
        if bars.divisive or bars.represents:
            key.append((-_spread(shares), len(key), bars))
        else:
            rest.append(bars)
    key.sort(key=lambda t: (t[0], t[1]))
    return [b for _, _, b in key] + rest


def my_group(
    user: Any, consultation: Consultation, stored: StoredAnalysis
) -> opinion.GroupPlacement | None:
    """The signed-in participant's opinion group in the stored analysis (None for anyone
    who has not joined). A read: nothing is computed but the summary of the stored one."""
    participant = participant_for(user, consultation)
    if participant is None:
        return None
    votes = Vote.objects.for_user(user).filter(participant=participant)
    if stored.analysed_at is not None:
        votes = votes.filter(voted_at__gte=stored.analysed_at)
    return opinion.participant_group(
        stored.analysis,
        participant.number,
        voted_since=votes.exists(),
        statements=shown_statements(user, consultation),
    )


def my_group_summary(
    user: Any, consultation: Consultation, stored: StoredAnalysis
) -> dict[str, Any] | None:
    """`my_group` for pages and the API: the group's letter, statement texts, percentages."""
    placed = my_group(user, consultation, stored)
    if placed is None:
        return None
    bodies = dict(
        Statement.objects.for_user(user)
        .filter(consultation=consultation, status=Statement.Status.ACCEPTED)
        .values_list("number", "body")
    )
    data = placed.to_dict()
    data["label"] = _group_label(placed.group) if placed.group is not None else None
    for d in data["differences"]:
        d["body"] = bodies.get(d["statement"], "")
        d["group_percent"] = round(100 * d["group_share"])
        d["others_percent"] = round(100 * d["others_share"])
    for c in data["common"]:
        c["body"] = bodies.get(c["statement"], "")
        c["percent"] = round(100 * c["lowest_share"])
    return data


def shown_statements(user: Any, consultation: Consultation) -> list[int]:
    """Numbers of the accepted statements, in order: what groups and bars may name."""
    return list(
        Statement.objects.for_user(user)
        .filter(consultation=consultation, status=Statement.Status.ACCEPTED)
        .order_by("number")
        .values_list("number", flat=True)
    )


def _group_label(group: int) -> str:
    return chr(ord("A") + group) if group < 26 else str(group)
