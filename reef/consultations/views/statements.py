"""Voting, statements and their moderation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reef.consultations import rules as R
from reef.consultations import selectors, services
from reef.consultations.forms import ModerateForm, StatementForm, VoteForm
from reef.consultations.models import Statement
from reef.consultations.views.common import (
    _context,
    _htmx,
    _ip,
    _join_first,
    _kept_answers,
    _require_signed_in,
    _user,
)
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service


@access(Rule.SERVICE)
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """The next statement to vote on; POST records a vote (htmx swaps the card)."""
    consultation = selectors.consultation_get(request.user, pk)
    if (login := _require_signed_in(request)) is not None:
        return login
    status = 200
    error = ""
    if request.method == "POST":
        form = VoteForm(request.POST)
        if form.is_valid():
            statement = selectors.statement_get(
                request.user, consultation, form.cleaned_data["statement"]
            )
            try:
                services.vote_cast(
                    actor=_user(request),
                    statement=statement,
                    value=form.cleaned_data["value"],
                    ip=_ip(request),
                )
            except services.RateLimited as exc:
                error, status = exc.message, 429
            except ServiceError as exc:
                if isinstance(exc, PermissionDenied):
                    raise DjangoPermissionDenied(exc.message) from None
                if exc.code == "join_required":
                    return redirect("consultations:join", pk=pk)
                error, status = exc.message, 400
            else:
                if not _htmx(request):
                    return redirect("consultations:vote", pk=pk)
        else:
            error, status = _("Choose agree, disagree or pass."), 400
    participant = selectors.participant_for(request.user, consultation)
    ctx = _context(
        request,
        consultation,
        statement=selectors.next_statement(request.user, consultation) if participant else None,
        error=error,
        n_voted=len(selectors.my_votes(request.user, consultation)),
        statement_form=StatementForm(),
    )
    if _htmx(request):
        # htmx swaps 2xx responses only: show the error in the card.
        return render(request, "consultations/_vote_card.html", ctx)
    if not ctx["may_take_part"]:
        status = 403
    return render(request, "consultations/vote.html", ctx, status=status)


@access(Rule.LABELLED)
def statement_list(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    form = StatementForm(request.POST or _kept_answers(request))
    if request.method == "POST":
        if (login := _require_signed_in(request)) is not None:
            return login
        if form.is_valid():
            outcome = call_service(
                request,
                lambda: services.statement_submit(
                    actor=_user(request),
                    consultation=consultation,
                    body=form.cleaned_data["body"],
                ),
                form=form,
            )
            if outcome.code == "join_required":
                return _join_first(request, pk, outcome.message)
            if outcome.result is not None:
                messages.success(
                    request,
                    _("Statement added.")
                    if outcome.result.status == Statement.Status.ACCEPTED
                    else _("Thank you: your statement will appear once a moderator accepts it."),
                )
                return redirect("consultations:statement_list", pk=pk)
    return render(
        request,
        "consultations/statement_list.html",
        _context(
            request,
            consultation,
            statements=selectors.statements_for(request.user, consultation),
            my_votes=selectors.my_votes(request.user, consultation),
            form=form,
        ),
    )


@access(Rule.SERVICE)
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    if (login := _require_signed_in(request)) is not None:
        return login
    if not allowed(R.may_moderate, request.user, Statement(consultation=consultation)):
        raise DjangoPermissionDenied(_("Only the owner's editors moderate."))
    if request.method == "POST":
        form = ModerateForm(request.POST)
        if form.is_valid():
            statement = selectors.statement_get(
                request.user, consultation, form.cleaned_data["statement"]
            )
            call_service(
                request,
                lambda: services.statement_moderate(
                    actor=_user(request),
                    statement=statement,
                    status=form.cleaned_data["status"],
                ),
            )
        return redirect("consultations:moderate", pk=pk)
    return render(
        request,
        "consultations/moderate.html",
        _context(
            request, consultation, pending=selectors.pending_statements(request.user, consultation)
        ),
    )
