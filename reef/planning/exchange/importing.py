"""Plan import: a file (JSON or CSV) to its document, the document checked whole, then a new
national plan written from its needs, actions, milestones and risks in one transaction."""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from django.utils.translation import gettext as _

from reef.core import safeload
from reef.core.audit import audit_append
from reef.core.errors import PermissionDenied
from reef.core.rules import Actor, allowed
from reef.core.tlp import TLP
from reef.planning import rules, services
from reef.planning.exchange.csv_files import csv_to_dict
from reef.planning.exchange.document import (
    UNNAMED,
    PlanDocument,
    day,
    flag,
    obj,
    objs,
    read_plan,
    refuse,
    required_day,
    text,
    whole,
)
from reef.planning.models import Action, Need, Plan

PLAN_FILE_MAX_BYTES = 5 * 1024 * 1024


def plan_data_from_file(
    raw: str | bytes, filename: str, *, max_bytes: int = PLAN_FILE_MAX_BYTES
) -> dict[str, Any]:
    """The parse entry of plan import (CLI and page): CSV, or JSON read by the bounded loader.

    Size, depth, node count and non-finite numbers are refused before objects are built;
    errors name the file, the place and what was expected, and nothing is written.
    """
    limits = safeload.Limits(max_bytes=max_bytes)
    try:
        if filename.lower().endswith(".csv"):
            content = raw if isinstance(raw, str) else raw.decode("utf-8-sig")
            if len(content) > limits.max_bytes:
                raise safeload.LoadError(_("the file is too large"))
            return csv_to_dict(content, filename)
        data = safeload.load_json(raw, limits=limits)
    except UnicodeDecodeError as exc:
        message = _("not UTF-8 text (byte %(at)s)") % {"at": exc.start}
        raise refuse(filename, "", message) from None
    except safeload.LoadError as exc:
        raise refuse(filename, "", exc.message) from None
    return cast(dict[str, Any], data)  # its shape is checked by plan_import


def _create_plan(actor: Actor, doc: PlanDocument, cycle: str | None) -> Plan:
    meta = doc.meta
    return services.plan_create(
        actor=actor,
        country=doc.country,
        title=text(meta.get("title")),
        cycle=cycle or text(meta.get("cycle")),
        tlp=text(meta.get("tlp"), TLP.AMBER),
        currency=text(meta.get("currency"), "USD"),
        start=day(meta.get("start")),
        end=day(meta.get("end")),
        weights=obj(meta.get("weights")) or None,
    )


def _create_need(actor: Actor, plan: Plan, item: dict[str, Any]) -> Need:
    cost = obj(item.get("cost"))
    ratings = obj(item.get("ratings"))
    return services.need_create(
        actor=actor,
        plan=plan,
        area=text(item.get("area")),
        title=text(item.get("title")),
        description=text(item.get("description")),
        cost_amount=cost.get("amount"),
        cost_currency=text(cost.get("currency"), "USD"),
        impact=whole(ratings.get("impact"), 3),
        urgency=whole(ratings.get("urgency"), 3),
        feasibility=whole(ratings.get("feasibility"), 3),
        cost_rating=whole(ratings.get("cost"), 3),
        tlp=text(item.get("tlp"), plan.tlp),
        source=text(item.get("source"), "manual"),
        framework=text(item.get("framework")),
        factor_key=text(item.get("factor_key")),
        aspect_key=text(item.get("aspect_key")),
        missing_indicators=[str(k) for k in item.get("missing_indicators") or []],
        assessment_ref=item.get("assessment_ref") or None,
    )


def _create_action(actor: Actor, need: Need, a: dict[str, Any], doc: PlanDocument) -> Action:
    budget = obj(a.get("budget"))
    sus = obj(a.get("sustainability"))
    lead = a.get("lead_organisation")
    return services.action_create(
        actor=actor,
        need=need,
        title=text(a.get("title")),
        description=text(a.get("description")),
        lead_organisation=doc.organisations[str(lead)] if lead else None,
        start=required_day(a["start"]),
        end=required_day(a["end"]),
        budget_amount=budget.get("amount"),
        budget_currency=text(budget.get("currency"), "USD"),
        status=text(a.get("status"), "planned"),
        progress=whole(a.get("progress"), 0),
        delivery=text(sus.get("delivery"), "recurring_programme"),
        is_training=flag(sus.get("is_training", False)),
        train_the_trainer=flag(sus.get("train_the_trainer", False)),
        curriculum_integration=flag(sus.get("curriculum_integration", False)),
        local_ownership=flag(sus.get("local_ownership", False)),
        post_donor_funding=flag(sus.get("post_donor_funding", False)),
    )


def _create_milestones(actor: Actor, action: Action, milestones: list[dict[str, Any]]) -> None:
    for m in milestones:
        services.milestone_create(
            actor=actor, action=action, title=text(m.get("title")), due=required_day(m["due"])
        )


def _create_risk(actor: Actor, plan: Plan, r: dict[str, Any]) -> None:
    services.risk_create(
        actor=actor,
        plan=plan,
        category=text(r.get("category")),
        description=text(r.get("description")),
        likelihood=whole(r.get("likelihood"), 0),
        impact=whole(r.get("impact"), 0),
        risk_owner=text(r.get("owner")),
        mitigation=text(r.get("mitigation")),
        review_on=day(r.get("review_on")),
    )


@transaction.atomic
def plan_import(
    *, actor: Actor, data: dict[str, Any], cycle: str | None = None, filename: str = UNNAMED
) -> Plan:
    """Create a national plan from exported JSON (needs, actions, milestones, risks).

    The whole document is checked first (:func:`read_plan`: every problem of the file
    at once, as :class:`PlanFileError`); what the services refuse (an unknown area, a
    plan that exists for the cycle) rolls everything back.
    """
    doc = read_plan(data, filename)
    if not allowed(rules.may_import_plan, actor, doc.country):
        raise PermissionDenied(_("Only the country's managers may import a plan for it."))
    plan = _create_plan(actor, doc, cycle)
    needs = doc.ranked_needs()
    for item in needs:
        need = _create_need(actor, plan, item)
        for a in objs(item.get("actions")):
            action = _create_action(actor, need, a, doc)
            _create_milestones(actor, action, objs(a.get("milestones")))
    for r in objs(data.get("risks")):
        _create_risk(actor, plan, r)
    audit_append(action="plan_import", actor=actor, obj=plan, detail={"needs": len(needs)})
    return plan
