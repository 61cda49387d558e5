"""The review of a draft: sections, comments, amendments (proposed, re-based, decided)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reef.consultations import rules as R
from reef.consultations import selectors, services
from reef.consultations.forms import AmendmentForm, CommentForm, DecisionForm
from reef.consultations.models import Amendment, Consultation
from reef.consultations.views.common import (
    _context,
    _join_first,
    _kept_answers,
    _require_signed_in,
    _user,
)
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import Outcome, call_service


@access(Rule.LABELLED)
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    return render(
        request,
        "consultations/draft.html",
        _context(
            request, consultation, sections=selectors.sections_for(request.user, consultation)
        ),
    )


@access(Rule.LABELLED)
def section_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    section = selectors.section_get(request.user, consultation, number)
    posted = request.POST or _kept_answers(request)
    kind = posted.get("kind") if posted else None
    comment_form = CommentForm(posted if kind == "comment" else None)
    amendment_form = AmendmentForm(
        posted if kind == "amendment" else None,
        initial={"proposed_text": section.text},
    )
    amendments = list(selectors.section_amendments(request.user, section))
    rebase_forms = _rebase_forms(request, amendments)
    if request.method == "POST":
        if (login := _require_signed_in(request)) is not None:
            return login
        outcome: Outcome[object] | None = None
        if comment_form.is_bound and comment_form.is_valid():
            outcome = call_service(
                request,
                lambda: services.section_comment_add(
                    actor=_user(request),
                    section=section,
                    body=comment_form.cleaned_data["body"],
                ),
                _("Comment added."),
                form=comment_form,
            )
        elif amendment_form.is_bound and amendment_form.is_valid():
            outcome = call_service(
                request,
                lambda: services.amendment_propose(
                    actor=_user(request),
                    section=section,
                    proposed_text=amendment_form.cleaned_data["proposed_text"],
                    rationale=amendment_form.cleaned_data["rationale"],
                ),
                _("Amendment proposed."),
                form=amendment_form,
            )
        elif request.POST.get("kind") == "rebase":
            outcome = _rebase(request, consultation, rebase_forms)
        if outcome is not None and outcome.code == "join_required":
            return _join_first(request, pk, outcome.message)
        if outcome:
            return redirect("consultations:section", pk=pk, number=number)
    return render(
        request,
        "consultations/section.html",
        _context(
            request,
            consultation,
            section=section,
            comments=selectors.section_comments(request.user, section),
            amendments=[(a, rebase_forms.get(a.pk)) for a in amendments],
            comment_form=comment_form,
            amendment_form=amendment_form,
        ),
    )


def _rebase_forms(request: HttpRequest, amendments: list[Amendment]) -> dict[int, AmendmentForm]:
    """A re-base form for each stale amendment the person may re-base (their own)."""
    found: dict[int, AmendmentForm] = {}
    for a in amendments:
        if a.is_stale and allowed(R.may_rebase_amendment, request.user, a):
            posted = request.POST.get("kind") == "rebase" and request.POST.get("amendment") == str(
                a.pk
            )
            found[a.pk] = AmendmentForm(
                request.POST if posted else None,
                prefix=f"rebase-{a.pk}",
                initial={"proposed_text": a.proposed_text, "rationale": a.rationale},
            )
    return found


def _rebase(
    request: HttpRequest, consultation: Consultation, by_amendment: dict[int, AmendmentForm]
) -> Outcome[object] | None:
    try:
        target = int(request.POST.get("amendment", ""))
    except ValueError:
        target = 0
    form = by_amendment.get(target)
    if form is None:
        # Not stale, not one's own, or not visible: the same refusal for each.
        messages.error(request, _("This amendment cannot be re-based."))
        return None
    if not form.is_valid():
        return None
    amendment = selectors.amendment_get(request.user, consultation, target)
    return call_service(
        request,
        lambda: services.amendment_rebase(
            actor=_user(request),
            amendment=amendment,
            proposed_text=form.cleaned_data["proposed_text"],
            rationale=form.cleaned_data["rationale"],
        ),
        _("Amendment re-based on the current text."),
        form=form,
    )


@access(Rule.SERVICE)
def amendment_decide(request: HttpRequest, pk: int, amendment_id: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    amendment = selectors.amendment_get(request.user, consultation, amendment_id)
    if (login := _require_signed_in(request)) is not None:
        return login
    if not allowed(R.may_decide_amendment, request.user, amendment):
        raise DjangoPermissionDenied(_("Only the author of the draft decides amendments."))
    form = DecisionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            request,
            lambda: services.amendment_decide(
                actor=_user(request),
                amendment=amendment,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            ),
            _("Decision recorded."),
            form=form,
        )
    ):
        return redirect("consultations:section", pk=pk, number=amendment.section.number)
    return render(
        request,
        "consultations/amendment_decide.html",
        _context(request, consultation, amendment=amendment, form=form),
        status=400 if form.errors else 200,
    )
