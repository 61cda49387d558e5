"""Shared checks and helpers of the planning services: text, money, ratings, labels, rules."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reef.core.access import can
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.roles import Action as Act
from reef.core.rules import Actor, Rule, SystemActor, allowed, require
from reef.core.tlp import TLP
from reef.planning.models import Plan
from reef.planning.reference import CURRENCIES


class KeepType(enum.Enum):
    """A partial update's "not given" where None is a value (it clears a date)."""

    KEEP = "keep"


KEEP = KeepType.KEEP

# What each validated field is called in messages (the `field=` code stays as it is).
_LABELS: dict[str, Any] = {
    "key": gettext_lazy("key"),
    "taxonomy": gettext_lazy("taxonomy"),
    "name": gettext_lazy("name"),
    "title": gettext_lazy("title"),
    "cycle": gettext_lazy("cycle"),
    "description": gettext_lazy("description"),
    "reason": gettext_lazy("reason"),
    "risk_owner": gettext_lazy("risk owner"),
    "mitigation": gettext_lazy("mitigation"),
    "note": gettext_lazy("note"),
    "estimated cost": gettext_lazy("estimated cost"),
    "cost_amount": gettext_lazy("estimated cost"),
    "budget": gettext_lazy("budget"),
    "amount": gettext_lazy("amount"),
    "impact": gettext_lazy("impact"),
    "urgency": gettext_lazy("urgency"),
    "feasibility": gettext_lazy("feasibility"),
    "cost_rating": gettext_lazy("cost rating"),
    "likelihood": gettext_lazy("likelihood"),
}


def _label(field: str) -> str:
    label = _LABELS.get(field)
    return str(label) if label is not None else field.replace("_", " ")


def _not_found() -> ServiceError:
    return ServiceError(_("Not found."), code="not_found")


def _text(value: str, field: str, *, required: bool = True, limit: int = 300) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(_("The %(field)s is required.") % {"field": _label(field)}, field=field)
    if len(value) > limit:
        raise ServiceError(
            _("The %(field)s is too long (at most %(limit)s characters).")
            % {"field": _label(field), "limit": limit},
            field=field,
        )
    return value


def _tlp(value: str) -> str:
    if value not in TLP.values:
        raise ServiceError(_("Unknown TLP label %(value)s.") % {"value": repr(value)}, field="tlp")
    return value


def _currency(value: str, plan: Plan | None = None, field: str = "currency") -> str:
    code = (value or "").strip().upper()
    known = set(CURRENCIES) | set((plan.rates or {}) if plan else {})
    if code not in known:
        raise ServiceError(
            _("Unknown currency %(value)s; use one of %(known)s.")
            % {"value": repr(value), "known": ", ".join(sorted(known))},
            field=field,
        )
    return code


def _money(value: Decimal | str | int | None, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ServiceError(
            _("The %(field)s must be a number.") % {"field": _label(field)}, field=field
        ) from None
    if not amount.is_finite() or amount < 0:
        raise ServiceError(
            _("The %(field)s must be zero or more.") % {"field": _label(field)}, field=field
        )
    if amount >= Decimal("1e12"):
        raise ServiceError(_("The %(field)s is too large.") % {"field": _label(field)}, field=field)
    return amount.quantize(Decimal("0.01"))


def _rating(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ServiceError(
            _("The %(field)s must be a whole number from 1 to 5.") % {"field": _label(field)},
            field=field,
        )
    return value


def _dates(start: date | None, end: date | None, *, required: bool = True) -> None:
    if required and (start is None or end is None):
        raise ServiceError(_("A start and an end date are required."), field="start")
    if start is not None and end is not None and end < start:
        raise ServiceError(_("The end date is before the start date."), field="end")


def _copy_label(target: Any, source: Any, tlp: str | None = None) -> None:
    target.tlp = _tlp(tlp) if tlp else source.tlp
    target.owner_country_id = source.owner_country_id
    target.owner_organisation_id = source.owner_organisation_id


def _copy_shares(target: Any, source: Any) -> None:
    """Give a child record the explicit shares of its parent (after it is saved)."""
    orgs = list(source.shared_with_organisations.values_list("pk", flat=True))
    countries = list(source.shared_with_countries.values_list("pk", flat=True))
    if orgs:
        target.shared_with_organisations.set(orgs)
    if countries:
        target.shared_with_countries.set(countries)


def _bump(obj: Any) -> None:
    obj.version += 1


def _visible(actor: Actor, obj: Any) -> bool:
    """Whether the actor may see `obj` (system actors see everything they are given)."""
    if obj is None or isinstance(actor, SystemActor):
        return True
    return can(actor, obj, Act.VIEW)


def _require(
    rule: Rule, actor: Actor, obj: Any, *, see: Any = None, message: str | None = None
) -> None:
    """`require(rule, ...)`: 404 when the actor may not even see `see` (default `obj`),
    else a refusal with `message`."""
    if allowed(rule, actor, obj):
        return
    try:
        require(rule, actor, obj, hidden=not _visible(actor, obj if see is None else see))
    except PermissionDenied:
        if message is None:
            raise
        raise PermissionDenied(message) from None


_EDITORS_ONLY = gettext_lazy("Only editors of the plan's country or organisation may do this.")
_BENEFICIARY_ONLY = gettext_lazy(
    "Only the beneficiary state's focal point (a manager of the country) may do this."
)
