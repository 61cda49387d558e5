"""Reads of consultations, always through the access layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from reef.accounts.roles import Action
from reef.consultations import delphi, opinion
from reef.consultations.models import (
    Amendment,
    Consultation,
    DelphiItem,
    DelphiResponse,
    DelphiRound,
    Participant,
    Section,
    SectionComment,
    Sector,
    Statement,
    Vote,
)
from reef.consultations.rules import may_see_feedback, runs
from reef.core.access import LabelledQuerySet, scope_for
from reef.core.errors import ServiceError
from reef.core.selectors import get_for_user


def consultations_for(user: Any) -> LabelledQuerySet:
    """Consultations to list, without their last analysis (`consultation_get` has it): with
    thousands of participants it is megabytes of JSON each, decoded for every row."""
    return (
        Consultation.objects.for_user(user)
        .select_related("owner_organisation", "owner_country")
        .defer("analysis")
    )


def consultation_get(user: Any, pk: int, action: str = Action.VIEW) -> Consultation:
    obj: Consultation = get_for_user(
        Consultation.objects.select_related("owner_organisation", "owner_country"),
        user,
        action=action,
        pk=pk,
    )
    return obj


def participant_for(user: Any, consultation: Consultation) -> Participant | None:
    if not getattr(user, "is_authenticated", False):
        return None
    found: Participant | None = (
        Participant.objects.for_user(user)
        .filter(consultation=consultation, user=user)
        .select_related("country")
        .first()
    )
    return found


# ---------------------------------------------------------------- analysis


@dataclass(frozen=True)
class StoredAnalysis:
    """The latest analysis as stored by the task worker, and whether a newer one is due."""

    analysis: dict[str, Any]
    analysed_at: datetime | None
    # Votes or moderation arrived after it (or none was made yet): an update is on its way,
    # queued by the write that made it stale (services.analysis_enqueue).
    stale: bool


def consultation_analysis(user: Any, consultation: Consultation) -> StoredAnalysis:
    """What a report shows. A read: it neither computes, nor queues, nor writes anything."""
    analysis = dict(consultation.analysis or {})
    stale = consultation.analysis_stale
    if stale and not analysis:  # a new consultation is stale until it has something to analyse
        stale = Vote.objects.for_user(user).filter(consultation=consultation).exists()
    return StoredAnalysis(analysis=analysis, analysed_at=consultation.analysed_at, stale=stale)


# ---------------------------------------------------------------- statements


def statements_for(user: Any, consultation: Consultation) -> LabelledQuerySet:
    """Accepted statements; editors also see pending and rejected ones, authors their own."""
    qs = Statement.objects.for_user(user).filter(consultation=consultation)
    if runs(scope_for(user), consultation):
        return qs
    own = Q(author__user_id=user.pk) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    return qs.filter(Q(status=Statement.Status.ACCEPTED) | own)


def statement_get(user: Any, consultation: Consultation, number: int) -> Statement:
    obj: Statement = get_for_user(
        Statement.objects.select_related("consultation"),
        user,
        audit=False,
        consultation=consultation,
        number=number,
    )
    return obj


def pending_statements(user: Any, consultation: Consultation) -> LabelledQuerySet:
    return Statement.objects.for_user(user).filter(
        consultation=consultation, status=Statement.Status.PENDING
    )


def next_statement(user: Any, consultation: Consultation) -> Statement | None:
    """The next accepted statement for the user to vote on.

    Statements with fewer votes than the consultation's `target_votes` come first, so every
    statement gets enough votes; within that, the analysis's routing priority (Polis, ref §11)
    when there is one (statements newer than the analysis first), else fewest votes first.
    """
    participant = participant_for(user, consultation)
    qs = Statement.objects.for_user(user).filter(
        consultation=consultation, status=Statement.Status.ACCEPTED
    )
    if participant is not None:
        qs = qs.exclude(votes__participant=participant)
    candidates: list[Statement] = list(
        qs.annotate(n_votes=Count("votes")).order_by("n_votes", "number")[:500]
    )
    if not candidates:
        return None
    priority: dict[str, float] = (consultation.analysis or {}).get("priority", {})
    if not priority:
        return candidates[0]

    def rank(s: Any) -> tuple[bool, int, float, int, int]:
        # Statements short of the wanted number of votes first; among them, those newer
        # than the analysis, then by routing priority.
        p = priority.get(str(s.number))
        enough = s.n_votes >= consultation.target_votes
        return (enough, 0 if p is None else 1, -(p or 0.0), s.n_votes, s.number)

    best: Statement = min(candidates, key=rank)
    return best


def my_votes(user: Any, consultation: Consultation) -> dict[int, int]:
    participant = participant_for(user, consultation)
    if participant is None:
        return {}
    return dict(
        Vote.objects.for_user(user)
        .filter(participant=participant)
        .values_list("statement__number", "value")
    )


# ---------------------------------------------------------------- report


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
    reality = dict(analysis.get("reality", {}))
    labels = dict(Sector.choices)
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
    statements = [{**s, "body": bodies.get(s["id"], "")} for s in result.get("statements", [])]
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
    heard = [
        {
            "sector": str(labels.get(key, key or _("unknown"))),
            "voters": voters.get(key, 0),
            "participants": participants.get(key, 0),
            "comments": comments.get(key, 0),
            "amendments": amendments.get(key, 0),
        }
        for key in dict.fromkeys([*Sector.values, *participants, *voters])
    ]
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


# ---------------------------------------------------------------- opinion groups as bars

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


# ---------------------------------------------------------------- Delphi


class FeedbackHidden(ServiceError):
    def __init__(self) -> None:
        super().__init__(
            _("Give your first answer to every item of this round before you see the feedback."),
            code="forbidden",
        )


def delphi_rounds(user: Any, consultation: Consultation) -> LabelledQuerySet:
    return DelphiRound.objects.for_user(user).filter(consultation=consultation)


def delphi_round_get(user: Any, consultation: Consultation, number: int) -> DelphiRound:
    obj: DelphiRound = get_for_user(
        DelphiRound.objects.select_related("consultation"),
        user,
        audit=False,
        consultation=consultation,
        number=number,
    )
    return obj


def delphi_my_responses(user: Any, rnd: DelphiRound) -> dict[int, DelphiResponse]:
    participant = participant_for(user, rnd.consultation)
    if participant is None:
        return {}
    return {
        r.item_id: r
        for r in DelphiResponse.objects.for_user(user).filter(
            item__round=rnd, participant=participant
        )
    }


def delphi_feedback_visible(user: Any, rnd: DelphiRound) -> bool:
    """An open round's feedback is shown only to panellists who have given a first answer
    to every item: not to the owner's editors, nor to anyone who may still join and
    answer (reef.core.independence). Everyone who sees the round sees it once it closes."""
    if rnd.status != DelphiRound.Status.OPEN:
        return may_see_feedback(rnd, has_submitted=False)
    items = set(rnd.items.values_list("pk", flat=True))
    mine = delphi_my_responses(user, rnd)
    return may_see_feedback(rnd, has_submitted=bool(items) and items <= set(mine))


@dataclass
class ItemFeedback:
    item: DelphiItem
    summary: delphi.LikertSummary
    by_sector: dict[str, delphi.LikertSummary]
    consensus: bool
    consensus_detail: str
    change: float | None
    individual_change: float | None
    stable: bool | None
    bars: list[tuple[int, int, int]]  # (scale point, count, bar width %)


@dataclass
class RoundFeedback:
    round: DelphiRound
    items: list[ItemFeedback]
    respondents: int
    kendall: delphi.KendallW | None
    kendall_strength: str = ""


def _consensus(rnd: DelphiRound, ratings: list[int]) -> tuple[bool, str]:
    if not ratings:
        return False, ""
    if rnd.rule == DelphiRound.Rule.IQR:
        iqr, ok = delphi.iqr_consensus(ratings, rnd.max_iqr)
        return ok, _("IQR %(iqr)s (≤ %(max)s)") % {"iqr": f"{iqr:.2f}", "max": f"{rnd.max_iqr:g}"}
    if rnd.rule == DelphiRound.Rule.SEVENTY_FIFTEEN:
        return delphi.seventy_fifteen(ratings), _("≥ %(high)s rate 7-9 and < %(low)s rate 1-3") % {
            "high": "70%",
            "low": "15%",
        }
    if rnd.rule == DelphiRound.Rule.RAND_UCLA:
        r = delphi.rand_ucla(ratings)
        label = delphi.APPROPRIATENESS_LABELS.get(r.appropriateness)
        return (
            r.appropriateness == "appropriate" and not r.disagreement,
            _("median %(median)s, %(appropriateness)s, DI %(index)s")
            % {
                "median": f"{r.median:g}",
                "appropriateness": _(label) if label else r.appropriateness,
                "index": f"{r.disagreement_index:.2f}",
            },
        )
    share, ok = delphi.percent_agreement(ratings, rnd.agree_min, rnd.percent_threshold)
    return ok, _("%(share)s rate %(min)s+ (≥ %(threshold)s)") % {
        "share": f"{share:.0%}",
        "min": rnd.agree_min,
        "threshold": f"{rnd.percent_threshold:.0%}",
    }


def delphi_feedback(user: Any, rnd: DelphiRound) -> RoundFeedback:
    """The round's feedback. Raises FeedbackHidden until the user may see it."""
    if not delphi_feedback_visible(user, rnd):
        raise FeedbackHidden()
    items = list(DelphiItem.objects.for_user(user).filter(round=rnd))
    responses = list(
        DelphiResponse.objects.for_user(user)
        .filter(item__round=rnd)
        .values_list("item_id", "participant__number", "participant__sector", "rating")
    )
    previous_ids = [i.previous_id for i in items if i.previous_id]
    prev: dict[int, dict[str, int]] = {}
    for item_id, number, rating in (
        DelphiResponse.objects.for_user(user)
        .filter(item_id__in=previous_ids)
        .values_list("item_id", "participant__number", "rating")
    ):
        prev.setdefault(item_id, {})[str(number)] = rating
    scale = (rnd.scale_min, rnd.scale_max)
    labels = dict(Sector.choices)
    out = []
    by_participant: dict[int, dict[int, int]] = {}
    for item in items:
        rows = [r for r in responses if r[0] == item.pk]
        current = {str(n): rating for _, n, _, rating in rows}
        sectors = {str(n): str(labels.get(s, s or _("unknown"))) for _i, n, s, _r in rows}
        fb = delphi.feedback(current, sectors, scale, rnd.agree_min)
        ok, detail = _consensus(rnd, list(current.values()))
        change = ind = None
        stable = None
        if item.previous_id and item.previous_id in prev:
            before = prev[item.previous_id]
            change = delphi.distribution_change(
                list(before.values()), list(current.values()), scale
            )
            ind = delphi.individual_change(before, current)
            stable = delphi.is_stable(change, rnd.max_change)
        top = max(fb.overall.distribution.values(), default=0) or 1
        bars = [(k, n, round(100 * n / top)) for k, n in fb.overall.distribution.items()]
        out.append(
            ItemFeedback(item, fb.overall, fb.by_sector, ok, detail, change, ind, stable, bars)
        )
        for _i, n, _s, rating in rows:
            by_participant.setdefault(n, {})[item.pk] = rating
    complete = [
        [ratings[i.pk] for i in items]
        for ratings in by_participant.values()
        if len(ratings) == len(items)
    ]
    kendall = None
    if len(complete) >= 2 and len(items) >= 2:
        kendall = delphi.kendalls_w(complete)
    strength = delphi.STRENGTH_LABELS.get(kendall.strength) if kendall else None
    return RoundFeedback(
        rnd,
        out,
        len(by_participant),
        kendall,
        _(strength) if strength else (kendall.strength if kendall else ""),
    )


# ---------------------------------------------------------------- draft review


def sections_for(user: Any, consultation: Consultation) -> LabelledQuerySet:
    qs: LabelledQuerySet = (
        Section.objects.for_user(user)
        .filter(consultation=consultation)
        .annotate(
            n_comments=Count("comments", distinct=True),
            n_amendments=Count("amendments", distinct=True),
        )
    )
    return qs


def section_get(user: Any, consultation: Consultation, number: int) -> Section:
    obj: Section = get_for_user(
        Section.objects.select_related("consultation"),
        user,
        audit=False,
        consultation=consultation,
        number=number,
    )
    return obj


def section_comments(user: Any, section: Section) -> LabelledQuerySet:
    return (
        SectionComment.objects.for_user(user)
        .filter(section=section)
        .select_related("participant", "participant__country")
    )


def section_amendments(user: Any, section: Section) -> LabelledQuerySet:
    return (
        Amendment.objects.for_user(user)
        .filter(section=section)
        .select_related("section", "participant", "participant__country", "decided_by")
    )


def amendment_get(user: Any, consultation: Consultation, pk: int) -> Amendment:
    obj: Amendment = get_for_user(
        Amendment.objects.select_related("section", "consultation", "participant"),
        user,
        audit=False,
        consultation=consultation,
        pk=pk,
    )
    return obj
