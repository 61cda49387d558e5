"""What the planning pages share: organisations to choose from, the shape of a posted
form, refusals, and the conflict page of a stale edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import pgettext_lazy

from reef.core.access import can, scope_for
from reef.core.concurrency import render_conflict
from reef.core.http import signed_in_user
from reef.core.roles import Action as Act
from reef.core.rules import Rule as RulePredicate
from reef.core.rules import allowed
from reef.core.servicecall import Outcome, call_service
from reef.directory.models import Organisation
from reef.planning import selectors
from reef.planning.models import Plan
from reef.planning.reference import CURRENCIES


def _pledge_organisations(user: Any) -> list[tuple[str, str]]:
    ids = scope_for(user).organisation_ids(Act.EDIT)
    return [(o.slug, o.name) for o in Organisation.objects.filter(pk__in=ids).order_by("name")]


def _organisation_choices() -> list[tuple[str, str]]:
    return [
        (o.slug, str(o))
        for o in Organisation.objects.order_by("name").only("slug", "name", "acronym")
    ]


def _plan_post(request: HttpRequest, pk: int) -> Plan:
    signed_in_user(request)
    return selectors.plan_get(request.user, pk)


def _may_or_refuse(rule: RulePredicate, user: Any, obj: Any, plan: Plan) -> None:
    """403 for those who see the plan but may not do this; 404 for those who do not."""
    if allowed(rule, user, obj):
        return
    if not can(user, plan, Act.VIEW):
        raise Http404
    raise DjangoPermissionDenied


# Each edit form carries the version it was read at; a stale one gets the conflict page
# (409) with both versions and changes nothing.
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


def _currencies(plan: Plan) -> list[str]:
    return sorted(set(CURRENCIES) | set(plan.rates or {}))


_SUSTAINABILITY_LEVELS = {
    "low": pgettext_lazy("sustainability", "low"),
    "medium": pgettext_lazy("sustainability", "medium"),
    "high": pgettext_lazy("sustainability", "high"),
}


def submit(
    request: HttpRequest,
    form: forms.Form,
    service: Callable[[dict[str, Any]], object],
    *,
    invalid: str,
    success: str = "",
) -> Outcome[object] | None:
    """The shape of a form posted to a service: a form that does not validate is named in
    a message (`invalid`); a valid one calls `service` with its cleaned data, and a
    refusal is a message too (`call_service`). None when the form was not valid."""
    if not form.is_valid():
        messages.error(request, invalid)
        return None
    return call_service(request, lambda: service(form.cleaned_data), success)


def versioned_edit(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict[str, Any]], object],
    success: str,
    done: Callable[[], HttpResponse],
    conflict: Callable[[dict[str, Any]], HttpResponse],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The shape of an edit page: the form (GET), or its save (POST). Saved: `done()`; the
    record changed since the form was read: `conflict(data)`, the conflict page (409);
    refused or not valid: the form again with its errors (400)."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            outcome = call_service(request, lambda: save(data), success, form=form)
            if outcome:
                return done()
            if outcome.code == "conflict":
                return conflict(data)
    return render(request, template, {**context, "form": form}, status=status)
