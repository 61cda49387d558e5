"""Actions under a need, their sustainability profile, and milestones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from reef.core.audit import audit_append
from reef.core.concurrency import save_versioned
from reef.core.errors import ServiceError
from reef.core.rules import Actor
from reef.directory.models import Organisation
from reef.planning import rules, sustainability
from reef.planning.models import Action, Milestone, Need
from reef.planning.services.common import (
    _EDITORS_ONLY,
    _bump,
    _copy_label,
    _copy_shares,
    _currency,
    _dates,
    _money,
    _require,
    _text,
)


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


# Long because an action has many fields, one check or copy each.
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
