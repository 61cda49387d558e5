"""Delphi rounds: create, close, respond."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from reef.consultations import rules as R
from reef.consultations.models import (
    Consultation,
    DelphiItem,
    DelphiResponse,
    DelphiRound,
    Participant,
)
from reef.consultations.services.common import (
    _child,
    _clean_text,
    _editors_only,
    _not_invited,
    _participant_of,
    _person,
    _require,
    _require_open,
)
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor


def _default_agree_min(lo: int, hi: int) -> int:
    """Agreement starts at 7 on a 1-9 scale (the 7-9 band of the RAND/UCLA and 70/15
    rules), else at the top two points of the scale."""
    return 7 if (lo, hi) == (1, 9) else hi - 1


# Long: the checks, then the round and its items, in one transaction.
@transaction.atomic
def delphi_round_create(
    *,
    actor: Actor,
    consultation: Consultation,
    title: str,
    items: Sequence[str] = (),
    scale: tuple[int, int] = (1, 5),
    rule: str = DelphiRound.Rule.PERCENT,
    agree_min: int | None = None,
    percent_threshold: float = 0.75,
    max_iqr: float = 1.0,
    max_change: float = 0.15,
) -> DelphiRound:
    """A new round. With no `items`, the previous round's items are carried over (linked)."""
    _require(R.may_create_round, actor, consultation, consultation, _editors_only())
    title = _clean_text(title, "title", "title", 200)
    lo, hi = scale
    if not 0 <= lo < hi <= 10:
        raise ServiceError(_("The scale must run from low to high within 0..10."), field="scale")
    if rule not in DelphiRound.Rule.values:
        raise ServiceError(_("Unknown consensus rule %(value)s.") % {"value": rule}, field="rule")
    if rule in (DelphiRound.Rule.SEVENTY_FIFTEEN, DelphiRound.Rule.RAND_UCLA) and scale != (1, 9):
        raise ServiceError(_("This rule needs a 1-9 scale."), field="rule")
    amin = _default_agree_min(lo, hi) if agree_min is None else agree_min
    if not lo <= amin <= hi:
        raise ServiceError(_("The agreement rating must lie on the scale."), field="agree_min")
    previous = DelphiRound.objects.filter(consultation=consultation).order_by("-number").first()
    texts = [t.strip() for t in items if t.strip()]
    carried: list[DelphiItem] = []
    if not texts:
        if previous is None:
            raise ServiceError(_("A first round needs items to rate."), field="items")
        carried = list(previous.items.all())
    if previous is not None and previous.status != DelphiRound.Status.CLOSED:
        previous.status = DelphiRound.Status.CLOSED
        previous.save(update_fields=["status", "updated_at"])
    rnd = _child(
        DelphiRound,
        consultation,
        number=(previous.number + 1) if previous else 1,
        title=title,
        scale_min=lo,
        scale_max=hi,
        rule=rule,
        agree_min=amin,
        percent_threshold=percent_threshold,
        max_iqr=max_iqr,
        max_change=max_change,
    )
    for i, text in enumerate(texts):
        _child(DelphiItem, consultation, round=rnd, order=i, text=text)
    for item in carried:
        _child(DelphiItem, consultation, round=rnd, order=item.order, text=item.text, previous=item)
    audit_append(
        action="delphi_round_create",
        actor=actor,
        obj=rnd,
        detail={"consultation": consultation.pk, "items": len(texts) or len(carried)},
    )
    return rnd


@transaction.atomic
def delphi_round_close(*, actor: Actor, round: DelphiRound) -> DelphiRound:
    _require(R.may_close_round, actor, round, round.consultation, _editors_only())
    round.status = DelphiRound.Status.CLOSED
    round.version += 1
    round.save()
    audit_append(action="delphi_round_close", actor=actor, obj=round)
    return round


def _check_independent(
    round: DelphiRound,
    items: Mapping[int, DelphiItem],
    existing: Mapping[int, DelphiResponse],
    ratings: Mapping[int, int],
) -> None:
    """Independence: whoever could see this round's feedback (answered every item, or the
    round closed) gives no first answer in it any more; first answers come all together."""
    has_seen = R.may_see_feedback(round, has_submitted=bool(items) and set(items) <= set(existing))
    first = [pk for pk in ratings if pk not in existing]
    if first and not R.may_answer_first(round, has_seen_feedback=has_seen):
        raise ServiceError(
            _("You have seen this round's feedback: your first answers are no longer independent."),
            field="ratings",
            code="not_independent",
        )
    missing = [pk for pk in items if pk not in existing and pk not in ratings]
    if missing:
        raise ServiceError(
            _("Rate every item: your first answers are given together, before any feedback."),
            field="ratings",
        )


def _answer(
    consultation: Consultation,
    item: DelphiItem,
    participant: Participant,
    response: DelphiResponse | None,
    value: int,
    comment: str,
) -> DelphiResponse:
    """A first answer (kept as ``first_rating``), or a revision of ``response``."""
    if response is None:
        response = _child(
            DelphiResponse,
            consultation,
            item=item,
            participant=participant,
            first_rating=value,
            rating=value,
            comment=comment,
        )
    else:
        response.rating = value
        if comment:
            response.comment = comment
        response.version += 1
        response.save()
    return response


@transaction.atomic
def delphi_respond(
    *,
    actor: Actor,
    round: DelphiRound,
    ratings: Mapping[int, int],
    comments: Mapping[int, str] | None = None,
) -> list[DelphiResponse]:
    """Rate the round's items. The first answer to every item must come before any feedback
    (so it is given in one go); later answers revise `rating` and keep `first_rating`."""
    consultation = round.consultation
    _require(R.may_respond, actor, round, consultation, _not_invited())
    user = _person(actor)
    _require_open(consultation)
    if round.status != DelphiRound.Status.OPEN:
        raise ServiceError(_("This round is not open."), code="closed")
    participant = _participant_of(user, consultation)
    items = {i.pk: i for i in round.items.all()}
    unknown = set(ratings) - set(items)
    if unknown:
        raise ServiceError(_("Some ratings are for items outside this round."), field="ratings")
    existing = {
        r.item_id: r
        for r in DelphiResponse.objects.select_for_update()
        .filter(item__round=round, participant=participant)
        .order_by("pk")
    }
    _check_independent(round, items, existing, ratings)
    out: list[DelphiResponse] = []
    for pk, value in ratings.items():
        if not isinstance(value, int) or not round.scale_min <= value <= round.scale_max:
            raise ServiceError(
                _("Ratings lie between %(low)s and %(high)s.")
                % {"low": round.scale_min, "high": round.scale_max},
                field="ratings",
            )
        comment = ((comments or {}).get(pk) or "").strip()[:2000]
        out.append(_answer(consultation, items[pk], participant, existing.get(pk), value, comment))
    audit_append(
        action="delphi_respond",
        actor=user,
        obj=round,
        detail={"participant": participant.number, "ratings": len(out)},
    )
    return out
