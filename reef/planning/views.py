"""Planning pages. Thin: reads through selectors, writes through services."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from reef.accounts.roles import Action as Act
from reef.core.access import can, scope_for
from reef.core.concurrency import render_conflict
from reef.core.errors import ServiceError
from reef.core.http import signed_in_user
from reef.core.routes import Rule, access
from reef.core.rules import Rule as RulePredicate
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.directory.models import Country, Organisation
from reef.planning import charts, exchange, rules, selectors, services
from reef.planning.forms import (
    ActionForm,
    ImportForm,
    MilestoneForm,
    MoveForm,
    NeedEditForm,
    NeedForm,
    OfferForm,
    PlanForm,
    ProgressForm,
    PublishForm,
    RatingForm,
    ReasonForm,
    RiskEditForm,
    RiskForm,
    SustainabilityForm,
    TransitionForm,
    TwinningLinkForm,
    WeightsForm,
)
from reef.planning.models import Action, Plan
from reef.planning.reference import rate_table


def _pledge_organisations(user: Any) -> list[tuple[str, str]]:
    ids = scope_for(user).organisation_ids(Act.EDIT)
    return [(o.slug, o.name) for o in Organisation.objects.filter(pk__in=ids).order_by("name")]


def _organisation_choices() -> list[tuple[str, str]]:
    return [
        (o.slug, str(o))
        for o in Organisation.objects.order_by("name").only("slug", "name", "acronym")
    ]


# --- index, plans --------------------------------------------------------------------


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


def _plan_post(request: HttpRequest, pk: int) -> Plan:
    signed_in_user(request)
    return selectors.plan_get(request.user, pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def plan_prioritise(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_post(request, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    call_service(
        request,
        lambda: services.plan_prioritise(actor=signed_in_user(request), plan=plan, reason=reason),
        _("The needs were ordered by their weighted score."),
    )
    return redirect("planning:plan_priorities", pk=plan.pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def plan_move(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_post(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new position and say why."))
        return redirect("planning:plan_priorities", pk=plan.pk)
    need = selectors.need_get(request.user, form.cleaned_data["need"])
    if need.plan_id != plan.pk:
        raise Http404
    call_service(
        request,
        lambda: services.need_move(
            actor=signed_in_user(request),
            need=need,
            to_position=form.cleaned_data["position"],
            reason=form.cleaned_data["reason"],
        ),
        _("The order was changed and the change recorded."),
    )
    return redirect("planning:plan_priorities", pk=plan.pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def plan_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_post(request, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
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
    form = WeightsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Each weight is a number from 0 to 100."))
        return redirect("planning:plan_priorities", pk=plan.pk)
    data = form.cleaned_data
    weights = {k: data[k] for k in ("impact", "urgency", "feasibility", "cost")}
    call_service(
        request,
        lambda: services.plan_set_weights(
            actor=signed_in_user(request), plan=plan, weights=weights, reason=data["reason"]
        ),
        _("The weights were changed."),
    )
    return redirect("planning:plan_priorities", pk=plan.pk)


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
    form = RiskForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        call_service(
            request,
            lambda: services.risk_create(
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
            _("The risk was added to the register."),
        )
    else:
        messages.error(request, _("The risk was not added: check the fields."))
    return redirect("planning:plan_risks", pk=plan.pk)


@access(Rule.SERVICE)
@login_required
def need_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a need by hand (for example from a gap of the assessment report)."""
    user = signed_in_user(request)
    plan = selectors.plan_get(user, pk)
    if not allowed(rules.may_create_need, user, plan):
        raise DjangoPermissionDenied
    form = NeedForm(
        request.POST or None, areas=selectors.areas(plan.taxonomy), initial={"tlp": plan.tlp}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        need = call_service(
            request,
            lambda: services.need_create(
                actor=user,
                plan=plan,
                area=d["area"],
                title=d["title"],
                description=d["description"],
                cost_amount=d["cost_amount"],
                cost_currency=d["cost_currency"],
                impact=d["impact"],
                urgency=d["urgency"],
                feasibility=d["feasibility"],
                cost_rating=d["cost_rating"],
                tlp=d["tlp"] or None,
                framework=d["framework"],
                factor_key=d["factor_key"],
                aspect_key=d["aspect_key"],
                source="gap" if d["factor_key"] else "manual",
            ),
            _("The need was added to the plan."),
            form=form,
        ).result
        if need is not None:
            return redirect("planning:need_detail", pk=need.pk)
    return render(request, "planning/need_form.html", {"plan": plan, "form": form})


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


# --- needs ---------------------------------------------------------------------------


@access(Rule.LABELLED)
def need_list(request: HttpRequest) -> HttpResponse:
    error = None
    try:
        found = selectors.need_filter(request.GET)
    except ServiceError as exc:
        # A bad filter is named on the page; the list is shown unfiltered.
        error, found = exc.message, selectors.NeedFilter()
    countries = selectors.need_countries(request.user)
    return render(
        request,
        "planning/need_list.html",
        {
            "needs": selectors.needs_found(request.user, found),
            "found": found,
            "error": error,
            "countries": countries,
            "areas": selectors.areas(),
            "funding_choices": list(selectors.FUNDING_LABELS.items()),
            "priority_choices": selectors.PRIORITY_CHOICES,
            "funding_labels": selectors.FUNDING_LABELS,
            "has_organisations": bool(scope_for(request.user).organisation_ids()),
        },
    )


@access(Rule.SIGNED_IN)
@login_required
def my_commitments(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "planning/my_commitments.html",
        {
            "commitments": list(selectors.my_commitments(user)[:500]),
            "has_organisations": bool(scope_for(user).organisation_ids()),
        },
    )


@access(Rule.LABELLED)
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_get(request.user, pk)
    user = request.user
    pledge_orgs = _pledge_organisations(user) if user.is_authenticated else []
    may_rate = allowed(rules.may_edit_need, user, need)
    may_add_action = allowed(rules.may_create_action, user, need)
    may_publish = not need.is_published and allowed(rules.may_publish_need, user, need)
    return render(
        request,
        "planning/need_detail.html",
        {
            "need": need,
            "may_edit": may_rate,
            "publish_form": PublishForm(initial={"version": need.version}) if may_publish else None,
            "actions": selectors.plan_actions(user, need.plan).filter(need=need),
            "commitments": selectors.commitments_for(user).filter(need=need),
            "offer_form": OfferForm(organisations=pledge_orgs) if pledge_orgs else None,
            "action_form": ActionForm(organisations=_organisation_choices())
            if may_add_action
            else None,
            "rating_form": RatingForm(
                initial={
                    "impact": need.impact,
                    "urgency": need.urgency,
                    "feasibility": need.feasibility,
                    "cost_rating": need.cost_rating,
                }
            )
            if may_rate
            else None,
        },
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def need_rate(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    need = selectors.need_get(user, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Each rating is a whole number from 1 to 5."))
    else:
        call_service(
            request,
            lambda: services.need_rate(actor=user, need=need, **form.cleaned_data),
            _("The ratings were saved; reorder by score to apply them."),
        )
    return redirect("planning:need_detail", pk=need.pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def need_offer(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    need = selectors.need_get(user, pk)
    form = OfferForm(request.POST, organisations=_pledge_organisations(user))
    if not form.is_valid():
        if "organisation" in form.errors:
            raise DjangoPermissionDenied
        messages.error(request, _("The offer was not made: check the fields."))
        return redirect("planning:need_detail", pk=need.pk)
    d = form.cleaned_data
    organisation = Organisation.objects.get(slug=d["organisation"])
    commitment = call_service(
        request,
        lambda: services.commitment_offer(
            actor=user,
            need=need,
            organisation=organisation,
            kind=d["kind"],
            amount=d["amount"],
            currency=d["currency"],
            description=d["description"],
            start=d["start"],
            end=d["end"],
        ),
        _("Your offer was sent to the beneficiary state."),
    ).result
    if commitment is None:
        return redirect("planning:need_detail", pk=need.pk)
    return redirect("planning:commitment_detail", pk=commitment.pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    need = selectors.need_get(user, pk)
    form = ActionForm(request.POST, organisations=_organisation_choices())
    if not allowed(rules.may_create_action, user, need):
        raise DjangoPermissionDenied
    if not form.is_valid():
        messages.error(request, _("The action was not added: check the fields."))
        return redirect("planning:need_detail", pk=need.pk)
    d = form.cleaned_data
    lead = Organisation.objects.filter(slug=d["lead_organisation"]).first()
    action = call_service(
        request,
        lambda: services.action_create(
            actor=user,
            need=need,
            title=d["title"],
            description=d["description"],
            lead_organisation=lead,
            start=d["start"],
            end=d["end"],
            budget_amount=d["budget_amount"],
            budget_currency=d["budget_currency"],
            delivery=d["delivery"],
            is_training=d["is_training"],
            train_the_trainer=d["train_the_trainer"],
            curriculum_integration=d["curriculum_integration"],
            local_ownership=d["local_ownership"],
            post_donor_funding=d["post_donor_funding"],
        ),
    ).result
    if action is not None:
        if action.drive_by_training:
            messages.warning(
                request,
                _(
                    "This action is flagged as drive-by training: a one-off "
                    "training with no local follow-up."
                ),
            )
        messages.success(request, _("The action was added."))
        return redirect("planning:action_detail", pk=action.pk)
    return redirect("planning:need_detail", pk=need.pk)


_SUSTAINABILITY_LEVELS = {
    "low": pgettext_lazy("sustainability", "low"),
    "medium": pgettext_lazy("sustainability", "medium"),
    "high": pgettext_lazy("sustainability", "high"),
}


@access(Rule.LABELLED)
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get(request.user, pk)
    user = request.user
    assessment = services.action_assessment(action)
    may_report = allowed(rules.may_report_action, user, action)
    may_add_milestone = allowed(rules.may_create_milestone, user, action)
    return render(
        request,
        "planning/action_detail.html",
        {
            "action": action,
            "assessment": assessment,
            "sustainability_level": _SUSTAINABILITY_LEVELS.get(assessment.level, assessment.level),
            "sustainability_reasons": [
                _(template) % {"points": points} for template, points in assessment.explained
            ],
            "may_edit_sustainability": allowed(rules.may_set_sustainability, user, action),
            "milestones": action.milestones.all(),
            "commitments": selectors.commitments_for(user).filter(action=action),
            "milestone_form": MilestoneForm() if may_add_milestone else None,
            "progress_form": ProgressForm(
                initial={"status": action.status, "progress": action.progress}
            )
            if may_report
            else None,
        },
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    action = selectors.action_get(user, pk)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a status and a progress from 0 to 100."))
    else:
        call_service(
            request,
            lambda: services.action_report_progress(
                actor=user,
                action=action,
                status=form.cleaned_data["status"],
                progress=form.cleaned_data["progress"],
            ),
            _("Progress recorded."),
        )
    return redirect("planning:action_detail", pk=action.pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    action = selectors.action_get(user, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the milestone a title and a due date."))
    else:
        call_service(
            request,
            lambda: services.milestone_create(
                actor=user,
                action=action,
                title=form.cleaned_data["title"],
                due=form.cleaned_data["due"],
            ),
            _("Milestone added."),
        )
    return redirect("planning:action_detail", pk=action.pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    milestone = selectors.milestone_get(user, pk)
    call_service(
        request,
        lambda: services.milestone_complete(
            actor=user, milestone=milestone, done_on=timezone.localdate()
        ),
        _("Milestone done."),
    )
    return redirect("planning:action_detail", pk=milestone.action_id)


# --- commitments ---------------------------------------------------------------------


@access(Rule.LABELLED)
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_get(request.user, pk)
    steps = (
        services.commitment_next_steps(request.user, commitment)
        if request.user.is_authenticated
        else []
    )
    labels = dict(commitment.Status.choices)
    return render(
        request,
        "planning/commitment_detail.html",
        {
            "commitment": commitment,
            "events": selectors.commitment_events(request.user, commitment),
            "steps": [(s, labels[s]) for s in steps],
        },
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def commitment_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    commitment = selectors.commitment_get(user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
    elif call_service(
        request,
        lambda: services.commitment_transition(
            actor=user,
            commitment=commitment,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
        ),
    ):
        messages.success(
            request,
            _("The commitment is now: %(status)s.") % {"status": commitment.get_status_display()},
        )
    return redirect("planning:commitment_detail", pk=commitment.pk)


# --- regional, themes, twinning ------------------------------------------------------


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
    form = TwinningLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose two efforts to link."))
    else:
        call_service(
            request,
            lambda: services.twinning_link(
                actor=user,
                a_ref=form.cleaned_data["a_ref"],
                b_ref=form.cleaned_data["b_ref"],
                note=form.cleaned_data["note"],
            ),
            _("The two efforts are linked as twins."),
        )
    return redirect("planning:twinning")


# --- edits: need, action's sustainability profile, risk -------------------------------
# Each form carries the version it was read at; a stale one gets the conflict page (409)
# with both versions and changes nothing.


def _may_or_refuse(rule: RulePredicate, user: Any, obj: Any, plan: Plan) -> None:
    """403 for those who see the plan but may not do this; 404 for those who do not."""
    if allowed(rule, user, obj):
        return
    if not can(user, plan, Act.VIEW):
        raise Http404
    raise DjangoPermissionDenied


def _conflict_page(
    request: HttpRequest,
    *,
    record: Any,
    form_class: Any,
    fields: list[str],
    yours: dict[str, Any],
    template: str,
    context: dict[str, Any],
    **form_kwargs: Any,
) -> HttpResponse:
    """The form again over the user's values, now based on the current version."""
    fresh = type(record)._base_manager.get(pk=record.pk)
    data = request.POST.copy()
    data["version"] = str(fresh.version)
    return render_conflict(
        request,
        current=fresh,
        yours=yours,
        fields=fields,
        template=template,
        context={**context, "form": form_class(data, **form_kwargs), "conflict": True},
    )


_NEED_FIELDS = [
    "title",
    "description",
    "area",
    "cost_amount",
    "cost_currency",
    "impact",
    "urgency",
    "feasibility",
    "cost_rating",
]


def _currencies(plan: Plan) -> list[str]:
    from reef.planning.reference import CURRENCIES

    return sorted(set(CURRENCIES) | set(plan.rates or {}))


@access(Rule.SERVICE)
@login_required
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a need's title, description, area, cost and priority ratings."""
    user = signed_in_user(request)
    need = selectors.need_get(user, pk)
    _may_or_refuse(rules.may_edit_need, user, need, need.plan)
    areas = selectors.areas(need.plan.taxonomy)
    kwargs: dict[str, Any] = {"areas": areas, "currencies": _currencies(need.plan)}
    initial = {name: getattr(need, name) for name in _NEED_FIELDS if name != "area"}
    initial.update(area=need.area.key, version=need.version)
    form = NeedEditForm(request.POST or None, initial=initial, **kwargs)
    context: dict[str, Any] = {"need": need}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            outcome = call_service(
                request,
                lambda: services.need_update(
                    actor=user,
                    need=need,
                    title=d["title"],
                    description=d["description"],
                    area=d["area"],
                    cost_amount=d["cost_amount"],
                    cost_currency=d["cost_currency"],
                    impact=d["impact"],
                    urgency=d["urgency"],
                    feasibility=d["feasibility"],
                    cost_rating=d["cost_rating"],
                    expected_version=d["version"],
                ),
                _("The need was saved."),
                form=form,
            )
            if outcome:
                return redirect("planning:need_detail", pk=need.pk)
            if outcome.code == "conflict":
                labels = {a.key: a for a in areas}
                yours = {k: d.get(k) for k in _NEED_FIELDS}
                yours["area"] = labels.get(d["area"], d["area"])
                return _conflict_page(
                    request,
                    record=need,
                    form_class=NeedEditForm,
                    fields=_NEED_FIELDS,
                    yours=yours,
                    template="planning/need_edit.html",
                    context=context,
                    **kwargs,
                )
    return render(request, "planning/need_edit.html", {**context, "form": form}, status=status)


@access(Rule.SERVICE)
@login_required
@require_POST
def need_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a draft need before donors; refused while it has no cost."""
    user = signed_in_user(request)
    need = selectors.need_get(user, pk)
    _may_or_refuse(rules.may_publish_need, user, need, need.plan)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was out of date: try again."))
    else:
        outcome = call_service(
            request,
            lambda: services.need_publish(
                actor=user, need=need, expected_version=form.cleaned_data["version"]
            ),
            _("The need is published: donors interested in its area are told."),
        )
        if not outcome and outcome.code == "conflict":
            messages.error(request, _("Someone changed the need meanwhile: check it and retry."))
    return redirect("planning:need_detail", pk=need.pk)


_PROFILE_FIELDS = [
    "delivery",
    "is_training",
    "train_the_trainer",
    "curriculum_integration",
    "local_ownership",
    "post_donor_funding",
]


def _sustainability_context(action: Action) -> dict[str, Any]:
    assessment = services.action_assessment(action)
    return {
        "action": action,
        "assessment": assessment,
        "sustainability_level": _SUSTAINABILITY_LEVELS.get(assessment.level, assessment.level),
        "sustainability_reasons": [
            _(template) % {"points": points} for template, points in assessment.explained
        ],
    }


@access(Rule.SERVICE)
@login_required
def action_sustainability(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an action's sustainability profile; the score is recomputed and shown."""
    user = signed_in_user(request)
    action = selectors.action_get(user, pk)
    _may_or_refuse(rules.may_set_sustainability, user, action, action.plan)
    initial = {name: getattr(action, name) for name in _PROFILE_FIELDS}
    initial["version"] = action.version
    form = SustainabilityForm(request.POST or None, initial=initial)
    context = _sustainability_context(action)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            outcome = call_service(
                request,
                lambda: services.action_set_sustainability(
                    actor=user,
                    action=action,
                    expected_version=d["version"],
                    **{name: d[name] for name in _PROFILE_FIELDS},
                ),
                form=form,
            )
            if outcome:
                messages.success(
                    request,
                    _("The sustainability profile was saved: score %(score)s/100.")
                    % {"score": action.sustainability_score},
                )
                if action.drive_by_training:
                    messages.warning(
                        request,
                        _(
                            "This action is flagged as drive-by training: a one-off "
                            "training with no local follow-up."
                        ),
                    )
                return redirect("planning:action_detail", pk=action.pk)
            if outcome.code == "conflict":
                return _conflict_page(
                    request,
                    record=action,
                    form_class=SustainabilityForm,
                    fields=_PROFILE_FIELDS,
                    yours={k: d.get(k) for k in _PROFILE_FIELDS},
                    template="planning/action_sustainability.html",
                    context=_sustainability_context(Action._base_manager.get(pk=action.pk)),
                )
    return render(
        request, "planning/action_sustainability.html", {**context, "form": form}, status=status
    )


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
    form = RiskEditForm(request.POST or None, initial=initial)
    context: dict[str, Any] = {"risk": risk, "plan": risk.plan}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            outcome = call_service(
                request,
                lambda: services.risk_update(
                    actor=user,
                    risk=risk,
                    likelihood=d["likelihood"],
                    impact=d["impact"],
                    risk_owner=d["risk_owner"],
                    mitigation=d["mitigation"],
                    review_on=d["review_on"],
                    expected_version=d["version"],
                ),
                _("The risk was saved."),
                form=form,
            )
            if outcome:
                return redirect("planning:plan_risks", pk=risk.plan_id)
            if outcome.code == "conflict":
                return _conflict_page(
                    request,
                    record=risk,
                    form_class=RiskEditForm,
                    fields=_RISK_FIELDS,
                    yours={k: d.get(k) for k in _RISK_FIELDS},
                    template="planning/risk_edit.html",
                    context=context,
                )
    return render(request, "planning/risk_edit.html", {**context, "form": form}, status=status)
