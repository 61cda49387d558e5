"""The regional picture: a regional plan, recurring themes and twinning."""

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
from reef.planning import charts, rules, selectors, services
from reef.planning.forms import TwinningLinkForm
from reef.planning.views.common import submit


@access(Rule.LABELLED)
def regional(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    if not plan.is_regional:
        return redirect("planning:plan_detail", pk=plan.pk)
    view = selectors.regional_overview(request.user, plan)
    top = max((p.committed for p in view.progress), default=0) or 1
    chart = [
        {
            "point": p,
            "x": 40 + i * 40,
            "h": round(float(p.committed) / float(top) * 150, 1),
            "y": round(170 - float(p.committed) / float(top) * 150, 1),
            "coverage": round(float(p.coverage) * 100),
        }
        for i, p in enumerate(view.progress)
    ]
    return render(
        request,
        "planning/regional.html",
        {
            "plan": plan,
            "view": view,
            "region": view.rolled.region,
            "chart": chart,
            "chart_width": 80 + 40 * len(chart),
        },
    )


@access(Rule.LABELLED)
def themes(request: HttpRequest) -> HttpResponse:
    """Countries x areas (and x framework factors); `?grouping=caricom` limits to a region."""
    grouping = selectors.grouping_or_none(request.GET.get("grouping", ""))
    country_ids = selectors.grouping_country_ids(grouping) if grouping else None
    return render(
        request,
        "planning/themes.html",
        {
            "themes": selectors.themes(request.user, country_ids),
            "grouping": grouping,
            "groupings": selectors.groupings(),
        },
    )


@access(Rule.LABELLED)
def twinning(request: HttpRequest) -> HttpResponse:
    opportunities = selectors.twinning_opportunities(request.user, limit=50)
    for o in opportunities:
        o.may_link = allowed(
            rules.may_link,
            request.user,
            rules.EffortPair(o.a.organisation_id, o.b.organisation_id, o.a.country_id),
        )
    efforts: dict[str, Any] = {}
    for o in opportunities:  # each pair side by side, so overlaps show on the timeline
        efforts.setdefault(o.a.ref, o.a)
        efforts.setdefault(o.b.ref, o.b)
    return render(
        request,
        "planning/twinning.html",
        {
            "opportunities": opportunities,
            "timeline": charts.effort_timeline(list(efforts.values())),
            "links": selectors.twinning_links_for(request.user)[:100],
        },
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def twinning_link(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    submit(
        request,
        TwinningLinkForm(request.POST),
        lambda d: services.twinning_link(
            actor=user, a_ref=d["a_ref"], b_ref=d["b_ref"], note=d["note"]
        ),
        invalid=_("Choose two efforts to link."),
        success=_("The two efforts are linked as twins."),
    )
    return redirect("planning:twinning")
