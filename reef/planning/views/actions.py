"""Actions and milestones: an action's page, progress, sustainability profile and milestones."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reef.core.http import signed_in_user
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.directory.models import Organisation
from reef.planning import rules, selectors, services
from reef.planning.forms import ActionForm, MilestoneForm, ProgressForm, SustainabilityForm
from reef.planning.models import Action, Need
from reef.planning.views.common import (
    _SUSTAINABILITY_LEVELS,
    _conflict_page,
    _may_or_refuse,
    _organisation_choices,
    submit,
    versioned_edit,
)


def _warn_drive_by(request: HttpRequest, action: Action) -> None:
    if action.drive_by_training:
        messages.warning(
            request,
            _(
                "This action is flagged as drive-by training: a one-off "
                "training with no local follow-up."
            ),
        )


def _create(user: Any, need: Need, d: dict[str, Any]) -> Action:
    return services.action_create(
        actor=user,
        need=need,
        title=d["title"],
        description=d["description"],
        lead_organisation=Organisation.objects.filter(slug=d["lead_organisation"]).first(),
        start=d["start"],
        end=d["end"],
        budget_amount=d["budget_amount"],
        budget_currency=d["budget_currency"],
        delivery=d["delivery"],
        is_training=d["is_training"],
        train_the_trainer=d["train_the_trainer"],
        curriculum_integration=d["curriculum_integration"],
        local_ownership=d["local_ownership"],
        post_donor_funding=d["post_donor_funding"],
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    need = selectors.need_get(user, pk)
    if not allowed(rules.may_create_action, user, need):
        raise DjangoPermissionDenied
    outcome = submit(
        request,
        ActionForm(request.POST, organisations=_organisation_choices()),
        lambda d: _create(user, need, d),
        invalid=_("The action was not added: check the fields."),
    )
    if outcome is None or not isinstance(outcome.result, Action):
        return redirect("planning:need_detail", pk=need.pk)
    _warn_drive_by(request, outcome.result)
    messages.success(request, _("The action was added."))
    return redirect("planning:action_detail", pk=outcome.result.pk)


@access(Rule.LABELLED)
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get(request.user, pk)
    user = request.user
    assessment = services.action_assessment(action)
    may_report = allowed(rules.may_report_action, user, action)
    may_add_milestone = allowed(rules.may_create_milestone, user, action)
    return render(
        request,
        "planning/action_detail.html",
        {
            "action": action,
            "assessment": assessment,
            "sustainability_level": _SUSTAINABILITY_LEVELS.get(assessment.level, assessment.level),
            "sustainability_reasons": [
                _(template) % {"points": points} for template, points in assessment.explained
            ],
            "may_edit_sustainability": allowed(rules.may_set_sustainability, user, action),
            "milestones": action.milestones.all(),
            "commitments": selectors.commitments_for(user).filter(action=action),
            "milestone_form": MilestoneForm() if may_add_milestone else None,
            "progress_form": ProgressForm(
                initial={"status": action.status, "progress": action.progress}
            )
            if may_report
            else None,
        },
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    action = selectors.action_get(user, pk)
    submit(
        request,
        ProgressForm(request.POST),
        lambda d: services.action_report_progress(
            actor=user, action=action, status=d["status"], progress=d["progress"]
        ),
        invalid=_("Give a status and a progress from 0 to 100."),
        success=_("Progress recorded."),
    )
    return redirect("planning:action_detail", pk=action.pk)


_PROFILE_FIELDS = [
    "delivery",
    "is_training",
    "train_the_trainer",
    "curriculum_integration",
    "local_ownership",
    "post_donor_funding",
]


def _sustainability_context(action: Action) -> dict[str, Any]:
    assessment = services.action_assessment(action)
    return {
        "action": action,
        "assessment": assessment,
        "sustainability_level": _SUSTAINABILITY_LEVELS.get(assessment.level, assessment.level),
        "sustainability_reasons": [
            _(template) % {"points": points} for template, points in assessment.explained
        ],
    }


def _sustainability_saved(request: HttpRequest, action: Action) -> HttpResponse:
    messages.success(
        request,
        _("The sustainability profile was saved: score %(score)s/100.")
        % {"score": action.sustainability_score},
    )
    _warn_drive_by(request, action)
    return redirect("planning:action_detail", pk=action.pk)


@access(Rule.SERVICE)
@login_required
def action_sustainability(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an action's sustainability profile; the score is recomputed and shown."""
    user = signed_in_user(request)
    action = selectors.action_get(user, pk)
    _may_or_refuse(rules.may_set_sustainability, user, action, action.plan)
    initial = {name: getattr(action, name) for name in _PROFILE_FIELDS}
    initial["version"] = action.version
    return versioned_edit(
        request,
        SustainabilityForm(request.POST or None, initial=initial),
        save=lambda d: services.action_set_sustainability(
            actor=user,
            action=action,
            expected_version=d["version"],
            **{name: d[name] for name in _PROFILE_FIELDS},
        ),
        success="",
        done=lambda: _sustainability_saved(request, action),
        conflict=lambda d: _conflict_page(
            request,
            record=action,
            form_class=SustainabilityForm,
            fields=_PROFILE_FIELDS,
            yours={k: d.get(k) for k in _PROFILE_FIELDS},
            template="planning/action_sustainability.html",
            context=_sustainability_context(Action._base_manager.get(pk=action.pk)),
        ),
        template="planning/action_sustainability.html",
        context=_sustainability_context(action),
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    action = selectors.action_get(user, pk)
    submit(
        request,
        MilestoneForm(request.POST),
        lambda d: services.milestone_create(
            actor=user, action=action, title=d["title"], due=d["due"]
        ),
        invalid=_("Give the milestone a title and a due date."),
        success=_("Milestone added."),
    )
    return redirect("planning:action_detail", pk=action.pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    milestone = selectors.milestone_get(user, pk)
    call_service(
        request,
        lambda: services.milestone_complete(
            actor=user, milestone=milestone, done_on=timezone.localdate()
        ),
        _("Milestone done."),
    )
    return redirect("planning:action_detail", pk=milestone.action_id)
