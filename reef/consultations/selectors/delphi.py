"""Delphi rounds, one's responses and the round's feedback (once one may see it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from reef.consultations import delphi
from reef.consultations.models import Consultation, DelphiItem, DelphiResponse, DelphiRound, Sector
from reef.consultations.rules import may_see_feedback
from reef.consultations.selectors.consultations import participant_for
from reef.core.access import LabelledQuerySet
from reef.core.errors import ServiceError
from reef.core.selectors import get_for_user


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
