"""Delphi rounds: create, close, respond, feedback, items."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Status

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.consultations import selectors, services
from reef.consultations.api.routing import router
from reef.consultations.api.schemas import DelphiIn, DelphiItemOut, Error, RoundIn
from reef.consultations.models import DelphiItem


@router.post("/consultations/{pk}/delphi", response={201: dict[str, int]})
def create_round(request: HttpRequest, pk: int, payload: RoundIn) -> Any:
    """A new Delphi round (without items, the previous round's items are carried over)."""
    user = require_user(request)
    c = selectors.consultation_get(user, pk)
    rnd = services.delphi_round_create(
        actor=user,
        consultation=c,
        title=payload.title,
        items=payload.items,
        scale=(payload.scale_min, payload.scale_max),
        rule=payload.rule,
    )
    return Status(201, {"number": rnd.number})


@router.post("/consultations/{pk}/delphi/{number}/close", response=dict[str, str])
def close_round(request: HttpRequest, pk: int, number: int) -> dict[str, str]:
    user = require_user(request)
    c = selectors.consultation_get(user, pk)
    rnd = services.delphi_round_close(actor=user, round=selectors.delphi_round_get(user, c, number))
    return {"status": rnd.status}


@router.post("/consultations/{pk}/delphi/{number}/responses")
def delphi_respond(request: HttpRequest, pk: int, number: int, payload: DelphiIn) -> dict[str, int]:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    rnd = selectors.delphi_round_get(user, consultation, number)
    out = services.delphi_respond(
        actor=user, round=rnd, ratings=payload.ratings, comments=payload.comments
    )
    return {"answered": len(out)}


@router.get("/consultations/{pk}/delphi/{number}/feedback", response={200: Any, 403: Error})
def delphi_feedback(request: HttpRequest, pk: int, number: int) -> Any:
    """Hidden (403) until the caller has given a first answer to every item of the round."""
    consultation = selectors.consultation_get(request.user, pk)
    rnd = selectors.delphi_round_get(request.user, consultation, number)
    try:
        fb = selectors.delphi_feedback(request.user, rnd)
    except selectors.FeedbackHidden as exc:
        return Status(403, Error(detail=exc.message))
    return Status(
        200,
        {
            "round": rnd.number,
            "respondents": fb.respondents,
            "kendall_w": None
            if fb.kendall is None
            else {
                "w": fb.kendall.w,
                "p_value": fb.kendall.p_value,
                "strength": fb.kendall.strength,
            },
            "items": [
                {
                    "item": f.item.pk,
                    "text": f.item.text,
                    "n": f.summary.n,
                    "median": f.summary.median,
                    "iqr": f.summary.iqr,
                    "distribution": {str(k): v for k, v in f.summary.distribution.items()},
                    "by_sector": {
                        s: {"n": x.n, "median": x.median, "iqr": x.iqr}
                        for s, x in f.by_sector.items()
                    },
                    "consensus": f.consensus,
                    "change": f.change,
                    "stable": f.stable,
                }
                for f in fb.items
            ],
        },
    )


@router.get(
    "/consultations/{pk}/delphi/{number}/items",
    response=list[DelphiItemOut],
    openapi_extra=PAGE_HEADERS,
)
def delphi_items(
    request: HttpRequest, pk: int, number: int, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    consultation = selectors.consultation_get(request.user, pk)
    rnd = selectors.delphi_round_get(request.user, consultation, number)
    items = DelphiItem.objects.for_user(request.user).filter(round=rnd)
    return [{"id": i.pk, "text": i.text} for i in paginate(request, response, page, items)]
