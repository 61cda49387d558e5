"""A plan's priorities: scores, order, weights and the state's confirmation."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reef.core.http import signed_in_user
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.planning import rules, selectors, services
from reef.planning.forms import MoveForm, ReasonForm, WeightsForm
from reef.planning.models import Plan, PriorityChange
from reef.planning.views.common import _plan_post, submit


@access(Rule.LABELLED)
def plan_priorities(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    return render(
        request,
        "planning/priorities.html",
        {
            "plan": plan,
            "needs": selectors.plan_needs(request.user, plan),
            "history": selectors.priority_history(request.user, plan)[:50],
            "may_prioritise": allowed(rules.may_prioritise, request.user, plan),
            "may_reorder": allowed(rules.may_reorder, request.user, plan),
            "may_confirm": allowed(rules.may_confirm_priorities, request.user, plan),
            "may_set_weights": allowed(rules.may_set_weights, request.user, plan),
            "weights_form": WeightsForm(initial={k: v for k, v in plan.weights.items()}),
        },
    )


def _reason(request: HttpRequest) -> str:
    """The optional reason of a posted change ("" when it is not valid)."""
    form = ReasonForm(request.POST)
    return str(form.cleaned_data["reason"]) if form.is_valid() else ""


@access(Rule.SERVICE)
@login_required
@require_POST
def plan_prioritise(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_post(request, pk)
    reason = _reason(request)
    call_service(
        request,
        lambda: services.plan_prioritise(actor=signed_in_user(request), plan=plan, reason=reason),
        _("The needs were ordered by their weighted score."),
    )
    return redirect("planning:plan_priorities", pk=plan.pk)


def _move(request: HttpRequest, plan: Plan, d: dict[str, Any]) -> PriorityChange:
    need = selectors.need_get(request.user, d["need"])
    if need.plan_id != plan.pk:
        raise Http404
    return services.need_move(
        actor=signed_in_user(request), need=need, to_position=d["position"], reason=d["reason"]
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def plan_move(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_post(request, pk)
    submit(
        request,
        MoveForm(request.POST),
        lambda d: _move(request, plan, d),
        invalid=_("Give the new position and say why."),
        success=_("The order was changed and the change recorded."),
    )
    return redirect("planning:plan_priorities", pk=plan.pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def plan_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_post(request, pk)
    reason = _reason(request)
    call_service(
        request,
        lambda: services.plan_confirm_priorities(
            actor=signed_in_user(request), plan=plan, reason=reason
        ),
        _("The priorities are confirmed."),
    )
    return redirect("planning:plan_priorities", pk=plan.pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def plan_weights(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_post(request, pk)
    submit(
        request,
        WeightsForm(request.POST),
        lambda d: services.plan_set_weights(
            actor=signed_in_user(request),
            plan=plan,
            weights={k: d[k] for k in ("impact", "urgency", "feasibility", "cost")},
            reason=d["reason"],
        ),
        invalid=_("Each weight is a number from 0 to 100."),
        success=_("The weights were changed."),
    )
    return redirect("planning:plan_priorities", pk=plan.pk)
