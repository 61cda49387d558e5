"""Every write of planning: keyword-only, typed, transactional, validated, audited."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reef.accounts.language import language_of
from reef.accounts.roles import Action as Act
from reef.core.access import can
from reef.core.audit import audit_append
from reef.core.concurrency import save_versioned
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import Actor, Rule, SystemActor, allowed, require, scope_of, user_of
from reef.core.tlp import TLP, stricter
from reef.directory.models import Country, Grouping, Organisation
from reef.frameworks import formats
from reef.frameworks import selectors as framework_selectors
from reef.frameworks.models import Framework
from reef.notifications.kinds import commitment_kind
from reef.notifications.services import notify_handoff
from reef.planning import prioritise, rollup, rules, sustainability
from reef.planning.models import (
    Action,
    Area,
    Commitment,
    CommitmentEvent,
    Milestone,
    Need,
    Plan,
    PriorityChange,
    Risk,
    RiskCategory,
    TwinningLink,
)
from reef.planning.reference import (
    CCSCAP_AREAS,
    CURRENCIES,
    DEFAULT_TAXONOMY,
    area_for,
)


class KeepType(enum.Enum):
    """A partial update's "not given" where None is a value (it clears a date)."""

    KEEP = "keep"


KEEP = KeepType.KEEP

# --- helpers -------------------------------------------------------------------------

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


# --- areas ---------------------------------------------------------------------------


@transaction.atomic
def area_ensure_defaults(*, actor: Actor) -> int:
    """Create the CCSCAP's six areas if missing. Returns how many were created."""
    created = 0
    for position, (key, name, description) in enumerate(CCSCAP_AREAS, start=1):
        _, was_created = Area.objects.get_or_create(
            taxonomy=DEFAULT_TAXONOMY,
            key=key,
            defaults={
                "name": name,
                "description": description,
                "position": position,
                "tlp": TLP.CLEAR,
            },
        )
        created += int(was_created)
    if created:
        audit_append(action="area_defaults", actor=actor, detail={"created": created})
    return created


@transaction.atomic
def area_create(
    *,
    actor: Actor,
    taxonomy: str,
    key: str,
    name: str,
    description: str = "",
    position: int = 0,
) -> Area:
    """A new area in a taxonomy; only coordinators of a grouping may extend the taxonomy."""
    _require(
        rules.may_create_area,
        actor,
        None,
        message=_("Only regional coordinators may change the area taxonomy."),
    )
    key = _text(key, "key", limit=50)
    if Area.objects.filter(taxonomy=taxonomy, key=key).exists():
        raise ServiceError(
            _("The area %(key)s exists in the %(taxonomy)s taxonomy.")
            % {"key": repr(key), "taxonomy": taxonomy},
            field="key",
        )
    area: Area = Area.objects.create(
        taxonomy=_text(taxonomy, "taxonomy", limit=50),
        key=key,
        name=_text(name, "name"),
        description=description,
        position=position,
        tlp=TLP.CLEAR,
    )
    audit_append(action="area_create", actor=actor, obj=area)
    return area


def _area(plan: Plan, key: str) -> Area:
    area: Area | None = Area.objects.filter(taxonomy=plan.taxonomy, key=key).first()
    if area is None:
        raise ServiceError(
            _("Unknown area %(key)s in the %(taxonomy)s taxonomy.")
            % {"key": repr(key), "taxonomy": plan.taxonomy},
            field="area",
        )
    return area


# --- plans ---------------------------------------------------------------------------


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
        if not allowed(
            rules.may_create_plan, actor, Plan(kind=Plan.Kind.NATIONAL, country=country)
        ):
            raise PermissionDenied(_("Only the country's managers may create its national plan."))
        if Plan.objects.filter(kind=Plan.Kind.NATIONAL, country=country, cycle=cycle).exists():
            raise ServiceError(
                _("%(country)s already has a plan for %(cycle)s.")
                % {"country": country.display_name, "cycle": cycle},
                field="cycle",
            )
        plan = Plan(kind=Plan.Kind.NATIONAL, country=country, owner_country=country)
    elif organisation is not None:
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
        plan = Plan(
            kind=Plan.Kind.REGIONAL,
            organisation=organisation,
            grouping=grouping,
            owner_organisation=organisation,
        )
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


# --- needs ---------------------------------------------------------------------------


def _next_position(plan: Plan) -> int:
    top = plan.needs.aggregate(m=Max("position"))["m"]
    return int(top or 0) + 1


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


def _latest_national_plan(country: Country) -> Plan | None:
    return (
        Plan.objects.filter(kind=Plan.Kind.NATIONAL, country=country)
        .order_by("-cycle", "-created_at")
        .first()
    )


def _language_of(actor: Actor) -> str:
    if isinstance(actor, SystemActor):
        return translation.get_language() or settings.LANGUAGE_CODE
    return language_of(actor)


def _framework_document(ref: str, record: Framework | None) -> formats.Framework | None:
    """The parsed framework a gap belongs to: the record given, else by `slug[@version]`."""
    if record is None:
        slug, _sep, release = ref.partition("@")
        found = Framework.objects.filter(slug=slug.strip())
        if release.strip():
            found = found.filter(release=release.strip())
        record = found.order_by("-created_at", "-pk").first()
    if record is None:
        return None
    try:
        return framework_selectors.parsed(record)
    except formats.FrameworkFormatError:  # pragma: no cover - imported documents are valid
        return None


#: More missing indicators than this are counted, not listed.
_GAP_LISTED = 25


def gap_texts(
    *,
    framework: formats.Framework | None,
    factor: str,
    aspect: str,
    missing: Sequence[str],
    language: str,
) -> tuple[str, str] | None:
    """A need's title and description from the framework's own texts, in `language`:
    "Factor: Aspect" and the missing indicators' statements. None when the framework
    does not know the factor."""
    if framework is None:
        return None
    factor_item = formats.element(framework, factor)
    aspect_item = formats.element(framework, aspect) if aspect and aspect != factor else None
    if factor_item is None and aspect_item is None:
        return None
    with translation.override(language):
        factor_name = formats.localized(factor_item, "name", language) if factor_item else factor
        if aspect_item is not None:
            aspect_name = formats.localized(aspect_item, "name", language)
            title = _("%(factor)s: %(aspect)s") % {"factor": factor_name, "aspect": aspect_name}
        else:
            title = factor_name
        lines: list[str] = []
        for key in missing[:_GAP_LISTED]:
            item = formats.element(framework, key)
            text = formats.localized(item, "text", language) if item is not None else ""
            lines.append(f"- {text} ({key})" if text else f"- {key}")
        if len(missing) > _GAP_LISTED:
            lines.append(
                _("- and %(count)s more indicators") % {"count": len(missing) - _GAP_LISTED}
            )
        if lines:
            intro = _("To close this gap in %(what)s, these are still missing:") % {"what": title}
            description = "\n".join([intro, *lines])
        else:
            description = _("Close the gap in %(what)s.") % {"what": title}
    return title[:300], description[:4000]


@transaction.atomic
def need_create_from_gap(
    *,
    actor: Actor,
    country: Country,
    gap: dict[str, Any],
    framework: str,
    assessment_id: int | None,
    plan: Plan | None = None,
    area: str | None = None,
    tlp: str | None = None,
    cost_amount: Decimal | str | None = None,
    cost_currency: str = "USD",
    framework_record: Framework | None = None,
) -> Need:
    """A need from an assessment's gap.

    `gap` carries at least a factor key (`factor_key` or `factor`) and may carry
    `aspect_key`/`aspect`, `missing`/`missing_indicators` (indicator keys), a
    `title`, a `description`/`summary` and an `area`. The need goes into `plan`, else
    the country's latest national plan (one is created for the current year when the
    country has none). The area is taken from `area`, the gap, or guessed from the
    factor's words (and can be corrected later).

    Unless the gap brings its own title, the title and description are written from
    the framework's texts (`framework_record`, else the latest version of the
    `framework` slug): the factor and aspect names and the missing indicators, in the
    language of the person who creates the need. Without a cost the need stays a
    draft (see `need_publish`).
    """
    factor = str(gap.get("factor_key") or gap.get("factor") or "").strip()
    if not factor:
        raise ServiceError(_("The gap names no framework factor."), field="gap")
    aspect = str(gap.get("aspect_key") or gap.get("aspect") or "").strip()
    missing = gap.get("missing_indicators", gap.get("missing", [])) or []
    if not isinstance(missing, list):
        raise ServiceError(_("The gap's missing indicators must be a list of keys."), field="gap")
    given = str(gap.get("description") or gap.get("summary") or "").strip()
    # Readable texts from the framework's own names and indicators, in the creator's language.
    texts = gap_texts(
        framework=_framework_document(framework, framework_record),
        factor=factor,
        aspect=aspect,
        missing=[str(m) for m in missing],
        language=_language_of(actor),
    )
    title = (
        str(gap.get("title") or "").strip()
        or (texts[0] if texts else "")
        or str(gap.get("factor_name") or "").strip()
        or _("Close the gap in %(what)s") % {"what": f"{factor} ({aspect})" if aspect else factor}
    )
    description = "\n\n".join(t for t in ((texts[1] if texts else ""), given) if t)
    if plan is None:
        plan = _latest_national_plan(country)
    if plan is None:
        year = timezone.now().year
        plan = plan_create(
            actor=actor,
            country=country,
            title=f"National cyber security plan of {country.name}",
            cycle=f"{year}-{year + 2}",
        )
    elif plan.country_id != country.pk:
        raise ServiceError(_("The plan is not the country's plan."), field="plan")
    area_key = (
        area
        or str(gap.get("area") or "")
        or area_for(factor, aspect, title, str(gap.get("dimension") or ""))
    )
    return need_create(
        actor=actor,
        plan=plan,
        area=area_key,
        title=title[:300],
        description=description,
        source=Need.Source.GAP,
        framework=framework,
        factor_key=factor,
        aspect_key=aspect,
        missing_indicators=[str(m) for m in missing],
        assessment_ref=assessment_id,
        tlp=tlp,
        cost_amount=cost_amount,
        cost_currency=cost_currency,
    )


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


# --- priorities ----------------------------------------------------------------------


def _weights(plan: Plan) -> prioritise.Weights:
    return prioritise.Weights.from_mapping(plan.weights)


def _rating_of(need: Need) -> prioritise.NeedRating:
    return prioritise.NeedRating(
        str(need.pk), need.impact, need.urgency, need.feasibility, need.cost_rating
    )


def _score(plan: Plan, need: Need) -> Decimal:
    exact = prioritise.score_need(
        prioritise.NeedRating("new", need.impact, need.urgency, need.feasibility, need.cost_rating),
        _weights(plan),
    )
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.01"))


def _order(plan: Plan) -> list[str]:
    return [str(pk) for pk in plan.needs.order_by("position", "id").values_list("pk", flat=True)]


def _record_change(
    *, actor: Actor, plan: Plan, kind: str, reason: str, before: list[str], after: list[str]
) -> PriorityChange:
    diff = prioritise.diff_orderings(before, after)
    change = PriorityChange(
        plan=plan,
        kind=kind,
        actor=user_of(actor),
        actor_label=(str(actor) if isinstance(actor, SystemActor) else actor.email)[:254],
        reason=reason,
        before=before,
        after=after,
        moves=[
            {"need": m.need_id, "kind": m.kind.value, "from": m.from_position, "to": m.to_position}
            for m in diff.moves
        ],
    )
    _copy_label(change, plan)
    change.save()
    return change


def _apply_order(plan: Plan, order: list[str]) -> None:
    needs = {str(n.pk): n for n in plan.needs.all()}
    for position, need_id in enumerate(order, start=1):
        need = needs[need_id]
        if need.position != position:
            need.position = position
            need.save(update_fields=["position", "updated_at"])


@transaction.atomic
def plan_prioritise(*, actor: Actor, plan: Plan, reason: str = "") -> PriorityChange:
    """Order the plan's needs by weighted score (impact, urgency, feasibility, cost)."""
    _require(rules.may_prioritise, actor, plan, message=str(_EDITORS_ONLY))
    needs = list(plan.needs.all())
    before = _order(plan)
    ranked = prioritise.rank_needs([_rating_of(n) for n in needs], _weights(plan))
    by_id = {str(n.pk): n for n in needs}
    for item in ranked:
        need = by_id[item.need_id]
        need.score = item.score
        need.position = item.position
        need.save(update_fields=["score", "position", "updated_at"])
    after = [r.need_id for r in ranked]
    change = _record_change(
        actor=actor,
        plan=plan,
        kind=PriorityChange.Kind.SCORED,
        reason=reason or "ordered by weighted score",
        before=before,
        after=after,
    )
    _unconfirm(plan)
    audit_append(action="plan_prioritise", actor=actor, obj=plan, detail={"order": after})
    return change


def _unconfirm(plan: Plan) -> None:
    if plan.priorities_confirmed_at is not None:
        plan.priorities_confirmed_at = None
        plan.priorities_confirmed_by = None
        plan.save(
            update_fields=["priorities_confirmed_at", "priorities_confirmed_by", "updated_at"]
        )


@transaction.atomic
def plan_reorder(
    *, actor: Actor, plan: Plan, order: Sequence[int | str], reason: str
) -> PriorityChange:
    """The focal point puts the needs in the state's order, saying why."""
    _require(rules.may_reorder, actor, plan, message=str(_BENEFICIARY_ONLY))
    reason = _text(reason, "reason", limit=2000)
    wanted = [str(x) for x in order]
    before = _order(plan)
    if sorted(wanted) != sorted(before) or len(set(wanted)) != len(wanted):
        raise ServiceError(
            _("The new order must list each of the plan's needs exactly once."), field="order"
        )
    if wanted == before:
        raise ServiceError(_("The order has not changed."), field="order")
    _apply_order(plan, wanted)
    change = _record_change(
        actor=actor,
        plan=plan,
        kind=PriorityChange.Kind.REORDERED,
        reason=reason,
        before=before,
        after=wanted,
    )
    _unconfirm(plan)
    audit_append(
        action="plan_reorder",
        actor=actor,
        obj=plan,
        detail={"order": wanted, "reason": reason[:200]},
    )
    return change


@transaction.atomic
def need_move(*, actor: Actor, need: Need, to_position: int, reason: str) -> PriorityChange:
    """Move one need to a position (1-based) in its plan's order."""
    order = _order(need.plan)
    if not 1 <= to_position <= len(order):
        raise ServiceError(
            _("The position must be between 1 and %(last)s.") % {"last": len(order)},
            field="position",
        )
    order.remove(str(need.pk))
    order.insert(to_position - 1, str(need.pk))
    return plan_reorder(actor=actor, plan=need.plan, order=list(order), reason=reason)


@transaction.atomic
def plan_confirm_priorities(*, actor: Actor, plan: Plan, reason: str = "") -> PriorityChange:
    """The beneficiary state agrees the order of priorities."""
    _require(rules.may_confirm_priorities, actor, plan, message=str(_BENEFICIARY_ONLY))
    if not plan.needs.exists():
        raise ServiceError(_("A plan without needs has no priorities to confirm."))
    order = _order(plan)
    plan.priorities_confirmed_at = timezone.now()
    plan.priorities_confirmed_by = user_of(actor)
    _bump(plan)
    plan.save()
    change = _record_change(
        actor=actor,
        plan=plan,
        kind=PriorityChange.Kind.CONFIRMED,
        reason=reason or "priorities agreed",
        before=order,
        after=order,
    )
    audit_append(action="plan_confirm_priorities", actor=actor, obj=plan, detail={"order": order})
    return change


# --- actions and milestones ----------------------------------------------------------


def _profile(action: Action) -> sustainability.SustainabilityProfile:
    return sustainability.SustainabilityProfile(
        delivery=sustainability.Delivery(action.delivery),
        is_training=action.is_training,
        train_the_trainer=action.train_the_trainer,
        curriculum_integration=action.curriculum_integration,
        local_ownership=action.local_ownership,
        post_donor_funding=action.post_donor_funding,
    )


def action_assessment(action: Action) -> sustainability.SustainabilityAssessment:
    return sustainability.assess(_profile(action))


def _refresh_sustainability(action: Action) -> None:
    result = action_assessment(action)
    action.drive_by_training = result.drive_by_training
    action.sustainability_score = result.score


@transaction.atomic
def action_create(
    *,
    actor: Actor,
    need: Need,
    title: str,
    start: date,
    end: date,
    description: str = "",
    lead_organisation: Organisation | None = None,
    budget_amount: Decimal | str | None = None,
    budget_currency: str = "USD",
    status: str = Action.Status.PLANNED,
    progress: int = 0,
    delivery: str = Action.Delivery.RECURRING,
    is_training: bool = False,
    train_the_trainer: bool = False,
    curriculum_integration: bool = False,
    local_ownership: bool = False,
    post_donor_funding: bool = False,
    tlp: str | None = None,
) -> Action:
    """An action under a need, with its owner organisation and sustainability profile."""
    plan = need.plan
    _require(rules.may_create_action, actor, need, see=plan, message=str(_EDITORS_ONLY))
    _dates(start, end)
    if status not in Action.Status.values:
        raise ServiceError(_("Unknown status %(value)s.") % {"value": repr(status)}, field="status")
    if delivery not in Action.Delivery.values:
        raise ServiceError(
            _("Unknown kind of delivery %(value)s.") % {"value": repr(delivery)}, field="delivery"
        )
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ServiceError(_("Progress is a whole percentage from 0 to 100."), field="progress")
    action = Action(
        need=need,
        plan=plan,
        title=_text(title, "title"),
        description=_text(description, "description", required=False, limit=5000),
        lead_organisation=lead_organisation,
        start=start,
        end=end,
        budget_amount=_money(budget_amount, "budget"),
        budget_currency=_currency(budget_currency, plan, "budget_currency"),
        status=status,
        progress=progress,
        delivery=delivery,
        is_training=is_training,
        train_the_trainer=train_the_trainer,
        curriculum_integration=curriculum_integration,
        local_ownership=local_ownership,
        post_donor_funding=post_donor_funding,
    )
    _copy_label(action, need, tlp)
    _refresh_sustainability(action)
    action.save()
    _copy_shares(action, need)
    audit_append(
        action="action_create",
        actor=actor,
        obj=action,
        detail={"need": need.pk, "drive_by_training": action.drive_by_training},
    )
    return action


@transaction.atomic
def action_report_progress(
    *, actor: Actor, action: Action, status: str, progress: int, note: str = ""
) -> Action:
    """Status and progress, reported by the plan's editors or the owner organisation."""
    _require(
        rules.may_report_action,
        actor,
        action,
        message=_("Only the plan's editors or the owner organisation may report."),
    )
    if status not in Action.Status.values:
        raise ServiceError(_("Unknown status %(value)s.") % {"value": repr(status)}, field="status")
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ServiceError(_("Progress is a whole percentage from 0 to 100."), field="progress")
    action.status, action.progress = status, progress
    _bump(action)
    action.save()
    audit_append(
        action="action_report_progress",
        actor=actor,
        obj=action,
        detail={"status": status, "progress": progress, "note": note[:200]},
    )
    return action


_PROFILE_FIELDS = (
    "delivery",
    "is_training",
    "train_the_trainer",
    "curriculum_integration",
    "local_ownership",
    "post_donor_funding",
)


@transaction.atomic
def action_set_sustainability(
    *,
    actor: Actor,
    action: Action,
    delivery: str | None = None,
    is_training: bool | None = None,
    train_the_trainer: bool | None = None,
    curriculum_integration: bool | None = None,
    local_ownership: bool | None = None,
    post_donor_funding: bool | None = None,
    expected_version: int | None = None,
) -> Action:
    """Change an action's sustainability profile (a field left None keeps its value); its
    score and drive-by flag follow.

    Versioned like `need_update` (`expected_version`, `Conflict`)."""
    _require(
        rules.may_set_sustainability, actor, action, see=action.plan, message=str(_EDITORS_ONLY)
    )
    if delivery is not None and delivery not in Action.Delivery.values:
        raise ServiceError(
            _("Unknown kind of delivery %(value)s.") % {"value": repr(delivery)}, field="delivery"
        )
    given = {
        "delivery": delivery,
        "is_training": is_training,
        "train_the_trainer": train_the_trainer,
        "curriculum_integration": curriculum_integration,
        "local_ownership": local_ownership,
        "post_donor_funding": post_donor_funding,
    }
    for name, value in given.items():
        if value is not None:
            setattr(action, name, value)
    _refresh_sustainability(action)
    save_versioned(
        action,
        expected_version=action.version if expected_version is None else expected_version,
        fields=[*_PROFILE_FIELDS, "drive_by_training", "sustainability_score"],
    )
    audit_append(
        action="action_set_sustainability",
        actor=actor,
        obj=action,
        detail={
            "drive_by_training": action.drive_by_training,
            "score": action.sustainability_score,
            "version": action.version,
        },
    )
    return action


@transaction.atomic
def milestone_create(*, actor: Actor, action: Action, title: str, due: date) -> Milestone:
    _require(
        rules.may_create_milestone,
        actor,
        action,
        message=_("Only the plan's editors or the owner organisation may add milestones."),
    )
    milestone = Milestone(action=action, title=_text(title, "title"), due=due)
    _copy_label(milestone, action)
    milestone.save()
    _copy_shares(milestone, action)
    audit_append(action="milestone_create", actor=actor, obj=milestone)
    return milestone


@transaction.atomic
def milestone_complete(*, actor: Actor, milestone: Milestone, done_on: date) -> Milestone:
    _require(
        rules.may_complete_milestone,
        actor,
        milestone,
        message=_("Only the plan's editors or the owner organisation may do this."),
    )
    milestone.done_on = done_on
    _bump(milestone)
    milestone.save()
    audit_append(action="milestone_complete", actor=actor, obj=milestone)
    return milestone


# --- commitments ---------------------------------------------------------------------

_DATE_FIELD = {
    Commitment.Status.ACCEPTED: "accepted_on",
    Commitment.Status.DELIVERED: "delivered_on",
    Commitment.Status.VERIFIED: "verified_on",
    Commitment.Status.WITHDRAWN: "withdrawn_on",
}


def _event(
    commitment: Commitment, *, actor: Actor, from_status: str, to_status: str, on: date, note: str
) -> CommitmentEvent:
    event = CommitmentEvent(
        commitment=commitment,
        from_status=from_status,
        to_status=to_status,
        on=on,
        actor=user_of(actor),
        note=note[:2000],
    )
    _copy_label(event, commitment)
    event.save()
    return event


@transaction.atomic
def commitment_offer(
    *,
    actor: Actor,
    need: Need,
    organisation: Organisation,
    kind: str = Commitment.Kind.MONEY,
    amount: Decimal | str | None = None,
    currency: str = "USD",
    description: str = "",
    start: date | None = None,
    end: date | None = None,
    action: Action | None = None,
    tlp: str | None = None,
    on: date | None = None,
) -> Commitment:
    """An organisation pledges money, people or in-kind support to a need it may see."""
    if not _visible(actor, need):
        raise _not_found()
    _require(
        rules.may_offer,
        actor,
        Commitment(need=need, organisation=organisation),
        see=need,
        message=_("Only editors of the pledging organisation may offer for it."),
    )
    if kind not in Commitment.Kind.values:
        raise ServiceError(
            _("Unknown kind of commitment %(value)s.") % {"value": repr(kind)}, field="kind"
        )
    money = _money(amount, "amount")
    if kind == Commitment.Kind.MONEY and not money:
        raise ServiceError(_("A money commitment needs an amount above zero."), field="amount")
    _dates(start, end, required=False)
    if action is not None and action.need_id != need.pk:
        raise ServiceError(_("The action belongs to another need."), field="action")
    commitment = Commitment(
        need=need,
        action=action,
        organisation=organisation,
        kind=kind,
        amount=money,
        currency=_currency(currency, need.plan),
        description=_text(description, "description", required=False, limit=5000),
        start=start,
        end=end,
        status=Commitment.Status.OFFERED,
        offered_on=on or timezone.localdate(),
        offered_by=user_of(actor),
    )
    _copy_label(commitment, need, tlp)
    commitment.save()
    _copy_shares(commitment, need)
    _event(
        commitment,
        actor=actor,
        from_status="",
        to_status=Commitment.Status.OFFERED,
        on=commitment.offered_on or timezone.localdate(),
        note="",
    )
    audit_append(
        action="commitment_offer",
        actor=actor,
        obj=commitment,
        detail={
            "need": need.pk,
            "organisation": organisation.slug,
            "amount": str(money) if money is not None else None,
            "currency": commitment.currency,
        },
    )
    notify_handoff(
        kind="planning.commitment_offered",
        subject_obj=commitment,
        actor=actor,
        url=reverse("planning:commitment_detail", args=[commitment.pk]),
    )
    return commitment


#: The rule for each move, by the status a commitment moves to.
TRANSITION_RULES: dict[str, Rule] = {
    Commitment.Status.ACCEPTED: rules.may_accept,
    Commitment.Status.IN_PROGRESS: rules.may_start,
    Commitment.Status.DELIVERED: rules.may_deliver,
    Commitment.Status.VERIFIED: rules.may_verify,
    Commitment.Status.WITHDRAWN: rules.may_withdraw,
}

#: Who is recorded for each move (separation of duties reads these).
_PERSON_FIELD = {
    Commitment.Status.ACCEPTED: "accepted_by",
    Commitment.Status.IN_PROGRESS: "started_by",
    Commitment.Status.DELIVERED: "delivered_by",
    Commitment.Status.VERIFIED: "verified_by",
}


def commitment_next_steps(actor: Any, commitment: Commitment) -> list[str]:
    """The statuses the actor may move the commitment to now."""
    return [
        target.value
        for target in rollup.allowed_targets(commitment.status)
        if allowed(TRANSITION_RULES[target.value], actor, commitment)
    ]


def _refusal(commitment: Commitment, actor: Actor, current: str, to: str) -> str:
    """Why the actor may not make this (existing) move, in words."""
    sides = rollup.TRANSITIONS[(rollup.CommitmentStatus(current), rollup.CommitmentStatus(to))]
    if isinstance(actor, SystemActor):  # pragma: no cover - system rules allow every move
        return str(PermissionDenied().message)
    scope = scope_of(actor)
    pledger = rules.speaks_for_pledger(scope, commitment)
    beneficiary = rules.speaks_for_beneficiary(scope, commitment)
    if rollup.ActorSide.PLEDGER in sides and pledger:
        return _(
            "You accepted or verified this commitment for the state, so you may not also "
            "act for the pledging organisation on it."
        )
    if rollup.ActorSide.BENEFICIARY in sides and beneficiary:
        return _(
            "You offered, started or delivered this commitment for the pledging organisation, "
            "so you may not also accept or verify it for the state."
        )
    if pledger or beneficiary:
        side = rollup.ActorSide.PLEDGER if pledger else rollup.ActorSide.BENEFICIARY
        try:
            rollup.check_transition(current, to, side)
        except rollup.IllegalTransition as exc:
            return _(exc.template) % exc.params
    return _(
        "Only editors of the pledging organisation or the beneficiary state's focal point "
        "may change this commitment."
    )


@transaction.atomic
def commitment_transition(
    *,
    actor: Actor,
    commitment: Commitment,
    to: str,
    note: str = "",
    on: date | None = None,
) -> Commitment:
    """Move a commitment through offered -> accepted -> in progress -> delivered -> verified
    (or withdrawn). The beneficiary state accepts and verifies; the pledger starts and
    delivers; either may withdraw before delivery. Nobody speaks for both sides of one
    commitment (see `reef.planning.rules`)."""
    if not _visible(actor, commitment):
        raise _not_found()
    if not any(allowed(r, actor, commitment) for r in set(TRANSITION_RULES.values())):
        raise PermissionDenied(
            _(
                "Only editors of the pledging organisation or the beneficiary state's focal point "
                "may change this commitment."
            )
        )
    current = commitment.status
    if to not in {t.value for t in rollup.allowed_targets(current)}:
        try:
            rollup.check_transition(current, to, rollup.ActorSide.PLEDGER)
        except rollup.IllegalTransition as exc:
            raise ServiceError(_(exc.template) % exc.params, field="status") from None
    try:
        require(TRANSITION_RULES[to], actor, commitment)
    except PermissionDenied:
        raise PermissionDenied(_refusal(commitment, actor, current, to)) from None
    when = on or timezone.localdate()
    commitment.status = to
    field = _DATE_FIELD.get(Commitment.Status(to))
    if field:
        setattr(commitment, field, when)
    person = _PERSON_FIELD.get(Commitment.Status(to))
    if person:
        setattr(commitment, person, user_of(actor))
    _bump(commitment)
    commitment.save()
    _event(commitment, actor=actor, from_status=current, to_status=to, on=when, note=note)
    audit_append(
        action="commitment_transition",
        actor=actor,
        obj=commitment,
        detail={"from": current, "to": to, "note": note[:200]},
    )
    side = (
        "beneficiary"
        if isinstance(actor, SystemActor)
        or rules.speaks_for_beneficiary(scope_of(actor), commitment)
        else "pledger"
    )
    if kind := commitment_kind(to, side):
        notify_handoff(
            kind=kind,
            subject_obj=commitment,
            actor=actor,
            url=reverse("planning:commitment_detail", args=[commitment.pk]),
        )
    return commitment


# --- risks ---------------------------------------------------------------------------


@transaction.atomic
def risk_create(
    *,
    actor: Actor,
    plan: Plan,
    category: str,
    description: str,
    likelihood: int,
    impact: int,
    risk_owner: str = "",
    mitigation: str = "",
    review_on: date | None = None,
) -> Risk:
    _require(rules.may_create_risk, actor, plan, message=str(_EDITORS_ONLY))
    if category not in RiskCategory.values:
        raise ServiceError(
            _("Unknown risk category %(value)s.") % {"value": repr(category)}, field="category"
        )
    risk = Risk(
        plan=plan,
        category=category,
        description=_text(description, "description", limit=5000),
        likelihood=_rating(likelihood, "likelihood"),
        impact=_rating(impact, "impact"),
        risk_owner=_text(risk_owner, "risk_owner", required=False, limit=200),
        mitigation=_text(mitigation, "mitigation", required=False, limit=5000),
        review_on=review_on,
    )
    _copy_label(risk, plan)
    risk.save()
    _copy_shares(risk, plan)
    audit_append(action="risk_create", actor=actor, obj=risk)
    return risk


@transaction.atomic
def risk_update(
    *,
    actor: Actor,
    risk: Risk,
    likelihood: int | None = None,
    impact: int | None = None,
    mitigation: str | None = None,
    review_on: date | KeepType | None = KEEP,
    risk_owner: str | None = None,
    expected_version: int | None = None,
) -> Risk:
    """Re-rate a risk, change its owner, mitigation and review date. A value left None
    keeps the stored one; `review_on` is kept unless given (None clears it).

    Versioned like `need_update` (`expected_version`, `Conflict`); everything is
    validated before anything is changed."""
    _require(rules.may_edit_risk, actor, risk, see=risk.plan, message=str(_EDITORS_ONLY))
    values: dict[str, Any] = {
        "likelihood": _rating(risk.likelihood if likelihood is None else likelihood, "likelihood"),
        "impact": _rating(risk.impact if impact is None else impact, "impact"),
        "mitigation": _text(
            risk.mitigation if mitigation is None else mitigation,
            "mitigation",
            required=False,
            limit=5000,
        ),
        "review_on": risk.review_on if isinstance(review_on, KeepType) else review_on,
    }
    if risk_owner is not None:
        values["risk_owner"] = _text(risk_owner, "risk_owner", required=False, limit=200)
    changed = sorted(k for k, v in values.items() if getattr(risk, k) != v)
    for name, value in values.items():
        setattr(risk, name, value)
    save_versioned(
        risk,
        expected_version=risk.version if expected_version is None else expected_version,
        fields=list(values),
    )
    audit_append(
        action="risk_update",
        actor=actor,
        obj=risk,
        detail={"changed": changed, "score": risk.score, "version": risk.version},
    )
    return risk


# --- twinning ------------------------------------------------------------------------


@transaction.atomic
def twinning_link(*, actor: Actor, a_ref: str, b_ref: str, note: str = "") -> TwinningLink:
    """Link two efforts found by the twinning detector (refs as 'action:ID'/'commitment:ID').

    The actor must see both and edit for one of the two organisations, or be a manager
    of the country or a coordinator of its region.
    """
    from reef.planning import selectors

    if a_ref == b_ref:
        raise ServiceError(_("An effort cannot be twinned with itself."), field="b_ref")
    a_ref, b_ref = sorted([a_ref, b_ref])
    a = selectors.effort_get(actor, a_ref)
    b = selectors.effort_get(actor, b_ref)
    if a.organisation_id == b.organisation_id:
        raise ServiceError(_("Both efforts are by the same organisation."), field="b_ref")
    pair = rules.EffortPair(a.organisation_id, b.organisation_id, a.country_id)
    if not allowed(rules.may_link, actor, pair):
        raise PermissionDenied(
            _(
                "Only the organisations involved, the country's managers or the "
                "region's coordinators may link these efforts."
            )
        )
    if TwinningLink.objects.filter(a_ref=a_ref, b_ref=b_ref).exists():
        raise ServiceError(_("These efforts are already linked."), field="b_ref")
    candidates = selectors.twinning_score(a, b)
    link = TwinningLink(
        a_ref=a_ref,
        b_ref=b_ref,
        a_title=a.title[:300],
        b_title=b.title[:300],
        a_organisation_id=a.organisation_id,
        b_organisation_id=b.organisation_id,
        country_id=a.country_id,
        score=Decimal(str(candidates[0])) if candidates else Decimal(0),
        why=candidates[1] if candidates else "",
        note=_text(note, "note", required=False, limit=2000),
        created_by=user_of(actor),
        tlp=stricter(a.tlp, b.tlp),
        owner_country_id=a.owner_country_id,
        owner_organisation_id=a.owner_organisation_id,
    )
    link.save()
    audit_append(action="twinning_link", actor=actor, obj=link, detail={"a": a_ref, "b": b_ref})
    return link
