"""Plan pages: the list, a plan, a new plan, its timeline, export and import."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from reef.core.access import scope_for
from reef.core.errors import ServiceError
from reef.core.http import signed_in_user
from reef.core.roles import Action as Act
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.directory.models import Country
from reef.planning import charts, exchange, rules, selectors, services
from reef.planning.forms import ImportForm, PlanForm
from reef.planning.models import Plan
from reef.planning.reference import rate_table


@access(Rule.LABELLED)
def index(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plans_for(request.user).order_by("kind", "country__name", "-cycle"))
    return render(
        request,
        "planning/index.html",
        {
            "national": [p for p in plans if p.kind == Plan.Kind.NATIONAL],
            "regional": [p for p in plans if p.kind == Plan.Kind.REGIONAL],
        },
    )


@access(Rule.LABELLED)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    if plan.is_regional:
        return redirect("planning:regional", pk=plan.pk)
    view = selectors.plan_overview(request.user, plan)
    # Charts of what the page already loaded: the reader's needs and commitments only.
    rates = rate_table(plan.currency, plan.rates or None)
    known = {need.pk for need in view.needs}
    commitments = [c for c in view.commitments if c.need_id in known]
    return render(
        request,
        "planning/plan_detail.html",
        {
            "plan": plan,
            "view": view,
            "by_need_chart": charts.funding_by_need(rates, view.needs, commitments),
            "by_donor_chart": charts.funding_by_donor(rates, commitments),
            "region": view.rolled.region,
            "by_area": [
                {"area": area, "roll": view.rolled.by_area[area.key]}
                for area in selectors.areas(plan.taxonomy)
                if area.key in view.rolled.by_area
            ],
            "may_add_need": allowed(rules.may_create_need, request.user, plan),
            "risks": [
                (r, allowed(rules.may_edit_risk, request.user, r))
                for r in selectors.plan_risks(request.user, plan)[:5]
            ],
        },
    )


@access(Rule.SIGNED_IN)
@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    """A national plan for a country the user manages (its focal point)."""
    user = signed_in_user(request)
    managed = scope_for(user).country_ids(Act.MANAGE)
    countries = [(c.code, c.name) for c in Country.objects.filter(pk__in=managed)]
    form = PlanForm(request.POST or None, countries=countries)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        plan = call_service(
            request,
            lambda: services.plan_create(
                actor=user,
                country=Country.objects.get(code=d["country"]),
                title=d["title"],
                cycle=d["cycle"],
                tlp=d["tlp"],
                currency=d["currency"],
                start=d["start"],
                end=d["end"],
            ),
            _("The plan was created."),
            form=form,
        ).result
        if plan is not None:
            return redirect("planning:plan_detail", pk=plan.pk)
    return render(request, "planning/plan_form.html", {"form": form, "countries": countries})


def _timeline(actions: list[Any]) -> dict[str, Any]:
    """Bars of a timeline as SVG coordinates (viewBox 1000 wide), no script."""
    if not actions:
        return {"rows": [], "ticks": [], "height": 40}
    first = min(a.start for a in actions)
    last = max(a.end for a in actions)
    span = max(1, (last - first).days + 1)
    left, width, row_h = 300, 690, 26

    def x(d: date) -> float:
        return float(round(left + width * (d - first).days / span, 1))

    rows = []
    for index, a in enumerate(actions):
        y = 30 + index * row_h
        bar_w = max(2.0, round(x(a.end) - x(a.start) + width / span, 1))
        rows.append(
            {
                "action": a,
                "y": y,
                "text_y": y + 14,
                "x": x(a.start),
                "w": bar_w,
                "done_w": round(bar_w * a.progress / 100, 1),
                "milestones": [
                    {"x": x(m.due), "done": m.done_on is not None, "title": m.title}
                    for m in a.milestones.all()
                    if first <= m.due <= last
                ],
            }
        )
    ticks = []
    year = first.year
    while date(year, 1, 1) <= last:
        d = max(first, date(year, 1, 1))
        ticks.append({"x": x(d), "label": str(year)})
        year += 1
    return {
        "rows": rows,
        "ticks": ticks,
        "height": 40 + len(actions) * row_h,
        "today": x(date.today()) if first <= date.today() <= last else None,
    }


@access(Rule.LABELLED)
def plan_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    actions = list(selectors.plan_actions(request.user, plan))
    return render(
        request,
        "planning/timeline.html",
        {
            "plan": plan,
            "timeline": _timeline(actions),
            "actions": actions,
        },
    )


@access(Rule.LABELLED)
def plan_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    stem = slugify(f"plan-{plan.country.code if plan.country else plan.pk}-{plan.cycle}")
    if fmt == "json":
        body = json.dumps(exchange.plan_to_dict(request.user, plan), indent=2, ensure_ascii=False)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    elif fmt == "csv":
        response = HttpResponse(
            exchange.plan_to_csv(request.user, plan), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xml":
        try:
            xml = exchange.plan_to_iati(request.user, plan)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("planning:plan_detail", pk=plan.pk)
        response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
        stem += "-iati"
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@access(Rule.SIGNED_IN)
@login_required
def plan_import(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        raw = upload.read(5 * 1024 * 1024 + 1)
        plan = None
        if len(raw) > 5 * 1024 * 1024:
            form.add_error("file", _("The file is too large (5 MB at most)."))
        else:
            try:
                data = exchange.plan_data_from_file(raw, upload.name)
                exchange.read_plan(data, upload.name)
            except exchange.PlanFileError as exc:
                for problem in exc.problems:  # one error a line: a file can have many
                    form.add_error("file", str(problem))
                data = None
            if data is not None:
                plan = call_service(
                    request,
                    lambda: exchange.plan_import(
                        actor=user,
                        data=data,
                        cycle=form.cleaned_data["cycle"] or None,
                        filename=upload.name,
                    ),
                    _("The plan was imported."),
                    form=form,
                ).result
        if plan is not None:
            return redirect("planning:plan_detail", pk=plan.pk)
    return render(request, "planning/import.html", {"form": form})
