"""Needs: finding them, a need's page, entering, rating, editing, publishing, offering."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reef.core.access import scope_for
from reef.core.errors import ServiceError
from reef.core.http import signed_in_user
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.directory.models import Organisation
from reef.planning import rules, selectors, services
from reef.planning.forms import (
    ActionForm,
    NeedEditForm,
    NeedForm,
    OfferForm,
    PublishForm,
    RatingForm,
)
from reef.planning.models import Commitment, Need
from reef.planning.views.common import (
    _conflict_page,
    _currencies,
    _may_or_refuse,
    _organisation_choices,
    _pledge_organisations,
    submit,
    versioned_edit,
)


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


@access(Rule.SERVICE)
@login_required
@require_POST
def need_rate(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    need = selectors.need_get(user, pk)
    submit(
        request,
        RatingForm(request.POST),
        lambda d: services.need_rate(actor=user, need=need, **d),
        invalid=_("Each rating is a whole number from 1 to 5."),
        success=_("The ratings were saved; reorder by score to apply them."),
    )
    return redirect("planning:need_detail", pk=need.pk)


def _offer(user: Any, need: Need, d: dict[str, Any]) -> Commitment:
    return services.commitment_offer(
        actor=user,
        need=need,
        organisation=Organisation.objects.get(slug=d["organisation"]),
        kind=d["kind"],
        amount=d["amount"],
        currency=d["currency"],
        description=d["description"],
        start=d["start"],
        end=d["end"],
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def need_offer(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    need = selectors.need_get(user, pk)
    form = OfferForm(request.POST, organisations=_pledge_organisations(user))
    if "organisation" in form.errors:  # an organisation the user may not pledge for
        raise DjangoPermissionDenied
    outcome = submit(
        request,
        form,
        lambda d: _offer(user, need, d),
        invalid=_("The offer was not made: check the fields."),
        success=_("Your offer was sent to the beneficiary state."),
    )
    if outcome is None or not isinstance(outcome.result, Commitment):
        return redirect("planning:need_detail", pk=need.pk)
    return redirect("planning:commitment_detail", pk=outcome.result.pk)


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


def _need_conflict(
    request: HttpRequest, need: Need, d: dict[str, Any], kwargs: dict[str, Any]
) -> HttpResponse:
    labels = {a.key: a for a in kwargs["areas"]}
    yours = {k: d.get(k) for k in _NEED_FIELDS}
    yours["area"] = labels.get(d["area"], d["area"])
    return _conflict_page(
        request,
        record=need,
        form_class=NeedEditForm,
        fields=_NEED_FIELDS,
        yours=yours,
        template="planning/need_edit.html",
        context={"need": need},
        **kwargs,
    )


@access(Rule.SERVICE)
@login_required
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a need's title, description, area, cost and priority ratings."""
    user = signed_in_user(request)
    need = selectors.need_get(user, pk)
    _may_or_refuse(rules.may_edit_need, user, need, need.plan)
    kwargs: dict[str, Any] = {
        "areas": selectors.areas(need.plan.taxonomy),
        "currencies": _currencies(need.plan),
    }
    initial = {name: getattr(need, name) for name in _NEED_FIELDS if name != "area"}
    initial.update(area=need.area.key, version=need.version)
    return versioned_edit(
        request,
        NeedEditForm(request.POST or None, initial=initial, **kwargs),
        save=lambda d: services.need_update(
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
        success=_("The need was saved."),
        done=lambda: redirect("planning:need_detail", pk=need.pk),
        conflict=lambda d: _need_conflict(request, need, d, kwargs),
        template="planning/need_edit.html",
        context={"need": need},
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def need_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a draft need before donors; refused while it has no cost."""
    user = signed_in_user(request)
    need = selectors.need_get(user, pk)
    _may_or_refuse(rules.may_publish_need, user, need, need.plan)
    outcome = submit(
        request,
        PublishForm(request.POST),
        lambda d: services.need_publish(actor=user, need=need, expected_version=d["version"]),
        invalid=_("The page was out of date: try again."),
        success=_("The need is published: donors interested in its area are told."),
    )
    if outcome is not None and outcome.code == "conflict":
        messages.error(request, _("Someone changed the need meanwhile: check it and retry."))
    return redirect("planning:need_detail", pk=need.pk)
