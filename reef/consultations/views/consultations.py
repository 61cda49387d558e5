"""A consultation's list, detail and join pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from reef.consultations import rules as R
from reef.consultations import selectors, services
from reef.consultations.forms import JoinForm, WindowForm
from reef.consultations.models import Statement
from reef.consultations.views.common import _context, _require_signed_in, _user
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service


@access(Rule.LABELLED)
def consultation_list(request: HttpRequest) -> HttpResponse:
    consultations = selectors.consultations_for(request.user)
    return render(
        request,
        "consultations/consultation_list.html",
        {"consultations": consultations, "now": timezone.now()},
    )


@access(Rule.LABELLED)
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    return render(
        request,
        "consultations/consultation_detail.html",
        _context(
            request,
            consultation,
            n_statements=selectors.statements_for(request.user, consultation)
            .filter(status=Statement.Status.ACCEPTED)
            .count(),
            rounds=selectors.delphi_rounds(request.user, consultation),
            sections=selectors.sections_for(request.user, consultation),
            window_form=WindowForm(
                initial={"opens_at": consultation.opens_at, "closes_at": consultation.closes_at}
            ),
        ),
    )


@access(Rule.SERVICE)
def participant_join(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    if (login := _require_signed_in(request)) is not None:
        return login
    participant = selectors.participant_for(request.user, consultation)
    initial = (
        {
            "sector": participant.sector,
            "country": participant.country.code if participant.country else None,
        }
        if participant
        else {}
    )
    form = JoinForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            request,
            lambda: services.participant_join(
                actor=_user(request),
                consultation=consultation,
                sector=form.cleaned_data["sector"],
                country=form.cleaned_data["country"],
            ),
            form=form,
        )
    ):
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            # A draft report's review has nothing to vote on: its reviewers go to the draft.
            after = "draft" if consultation.report_assessment_id else "vote"
            target = reverse(f"consultations:{after}", args=[pk])
        return redirect(target)
    status = 200 if allowed(R.may_join, request.user, consultation) else 403
    return render(
        request,
        "consultations/join.html",
        _context(request, consultation, form=form),
        status=status,
    )
