"""Results, targets, the comparison of two cycles, trends, and a gap turned into a need."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reef.assessments import charts, report, scoring, selectors, services
from reef.assessments.models import Status
from reef.assessments.views.common import _actor, _can, _post_only
from reef.core.routes import Rule, access
from reef.core.servicecall import call_service
from reef.frameworks import selectors as framework_selectors


@access(Rule.LABELLED)
def results(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    can = _can(request.user, a)
    context: dict[str, Any] = {"assessment": a, "can": can}
    if a.results_open:
        context.update(report.report_context(request.user, a))
        context["can_set_targets"] = a.status == Status.TARGETS and can["set_targets"]
        context["targets"] = selectors.targets_of(a)
        context["parsed"] = framework_selectors.shown(a.framework)
    return render(request, "assessments/results.html", context)


@access(Rule.SERVICE)
def targets_save(request: HttpRequest, pk: int) -> HttpResponse:
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    targets: dict[str, float] = {}
    for name in request.POST:
        raw = request.POST.get(name, "")
        if name.startswith("target-") and raw.strip():
            try:
                targets[name.removeprefix("target-")] = float(raw)
            except ValueError:
                messages.error(request, _("Targets must be numbers."))
                return redirect(reverse("assessments:results", args=[a.pk]))
    call_service(
        request,
        lambda: services.target_set(actor=_actor(request), assessment=a, targets=targets),
        _("Targets saved."),
    )
    return redirect(reverse("assessments:results", args=[a.pk]))


@access(Rule.LABELLED)
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    cycles = [c for c in selectors.cycles_of(request.user, a) if c.results_open]
    other_pk = request.GET.get("with", "")
    before = None
    if other_pk:
        before = next((c for c in cycles if str(c.pk) == other_pk), None)
    elif a.previous_id:
        before = next((c for c in cycles if c.pk == a.previous_id), None)
    comparison = None
    if before is not None and a.results_open and before.pk != a.pk:
        comparison = scoring.compare(
            selectors.assessment_result(before), selectors.assessment_result(a)
        )
    names: dict[str, str] = {}
    fw = framework_selectors.shown(a.framework)
    if fw.kind == "staged":
        names = {x.key: x.name for x in fw.aspects}
    else:
        names = {p.key: p.name for p in fw.pillars}
    radars = []
    if comparison is not None and before is not None and fw.kind == "staged":
        old = {f.key: f.stage_mean for f in selectors.assessment_result(before).factors}
        new = {f.key: f.stage_mean for f in selectors.assessment_result(a).factors}
        for d in fw.dimensions:
            axes = [charts.Axis(f"{f.key} {f.name}", new.get(f.key, 0.0)) for f in d.factors]
            earlier = [old.get(f.key, 0.0) for f in d.factors]
            # charts.radar escapes every label it draws.
            svg = charts.radar(f"{d.key} {d.name}", axes, earlier=earlier)
            radars.append(mark_safe(svg))  # noqa: S308  # nosec B308 B703
    return render(
        request,
        "assessments/compare.html",
        {
            "assessment": a,
            "before": before,
            "comparison": comparison,
            "counts": comparison.counts() if comparison else {},
            "changes": [
                {
                    "key": c.key,
                    "name": names.get(c.key, ""),
                    "before": c.before,
                    "after": c.after,
                    "movement": c.movement,
                }
                for c in (comparison.changes if comparison else ())
            ],
            "cycles": [c for c in cycles if c.pk != a.pk],
            "radars": radars,
        },
    )


@access(Rule.LABELLED)
def trends(request: HttpRequest, pk: int) -> HttpResponse:
    """A country's stages (or scores) over every cycle it has, as a chart and a table."""
    a = selectors.assessment_get(request.user, pk)
    trend = selectors.trends(request.user, a, language=get_language())
    return render(
        request,
        "assessments/trends.html",
        {"assessment": a, "trend": trend, "chart": report.trend_chart(trend)},
    )


@access(Rule.SERVICE)
def gap_to_need(request: HttpRequest, pk: int, aspect: str) -> HttpResponse:
    """The country's manager turns a gap into a need of the national plan."""
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    outcome = call_service(
        request,
        lambda: services.gap_propose_need(actor=_actor(request), assessment=a, aspect=aspect),
        _("The gap is now a need of the national plan."),
    )
    if outcome.result is None:
        return redirect(reverse("assessments:results", args=[a.pk]))
    return redirect(reverse("planning:need_detail", args=[outcome.result.pk]))
