"""Records as the planning API answers them (the shapes of `schemas`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from reef.planning import services
from reef.planning.models import Action, Commitment, Need, Plan, Risk


def plan_out(p: Plan) -> dict[str, Any]:
    return {
        "id": p.pk,
        "kind": p.kind,
        "title": p.title,
        "cycle": p.cycle,
        "country": p.country.code if p.country else None,
        "organisation": p.organisation.slug if p.organisation else None,
        "grouping": p.grouping.slug if p.grouping else None,
        "tlp": p.tlp,
        "currency": p.currency,
        "weights": p.weights,
        "priorities_confirmed_at": (
            p.priorities_confirmed_at.isoformat() if p.priorities_confirmed_at else None
        ),
    }


def need_out(n: Need) -> dict[str, Any]:
    return {
        "id": n.pk,
        "plan": n.plan_id,
        "country": n.country.code if n.country else None,
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
        "cost_amount": n.cost_amount,
        "cost_currency": n.cost_currency,
        "impact": n.impact,
        "urgency": n.urgency,
        "feasibility": n.feasibility,
        "cost_rating": n.cost_rating,
        "score": n.score,
        "position": n.position,
        "published": n.is_published,
        "version": n.version,
    }


def group_out(g: Any) -> dict[str, Any]:
    return {
        "key": g.key,
        "needs": g.needs,
        "covered_needs": g.covered_needs,
        "coverage": g.coverage,
        "cost": g.cost,
        "committed": g.committed,
        "gap": g.gap,
        "needs_without_cost": g.needs_without_cost,
    }


def risk_out(r: Risk) -> dict[str, Any]:
    return {
        "id": r.pk,
        "category": r.category,
        "description": r.description,
        "likelihood": r.likelihood,
        "impact": r.impact,
        "score": r.score,
        "risk_owner": r.risk_owner,
        "mitigation": r.mitigation,
        "review_on": r.review_on,
        "version": r.version,
    }


def action_out(a: Action) -> dict[str, Any]:
    return {
        "id": a.pk,
        "need": a.need_id,
        "title": a.title,
        "lead_organisation": a.lead_organisation.slug if a.lead_organisation else None,
        "start": a.start,
        "end": a.end,
        "status": a.status,
        "progress": a.progress,
        "sustainability_score": a.sustainability_score,
        "drive_by_training": a.drive_by_training,
        "tlp": a.tlp,
        "delivery": a.delivery,
        "is_training": a.is_training,
        "train_the_trainer": a.train_the_trainer,
        "curriculum_integration": a.curriculum_integration,
        "local_ownership": a.local_ownership,
        "post_donor_funding": a.post_donor_funding,
        "version": a.version,
    }


def commitment_out(request: HttpRequest, c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "need": c.need_id,
        "action": c.action_id,
        "organisation": c.organisation.slug,
        "kind": c.kind,
        "status": c.status,
        "amount": c.amount,
        "currency": c.currency,
        "description": c.description,
        "start": c.start,
        "end": c.end,
        "tlp": c.tlp,
        "next_steps": services.commitment_next_steps(request.user, c)
        if request.user.is_authenticated
        else [],
    }
