"""A Delphi round: rate its items; its feedback after one's first answers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reef.consultations import rules as R
from reef.consultations import selectors, services
from reef.consultations.forms import DelphiForm
from reef.consultations.models import DelphiItem
from reef.consultations.views.common import (
    _context,
    _join_first,
    _kept_answers,
    _require_signed_in,
    _user,
)
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service


@access(Rule.SERVICE)
def delphi_round(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Rate the round's items. Feedback appears only after one's first answers."""
    consultation = selectors.consultation_get(request.user, pk)
    rnd = selectors.delphi_round_get(request.user, consultation, number)
    items = list(DelphiItem.objects.for_user(request.user).filter(round=rnd))
    mine = selectors.delphi_my_responses(request.user, rnd)
    form = DelphiForm(
        request.POST or _kept_answers(request),
        round=rnd,
        items=items,
        initial_ratings={k: v.rating for k, v in mine.items()},
    )
    if request.method == "POST":
        if (login := _require_signed_in(request)) is not None:
            return login
        if form.is_valid():
            outcome = call_service(
                request,
                lambda: services.delphi_respond(
                    actor=_user(request),
                    round=rnd,
                    ratings=form.ratings(),
                    comments=form.comments(),
                ),
                _("Your ratings are saved."),
                form=form,
            )
            if outcome.code == "join_required":
                return _join_first(request, pk, outcome.message)
            if outcome:
                return redirect("consultations:delphi", pk=pk, number=number)
    feedback = None
    if selectors.delphi_feedback_visible(request.user, rnd):
        feedback = selectors.delphi_feedback(request.user, rnd)
    return render(
        request,
        "consultations/delphi_round.html",
        _context(
            request,
            consultation,
            round=rnd,
            form=form,
            feedback=feedback,
            may_respond=allowed(R.may_respond, request.user, rnd),
            answered=bool(mine),
            first_answers={k: v.first_rating for k, v in mine.items()},
        ),
    )
