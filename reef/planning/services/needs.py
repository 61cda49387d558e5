"""Needs: created by hand, published to donors, edited and rated."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.core.audit import audit_append
from reef.core.concurrency import save_versioned
from reef.core.errors import ServiceError
from reef.core.rules import Actor
from reef.directory.models import Organisation
from reef.notifications.services import notify_handoff
from reef.planning import rules
from reef.planning.models import Need, Plan
from reef.planning.services.areas import _area
from reef.planning.services.common import (
    _EDITORS_ONLY,
    _copy_label,
    _copy_shares,
    _currency,
    _money,
    _rating,
    _require,
    _text,
)
from reef.planning.services.priorities import _score


def _next_position(plan: Plan) -> int:
    top = plan.needs.aggregate(m=Max("position"))["m"]
    return int(top or 0) + 1


# Long because a need has many fields, one check each.
@transaction.atomic
def need_create(
    *,
    actor: Actor,
    plan: Plan,
    area: str,
    title: str,
    description: str = "",
    cost_amount: Decimal | str | None = None,
    cost_currency: str = "USD",
    impact: int = 3,
    urgency: int = 3,
    feasibility: int = 3,
    cost_rating: int = 3,
    tlp: str | None = None,
    shared_with: list[Organisation] | None = None,
    source: str = Need.Source.MANUAL,
    framework: str = "",
    factor_key: str = "",
    aspect_key: str = "",
    missing_indicators: list[str] | None = None,
    assessment_ref: int | None = None,
) -> Need:
    """A need entered by hand (or from a gap, see `need_create_from_gap`)."""
    _require(rules.may_create_need, actor, plan, message=str(_EDITORS_ONLY))
    need = Need(
        plan=plan,
        country_id=plan.country_id,
        area=_area(plan, area),
        title=_text(title, "title"),
        description=_text(description, "description", required=False, limit=5000),
        source=source,
        framework=framework[:80],
        factor_key=factor_key[:120],
        aspect_key=aspect_key[:120],
        missing_indicators=[str(k)[:120] for k in (missing_indicators or [])],
        assessment_ref=assessment_ref,
        cost_amount=_money(cost_amount, "estimated cost"),
        cost_currency=_currency(cost_currency, plan, "cost_currency"),
        impact=_rating(impact, "impact"),
        urgency=_rating(urgency, "urgency"),
        feasibility=_rating(feasibility, "feasibility"),
        cost_rating=_rating(cost_rating, "cost_rating"),
        position=_next_position(plan),
    )
    _copy_label(need, plan, tlp)
    need.score = _score(plan, need)
    # With a cost it goes before donors at once; without, it waits as a draft.
    if need.cost_amount is not None:
        need.published_at = timezone.now()
    need.save()
    _copy_shares(need, plan)
    if shared_with:
        need.shared_with_organisations.add(*shared_with)
    audit_append(
        action="need_create",
        actor=actor,
        obj=need,
        detail={"plan": plan.pk, "source": source, "published": need.is_published},
    )
    if need.is_published:
        _announce(need, actor)
    return need


def _announce(need: Need, actor: Actor) -> None:
    notify_handoff(
        kind="planning.need_published",
        subject_obj=need,
        actor=actor,
        url=reverse("planning:need_detail", args=[need.pk]),
    )


@transaction.atomic
def need_publish(*, actor: Actor, need: Need, expected_version: int | None = None) -> Need:
    """Put a draft need before donors: announced to the consortium members interested in
    its area and listed on their funding desk. Refused while it has no estimated cost."""
    _require(rules.may_publish_need, actor, need, see=need.plan, message=str(_EDITORS_ONLY))
    if need.published_at is not None:
        raise ServiceError(_("This need is already published."), code="invalid_state")
    if need.cost_amount is None:
        raise ServiceError(
            _(
                "Estimate the need's cost before publishing it: donors weigh needs by their "
                "cost, and a need without one stays out of the funding gap."
            ),
            field="cost_amount",
            code="cost_required",
        )
    need.published_at = timezone.now()
    save_versioned(
        need,
        expected_version=need.version if expected_version is None else expected_version,
        fields=["published_at"],
    )
    audit_append(
        action="need_publish",
        actor=actor,
        obj=need,
        detail={"cost": str(need.cost_amount), "currency": need.cost_currency},
    )
    _announce(need, actor)
    return need


# Long because each of nine optional fields is checked before any is changed, then one save.
@transaction.atomic
def need_update(
    *,
    actor: Actor,
    need: Need,
    area: str | None = None,
    title: str | None = None,
    description: str | None = None,
    cost_amount: Decimal | str | None = None,
    cost_currency: str | None = None,
    impact: int | None = None,
    urgency: int | None = None,
    feasibility: int | None = None,
    cost_rating: int | None = None,
    expected_version: int | None = None,
) -> Need:
    """Edit a need's text, area, cost and priority ratings (None keeps a field).

    `expected_version` is the version the edit was based on (a form's hidden field,
    the API's If-Match); a newer stored version raises `Conflict` and nothing is
    written. Everything is validated before anything is changed.
    """
    _require(rules.may_edit_need, actor, need, see=need.plan, message=str(_EDITORS_ONLY))
    values: dict[str, Any] = {}
    if area is not None:
        values["area"] = _area(need.plan, area)
    if title is not None:
        values["title"] = _text(title, "title")
    if description is not None:
        values["description"] = _text(description, "description", required=False, limit=5000)
    if cost_amount is not None and cost_amount != "":
        values["cost_amount"] = _money(cost_amount, "cost_amount")
    if cost_currency is not None:
        values["cost_currency"] = _currency(cost_currency, need.plan, "cost_currency")
    for name, rating in (
        ("impact", impact),
        ("urgency", urgency),
        ("feasibility", feasibility),
        ("cost_rating", cost_rating),
    ):
        if rating is not None:
            values[name] = _rating(rating, name)
    changed = sorted(k for k, v in values.items() if getattr(need, k) != v)
    if not values:
        raise ServiceError(_("Nothing to change."))
    for name, value in values.items():
        setattr(need, name, value)
    fields = list(values)
    if {"impact", "urgency", "feasibility", "cost_rating"} & set(values):
        need.score = _score(need.plan, need)
        fields.append("score")
    save_versioned(
        need,
        expected_version=need.version if expected_version is None else expected_version,
        fields=fields,
    )
    audit_append(
        action="need_update",
        actor=actor,
        obj=need,
        detail={"changed": changed, "version": need.version},
    )
    return need


@transaction.atomic
def need_rate(
    *,
    actor: Actor,
    need: Need,
    impact: int,
    urgency: int,
    feasibility: int,
    cost_rating: int,
    expected_version: int | None = None,
) -> Need:
    """Rate a need on the four criteria; its score follows the plan's weights."""
    _require(rules.may_edit_need, actor, need, see=need.plan, message=str(_EDITORS_ONLY))
    need.impact = _rating(impact, "impact")
    need.urgency = _rating(urgency, "urgency")
    need.feasibility = _rating(feasibility, "feasibility")
    need.cost_rating = _rating(cost_rating, "cost_rating")
    need.score = _score(need.plan, need)
    save_versioned(
        need,
        expected_version=need.version if expected_version is None else expected_version,
        fields=["impact", "urgency", "feasibility", "cost_rating", "score"],
    )
    audit_append(
        action="need_rate",
        actor=actor,
        obj=need,
        detail={
            "impact": impact,
            "urgency": urgency,
            "feasibility": feasibility,
            "cost": cost_rating,
        },
    )
    return need
