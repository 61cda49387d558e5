"""A plan as JSON data (format "reef-plan", version 1), as the user may see it."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal
from typing import Any

from django.utils import timezone

from reef.planning import selectors
from reef.planning.exchange.document import BOOLS, FORMAT, VERSION
from reef.planning.models import Action, Commitment, Need, Plan, Risk


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _action(a: Action) -> dict[str, Any]:
    return {
        "ref": f"action-{a.pk}",
        "title": a.title,
        "description": a.description,
        "lead_organisation": a.lead_organisation.slug if a.lead_organisation else None,
        "start": a.start.isoformat(),
        "end": a.end.isoformat(),
        "budget": {"amount": _dec(a.budget_amount), "currency": a.budget_currency},
        "status": a.status,
        "progress": a.progress,
        "sustainability": {
            "delivery": a.delivery,
            **{k: getattr(a, k) for k in BOOLS},
            "drive_by_training": a.drive_by_training,
            "score": a.sustainability_score,
        },
        "milestones": [
            {
                "title": m.title,
                "due": m.due.isoformat(),
                "done_on": m.done_on.isoformat() if m.done_on else None,
            }
            for m in a.milestones.all()
        ],
    }


def _need(n: Need, actions: list[Action]) -> dict[str, Any]:
    return {
        "ref": f"need-{n.pk}",
        "priority": n.position,
        "area": n.area.key,
        "title": n.title,
        "description": n.description,
        "tlp": n.tlp,
        "source": n.source,
        "framework": n.framework,
        "factor_key": n.factor_key,
        "aspect_key": n.aspect_key,
        "missing_indicators": n.missing_indicators,
        "assessment_ref": n.assessment_ref,
        "cost": {"amount": _dec(n.cost_amount), "currency": n.cost_currency},
        "ratings": {
            "impact": n.impact,
            "urgency": n.urgency,
            "feasibility": n.feasibility,
            "cost": n.cost_rating,
        },
        "score": _dec(n.score),
        "actions": [_action(a) for a in actions],
    }


def _plan(plan: Plan) -> dict[str, Any]:
    return {
        "kind": plan.kind,
        "title": plan.title,
        "cycle": plan.cycle,
        "country": plan.country.code if plan.country else None,
        "organisation": plan.organisation.slug if plan.organisation else None,
        "grouping": plan.grouping.slug if plan.grouping else None,
        "tlp": plan.tlp,
        "currency": plan.currency,
        "taxonomy": plan.taxonomy,
        "weights": {k: str(v) for k, v in plan.weights.items()},
        "start": plan.start.isoformat() if plan.start else None,
        "end": plan.end.isoformat() if plan.end else None,
        "priorities_confirmed_at": (
            plan.priorities_confirmed_at.isoformat() if plan.priorities_confirmed_at else None
        ),
    }


def _risk(r: Risk) -> dict[str, Any]:
    return {
        "category": r.category,
        "description": r.description,
        "likelihood": r.likelihood,
        "impact": r.impact,
        "owner": r.risk_owner,
        "mitigation": r.mitigation,
        "review_on": r.review_on.isoformat() if r.review_on else None,
    }


def _commitment(c: Commitment) -> dict[str, Any]:
    return {
        "ref": f"commitment-{c.pk}",
        "need": f"need-{c.need_id}",
        "organisation": c.organisation.slug,
        "kind": c.kind,
        "status": c.status,
        "amount": _dec(c.amount),
        "currency": c.currency,
        "description": c.description,
        "start": c.start.isoformat() if c.start else None,
        "end": c.end.isoformat() if c.end else None,
    }


def plan_to_dict(user: Any, plan: Plan) -> dict[str, Any]:
    """The plan as the user may see it, as plain JSON data."""
    by_need: dict[int, list[Action]] = {}
    for a in selectors.plan_actions(user, plan):
        by_need.setdefault(a.need_id, []).append(a)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
        "plan": _plan(plan),
        "needs": [_need(n, by_need.get(n.pk, [])) for n in selectors.plan_needs(user, plan)],
        "risks": [_risk(r) for r in selectors.plan_risks(user, plan)],
        "commitments": [_commitment(c) for c in selectors.plan_commitments(user, plan)],
    }
