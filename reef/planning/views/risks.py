"""A plan's risk register: the matrix, new risks and their edits."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reef.core.http import signed_in_user
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.planning import rules, selectors, services
from reef.planning.forms import RiskEditForm, RiskForm
from reef.planning.views.common import (
    _conflict_page,
    _may_or_refuse,
    _plan_post,
    submit,
    versioned_edit,
)


@access(Rule.LABELLED)
def plan_risks(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    return render(
        request,
        "planning/risks.html",
        {
            "plan": plan,
            "risks": [
                (r, allowed(rules.may_edit_risk, request.user, r))
                for r in selectors.plan_risks(request.user, plan)
            ],
            "may_add_risk": allowed(rules.may_create_risk, request.user, plan),
            "form": RiskForm(),
            "matrix": _risk_matrix(list(selectors.plan_risks(request.user, plan))),
        },
    )


def _risk_matrix(risks: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for likelihood in range(5, 0, -1):
        cells = []
        for impact in range(1, 6):
            score = likelihood * impact
            level = "high" if score >= 15 else "medium" if score >= 8 else "low"
            cells.append(
                {
                    "count": sum(
                        1 for r in risks if r.likelihood == likelihood and r.impact == impact
                    ),
                    "level": level,
                }
            )
        rows.append({"likelihood": likelihood, "cells": cells})
    return rows


@access(Rule.SERVICE)
@login_required
@require_POST
def risk_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_post(request, pk)
    submit(
        request,
        RiskForm(request.POST),
        lambda d: services.risk_create(
            actor=signed_in_user(request),
            plan=plan,
            category=d["category"],
            description=d["description"],
            likelihood=d["likelihood"],
            impact=d["impact"],
            risk_owner=d["risk_owner"],
            mitigation=d["mitigation"],
            review_on=d["review_on"],
        ),
        invalid=_("The risk was not added: check the fields."),
        success=_("The risk was added to the register."),
    )
    return redirect("planning:plan_risks", pk=plan.pk)


_RISK_FIELDS = ["likelihood", "impact", "risk_owner", "mitigation", "review_on"]


@access(Rule.SERVICE)
@login_required
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-rate a risk and change its owner, mitigation and review date."""
    user = signed_in_user(request)
    risk = selectors.risk_get(user, pk)
    _may_or_refuse(rules.may_edit_risk, user, risk, risk.plan)
    initial = {name: getattr(risk, name) for name in _RISK_FIELDS}
    initial["version"] = risk.version
    context: dict[str, Any] = {"risk": risk, "plan": risk.plan}
    return versioned_edit(
        request,
        RiskEditForm(request.POST or None, initial=initial),
        save=lambda d: services.risk_update(
            actor=user,
            risk=risk,
            likelihood=d["likelihood"],
            impact=d["impact"],
            risk_owner=d["risk_owner"],
            mitigation=d["mitigation"],
            review_on=d["review_on"],
            expected_version=d["version"],
        ),
        success=_("The risk was saved."),
        done=lambda: redirect("planning:plan_risks", pk=risk.plan_id),
        conflict=lambda d: _conflict_page(
            request,
            record=risk,
            form_class=RiskEditForm,
            fields=_RISK_FIELDS,
            yours={k: d.get(k) for k in _RISK_FIELDS},
            template="planning/risk_edit.html",
            context=context,
        ),
        template="planning/risk_edit.html",
        context=context,
    )
