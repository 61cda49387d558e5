"""Pages of review rounds: rounds, proposals, invitations, reviews and their feedback."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reef.core.access import scope_for
from reef.core.routes import Rule, access
from reef.core.rules import Rule as Rule_
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.directory.models import Grouping
from reef.experts import rules, selectors, services
from reef.experts.forms import ProposalForm, ReviewForm, RoundForm, WindowForm
from reef.experts.models import ReviewAssignment, ReviewRound
from reef.experts.views.common import post_action, user_of


@access(Rule.LABELLED)
def round_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "experts/round_list.html",
        {
            "rounds": selectors.rounds_for(request.user),
            "assignments": selectors.my_assignments(request.user),
            "can_run": scope_for(request.user).is_coordinator,
        },
    )


@access(Rule.LABELLED)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get(request.user, pk)
    runner = selectors.can_run_round(request.user, round_)
    proposals = list(selectors.proposals_for(request.user).filter(round=round_))
    rows = []
    for proposal in proposals:
        assignments = list(proposal.assignments.select_related("reviewer")) if runner else []
        rows.append(
            {
                "proposal": proposal,
                "assignments": assignments,
                "feedback": selectors.proposal_feedback(request.user, proposal),
            }
        )
    mine = [a for a in selectors.my_assignments(request.user) if a.proposal.round_id == round_.pk]
    return render(
        request,
        "experts/round_detail.html",
        {
            "round": round_,
            "rows": rows,
            "runner": runner,
            "may_add_proposal": allowed(rules.may_add_proposal, request.user, round_),
            "may_open": allowed(rules.may_open_round, request.user, round_),
            "may_assign": allowed(rules.may_assign_round, request.user, round_),
            "may_close": allowed(rules.may_close_round, request.user, round_),
            "may_set_window": allowed(rules.may_set_window, request.user, round_),
            "mine": mine,
            "window_form": WindowForm(initial={"closes_on": round_.closes_on}),
            "working_days": services.working_days(round_.opens_on, round_.closes_on),
        },
    )


@access(Rule.SERVICE)
@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    groupings = Grouping.objects.filter(pk__in=list(scope_for(user).groupings))
    if not groupings.exists():
        raise HttpForbidden(_("Only a regional coordinator may run a review round."))
    form = RoundForm(request.POST or None, groupings=groupings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created: list[ReviewRound] = []
        organisation = None
        membership = user.memberships.filter(organisation__isnull=False).first()
        if membership is not None:
            organisation = membership.organisation
        if call_service(
            request,
            lambda: created.append(
                services.round_create(
                    actor=user,
                    title=data["title"],
                    description=data["description"],
                    grouping=data["grouping"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    reviewers_per_proposal=data["reviewers_per_proposal"],
                    objective=data["objective"],
                    exclude_government_of_country=data["exclude_government_of_country"],
                    organisation=organisation,
                )
            ),
            _("The review round was created. Add the proposals, then open it."),
        ):
            return redirect("experts:round_detail", pk=created[0].pk)
    return render(
        request,
        "experts/round_new.html",
        {"form": form, "minimum": services.min_working_days()},
    )


@access(Rule.SERVICE)
@login_required
def proposal_new(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for_runner(request, pk, rules.may_add_proposal)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            request,
            lambda: services.proposal_add(
                actor=user_of(request),
                round=round_,
                title=data["title"],
                text=data["text"],
                author_organisation=data["author_organisation"],
                author_name=data["author_name"],
                implementers=list(data["implementers"]),
                country=data["country"],
            ),
            _("The proposal was added."),
        ):
            return redirect("experts:round_detail", pk=round_.pk)
    return render(request, "experts/proposal_new.html", {"round": round_, "form": form})


def _round_for_runner(request: HttpRequest, pk: int, rule: Rule_) -> ReviewRound:
    round_ = selectors.round_get(request.user, pk)
    if not allowed(rule, request.user, round_):
        raise HttpForbidden(_("Only a coordinator of the region may run the round."))
    return round_


@access(Rule.SERVICE)
@login_required
@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for_runner(request, pk, rules.may_open_round)
    return post_action(
        request,
        redirect("experts:round_detail", pk=round_.pk),
        lambda _data: services.round_open(actor=user_of(request), round=round_),
        _("The round is open and reviewers were invited."),
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def round_assign(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for_runner(request, pk, rules.may_assign_round)
    return post_action(
        request,
        redirect("experts:round_detail", pk=round_.pk),
        lambda _data: services.round_assign(actor=user_of(request), round=round_),
        _("Empty reviewer seats were filled where possible."),
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for_runner(request, pk, rules.may_close_round)
    return post_action(
        request,
        redirect("experts:round_detail", pk=round_.pk),
        lambda _data: services.round_close(actor=user_of(request), round=round_),
        _("The round is closed."),
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def round_window(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for_runner(request, pk, rules.may_set_window)
    return post_action(
        request,
        redirect("experts:round_detail", pk=round_.pk),
        lambda data: services.round_set_window(
            actor=user_of(request), round=round_, closes_on=data["closes_on"]
        ),
        _("The window was changed."),
        form=WindowForm(request.POST),
        invalid=_("Give a closing date."),
    )


def _own_assignment(request: HttpRequest, pk: int) -> ReviewAssignment:
    assignment = selectors.assignment_get(request.user, pk)
    reviewer = assignment.reviewer
    if reviewer is None or reviewer.user_id != request.user.pk:
        raise Http404
    return assignment


@access(Rule.SERVICE)
@login_required
@require_POST
def assignment_respond(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    answer = request.POST.get("answer", "")
    user = user_of(request)
    back = redirect("experts:round_detail", pk=assignment.proposal.round_id)
    if answer == "accept":
        return post_action(
            request,
            back,
            lambda _data: services.assignment_accept(actor=user, assignment=assignment),
            _("Thank you: the invitation is accepted."),
        )
    if answer == "decline":
        return post_action(
            request,
            back,
            lambda _data: services.assignment_decline(
                actor=user, assignment=assignment, reason=request.POST.get("reason", "")
            ),
            _("The invitation is declined; another reviewer was invited."),
        )
    messages.error(request, _("Answer accept or decline."))
    return back


@access(Rule.SERVICE)
@login_required
def review_form(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    initial = {"score": assignment.score, "comments": assignment.comments}
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            request,
            lambda: services.review_submit(
                actor=user_of(request),
                assignment=assignment,
                score=data["score"],
                comments=data["comments"],
            ),
            _("Your review was submitted."),
        ):
            return redirect("experts:round_detail", pk=assignment.proposal.round_id)
    return render(request, "experts/review_form.html", {"assignment": assignment, "form": form})


@access(Rule.LABELLED)
def proposal_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(request.user, pk)
    return render(
        request,
        "experts/proposal_feedback.html",
        {"proposal": proposal, "feedback": selectors.proposal_feedback(request.user, proposal)},
    )
