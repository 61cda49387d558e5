"""Plans: creation and priority weights."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from reef.core.audit import audit_append
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import Actor, allowed
from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping, Organisation
from reef.planning import prioritise, rules
from reef.planning.models import Plan, PriorityChange
from reef.planning.services.areas import area_ensure_defaults
from reef.planning.services.common import (
    _BENEFICIARY_ONLY,
    _bump,
    _currency,
    _dates,
    _require,
    _text,
    _tlp,
)
from reef.planning.services.priorities import _order, _record_change


def _national_plan(actor: Actor, country: Country, cycle: str) -> Plan:
    """A new national plan, unsaved: the country's managers create one per cycle."""
    if not allowed(rules.may_create_plan, actor, Plan(kind=Plan.Kind.NATIONAL, country=country)):
        raise PermissionDenied(_("Only the country's managers may create its national plan."))
    if Plan.objects.filter(kind=Plan.Kind.NATIONAL, country=country, cycle=cycle).exists():
        raise ServiceError(
            _("%(country)s already has a plan for %(cycle)s.")
            % {"country": country.display_name, "cycle": cycle},
            field="cycle",
        )
    return Plan(kind=Plan.Kind.NATIONAL, country=country, owner_country=country)


def _regional_plan(actor: Actor, organisation: Organisation, grouping: Grouping | None) -> Plan:
    """A new regional plan, unsaved: of an organisation, covering a grouping whose
    coordinators edit for the organisation."""
    if grouping is None:
        raise ServiceError(_("A regional plan covers a grouping."), field="grouping")
    if not allowed(
        rules.may_create_plan,
        actor,
        Plan(kind=Plan.Kind.REGIONAL, organisation=organisation, grouping=grouping),
    ):
        raise PermissionDenied(
            _(
                "Only coordinators of the grouping who edit for the organisation may create "
                "a regional plan."
            )
        )
    return Plan(
        kind=Plan.Kind.REGIONAL,
        organisation=organisation,
        grouping=grouping,
        owner_organisation=organisation,
    )


@transaction.atomic
def plan_create(
    *,
    actor: Actor,
    title: str,
    cycle: str,
    country: Country | None = None,
    grouping: Grouping | None = None,
    organisation: Organisation | None = None,
    tlp: str = TLP.AMBER,
    currency: str = "USD",
    start: date | None = None,
    end: date | None = None,
    weights: dict[str, Decimal] | None = None,
) -> Plan:
    """A national plan (a country) or a regional plan (an organisation and a grouping)."""
    title = _text(title, "title", limit=200)
    cycle = _text(cycle, "cycle", limit=20)
    _tlp(tlp)
    currency = _currency(currency)
    _dates(start, end, required=False)
    if (country is None) == (organisation is None):
        raise ServiceError(
            _("A plan belongs to a country (national) or an organisation (regional)."),
            field="country",
        )
    if country is not None:
        plan = _national_plan(actor, country, cycle)
    elif organisation is not None:
        plan = _regional_plan(actor, organisation, grouping)
    else:
        raise ServiceError(_("A plan needs a country or an organisation."), field="country")
    plan.title, plan.cycle, plan.tlp, plan.currency = title, cycle, tlp, currency
    plan.start, plan.end = start, end
    if weights:
        _apply_weights(plan, weights)
    plan.save()
    area_ensure_defaults(actor=actor)
    audit_append(action="plan_create", actor=actor, obj=plan)
    return plan


def _apply_weights(plan: Plan, weights: dict[str, Any]) -> prioritise.Weights:
    unknown = sorted(set(weights) - set(prioritise.CRITERIA))
    if unknown:
        raise ServiceError(
            _("Unknown weights %(names)s; the weights are impact, urgency, feasibility and cost.")
            % {"names": ", ".join(unknown)},
            field="weights",
        )
    missing = sorted(set(prioritise.CRITERIA) - set(weights))
    if missing:
        raise ServiceError(
            _("The weights for %(names)s are missing.") % {"names": ", ".join(missing)},
            field="weights",
        )
    try:
        parsed = prioritise.Weights.from_mapping({k: Decimal(str(v)) for k, v in weights.items()})
    except (ValueError, TypeError, InvalidOperation):
        raise ServiceError(
            _("The weights must be numbers from 0 to 100, and not all zero."), field="weights"
        ) from None
    if any(Decimal(str(v)) > 100 for v in weights.values()):
        raise ServiceError(_("Each weight must be at most 100."), field="weights")
    plan.weight_impact = Decimal(str(weights["impact"]))
    plan.weight_urgency = Decimal(str(weights["urgency"]))
    plan.weight_feasibility = Decimal(str(weights["feasibility"]))
    plan.weight_cost = Decimal(str(weights["cost"]))
    return parsed


@transaction.atomic
def plan_set_weights(
    *, actor: Actor, plan: Plan, weights: dict[str, Any], reason: str = ""
) -> Plan:
    _require(rules.may_set_weights, actor, plan, message=str(_BENEFICIARY_ONLY))
    _apply_weights(plan, weights)
    _bump(plan)
    plan.save()
    _record_change(
        actor=actor,
        plan=plan,
        kind=PriorityChange.Kind.WEIGHTS,
        reason=reason or "weights changed",
        before=_order(plan),
        after=_order(plan),
    )
    audit_append(
        action="plan_set_weights",
        actor=actor,
        obj=plan,
        detail={k: str(v) for k, v in plan.weights.items()},
    )
    return plan
