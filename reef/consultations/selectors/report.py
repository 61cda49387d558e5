"""The opinion report for display: the map, groups, the consensus reality report, who was
heard."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from reef.consultations.models import (
    Amendment,
    Consultation,
    Participant,
    SectionComment,
    Sector,
    Statement,
)
from reef.consultations.selectors.consultations import participant_for
from reef.consultations.selectors.groups import (
    StatementBars,
    _group_label,
    shown_statements,
    statement_bars,
)

PALETTE = ["#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6b4c9a", "#00798c"]


@dataclass
class MapPoint:
    x: float
    y: float
    colour: str
    group: int | None
    me: bool


@dataclass
class Report:
    analysed: bool
    points: list[MapPoint]
    groups: list[dict[str, Any]]
    statements: list[dict[str, Any]]
    reality: dict[str, Any]
    counts: dict[str, int]
    heard: list[dict[str, Any]] = field(default_factory=list)
    bars: list[StatementBars] = field(default_factory=list)


#: Largest number of points drawn in the opinion map (larger maps show an even sample).
MAP_MAX_POINTS = 3000


def opinion_map(analysis: dict[str, Any], me: int | None, size: int = 320) -> list[MapPoint]:
    """Participants' x, y scaled into a `size` square with a margin, coloured by group."""
    people = analysis.get("result", {}).get("participants", [])
    if not people:
        return []
    if len(people) > MAP_MAX_POINTS:
        step = -(-len(people) // MAP_MAX_POINTS)
        people = [p for i, p in enumerate(people) if i % step == 0 or p["id"] == me]
    xs = [p["x"] for p in people]
    ys = [p["y"] for p in people]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half = size / 2 - 12
    points = []
    for p in people:
        g = p.get("group")
        points.append(
            MapPoint(
                x=round(size / 2 + (p["x"] - cx) / span * 2 * half, 1),
                y=round(size / 2 - (p["y"] - cy) / span * 2 * half, 1),
                colour=PALETTE[g % len(PALETTE)] if g is not None else "#999999",
                group=g,
                me=me is not None and p["id"] == me,
            )
        )
    return points


def consultation_report(user: Any, consultation: Consultation, analysis: dict[str, Any]) -> Report:
    """The opinion report for display: statements by number with their text, the map,
    groups with representative statements, and the consensus reality report."""
    bodies = dict(
        Statement.objects.for_user(user)
        .filter(consultation=consultation)
        .values_list("number", "body")
    )
    result = analysis.get("result", {})
    participant = participant_for(user, consultation)
    shown = shown_statements(user, consultation)
    groups = _report_groups(result, bodies, shown)
    labels = dict(Sector.choices)
    reality = _report_reality(analysis, bodies, labels)
    statements = [{**s, "body": bodies.get(s["id"], "")} for s in result.get("statements", [])]
    heard = _heard(user, consultation, reality, labels)
    return Report(
        bars=statement_bars(analysis, bodies, shown),
        analysed=bool(result),
        points=opinion_map(analysis, participant.number if participant else None),
        groups=groups,
        statements=statements,
        reality=reality,
        counts={
            "votes": int(analysis.get("n_votes", 0)),
            "participants": int(analysis.get("n_participants", 0)),
        },
        heard=heard,
    )


def _report_groups(
    result: dict[str, Any], bodies: dict[int, str], shown: list[int]
) -> list[dict[str, Any]]:
    """The groups with their representative statements (those still shown)."""
    groups = []
    for g in result.get("groups", []):
        groups.append(
            {
                "id": g["id"],
                "label": _group_label(g["id"]),
                "size": g["size"],
                "colour": PALETTE[g["id"] % len(PALETTE)],
                # Statements moderated out since the analysis are no longer named.
                "representative": [
                    {**r, "body": bodies.get(r["statement"], "")}
                    for r in g["representative"]
                    if r["statement"] in shown
                ],
            }
        )
    return groups


def _report_reality(
    analysis: dict[str, Any], bodies: dict[int, str], labels: dict[str, Any]
) -> dict[str, Any]:
    """The consensus reality report with statement texts and display names, by label."""
    reality = dict(analysis.get("reality", {}))
    reality["statements"] = [
        {
            **s,
            "body": bodies.get(s["statement"], ""),
            "dissenting": [_part_label(name, labels) for name in s.get("dissenting", [])],
            "barely_heard": [_part_label(name, labels) for name in s.get("barely_heard", [])],
        }
        for s in reality.get("statements", [])
    ]
    reality["sectors_not_heard"] = [
        str(labels.get(key, key)) for key in reality.get("sectors_not_heard", [])
    ]
    by_label: dict[str, list[dict[str, Any]]] = {}
    for s in reality["statements"]:
        by_label.setdefault(s["label"], []).append(s)
    reality["by_label"] = by_label
    return reality


def _heard(
    user: Any, consultation: Consultation, reality: dict[str, Any], labels: dict[str, Any]
) -> list[dict[str, Any]]:
    """Per sector: voters, participants, comments and amendments (who was heard)."""
    participants = _count_by_sector(
        Participant.objects.for_user(user).filter(consultation=consultation)
    )
    comments = _count_by_sector(
        SectionComment.objects.for_user(user).filter(consultation=consultation), "participant__"
    )
    amendments = _count_by_sector(
        Amendment.objects.for_user(user).filter(consultation=consultation), "participant__"
    )
    voters: dict[str, int] = reality.get("sector_participants", {})
    return [
        {
            "sector": str(labels.get(key, key or _("unknown"))),
            "voters": voters.get(key, 0),
            "participants": participants.get(key, 0),
            "comments": comments.get(key, 0),
            "amendments": amendments.get(key, 0),
        }
        for key in dict.fromkeys([*Sector.values, *participants, *voters])
    ]


def _part_label(name: str, sectors: dict[str, Any]) -> str:
    """Display name of an opinion.consensus_reality part ("group 1", "sector academia")."""
    kind, _sep, key = name.partition(" ")
    if kind == "group" and key.isdigit():
        return _("Group %(label)s") % {"label": _group_label(int(key))}
    if kind == "sector":
        return str(sectors.get(key, key))
    return name


def _count_by_sector(qs: Any, prefix: str = "") -> dict[str, int]:
    counts: dict[str, int] = {}
    for sector, n in qs.values_list(f"{prefix}sector").annotate(n=Count("pk")).order_by():
        counts[sector] = counts.get(sector, 0) + n
    return counts
