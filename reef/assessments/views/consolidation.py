"""Consolidation: the disputed indicators and the team lead's decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from reef.assessments import forms, rules, selectors, services
from reef.assessments.models import Status
from reef.assessments.views.common import _actor, _post_only
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.frameworks import selectors as framework_selectors
from reef.frameworks.models import Indicator


@access(Rule.SERVICE)
def consolidation(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    if not allowed(rules.may_decide, request.user, a):
        raise DjangoPermissionDenied
    result = selectors.assessment_result(a) if a.results_open else None
    decisions = {d.indicator_id: d for d in selectors.decisions_of(request.user, a)}
    keys = set(result.disputed) if result else set()
    indicators = (
        Indicator.objects.filter(framework=a.framework)
        .filter(key__in=keys | {d.indicator.key for d in decisions.values()})
        .order_by("position")
    )
    ratings: dict[int, list[Any]] = {}
    for r in selectors.ratings_visible(request.user, a).filter(indicator__in=indicators):
        ratings.setdefault(r.indicator_id, []).append(r)
    assessors = sorted(
        {(r.assessor_key, r.assessor_name) for rs in ratings.values() for r in rs},
        key=lambda x: x[1],
    )
    assessors = [(name, name) for _key, name in assessors]
    items = []
    texts = framework_selectors.indicator_texts(framework_selectors.shown(a.framework))
    for ind in indicators:
        d = decisions.get(ind.pk)
        initial = {"value": d.value, "note": d.note, "dissent": d.dissent} if d else {}
        items.append(
            {
                "indicator": ind,
                "text": texts.get(ind.key) or ind.text,
                "ratings": ratings.get(ind.pk, []),
                "decision": d,
                "disputed": ind.key in keys,
                "form": forms.DecisionForm(
                    initial=initial, assessors=assessors, prefix=f"d{ind.pk}"
                ),
            }
        )
    return render(
        request,
        "assessments/consolidation.html",
        {
            "assessment": a,
            "items": items,
            "disputed_count": len(keys),
            "can_decide": a.status == Status.CONSOLIDATION,
        },
    )


@access(Rule.SERVICE)
def decision_save(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    try:
        ind = Indicator.objects.get(pk=indicator_id, framework=a.framework)
    except Indicator.DoesNotExist:
        raise Http404 from None
    names = sorted(
        {r.assessor_name for r in selectors.ratings_visible(request.user, a).filter(indicator=ind)}
    )
    form = forms.DecisionForm(request.POST, assessors=[(n, n) for n in names], prefix=f"d{ind.pk}")
    if not form.is_valid():
        messages.error(request, _("A decision needs a value and a note."))
    else:
        call_service(
            request,
            lambda: services.decision_record(
                actor=_actor(request),
                assessment=a,
                indicator=ind,
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                dissent=form.cleaned_data["dissent"],
            ),
            _("Decision recorded."),
        )
    return redirect(reverse("assessments:consolidation", args=[a.pk]) + f"#d{ind.pk}")
