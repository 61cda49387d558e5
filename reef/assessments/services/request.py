"""A country's request for an assessment, and its acceptance by a coordinator."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from reef.assessments import rules
from reef.assessments.models import DEFAULT_ASSESSMENT_TLP, Assessment, Status
from reef.assessments.services.common import _authorised, _check_status, _set_status
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor
from reef.directory.models import Country
from reef.frameworks.models import Framework
from reef.notifications.services import notify_handoff


@transaction.atomic
def assessment_request(
    *,
    actor: Actor,
    country: Country,
    framework: Framework,
    cycle: str,
    title: str = "",
) -> Assessment:
    """The country's focal point (a manager of the country) requests an assessment.

    A later request for the same country and framework is a re-assessment: it is linked
    to the most recent earlier one (`previous`).
    """
    user = _authorised(
        rules.may_request,
        actor,
        country,
        _("Only the country's focal point may request its assessment."),
    )
    cycle = cycle.strip()
    if not cycle:
        raise ServiceError(_("Give the cycle, for example the year."), field="cycle")
    if len(cycle) > 40 or len(title.strip()) > 200:
        raise ServiceError(
            _("The cycle has at most 40 characters and the title at most 200."), field="cycle"
        )
    if Assessment.objects.filter(
        country=country, framework__slug=framework.slug, cycle=cycle
    ).exists():
        raise ServiceError(
            _("%(country)s already has a %(framework)s assessment for cycle %(cycle)s.")
            % {"country": country.display_name, "framework": framework.slug, "cycle": cycle},
            field="cycle",
        )
    previous = (
        Assessment.objects.filter(country=country, framework__slug=framework.slug)
        .order_by("-created_at", "-pk")
        .first()
    )
    assessment: Assessment = Assessment.objects.create(
        framework=framework,
        country=country,
        cycle=cycle,
        title=title.strip() or f"{country.name}: {framework.name} ({cycle})",
        requested_by=user,
        previous=previous,
        tlp=DEFAULT_ASSESSMENT_TLP,
        owner_country=country,
    )
    audit_append(action="assessment_request", actor=actor, obj=assessment)
    notify_handoff(
        kind="assessment.requested",
        subject_obj=assessment,
        actor=actor,
        url=reverse("assessments:assessment_detail", args=[assessment.pk]),
    )
    return assessment


@transaction.atomic
def assessment_accept(*, actor: Actor, assessment: Assessment) -> Assessment:
    user = _authorised(
        rules.may_accept,
        actor,
        assessment,
        _("Only a coordinator of a grouping that includes the country may accept the request."),
    )
    _check_status(assessment, [Status.REQUESTED], "accept")
    assessment.accepted_by = user
    _set_status(assessment, Status.ACCEPTED, ["accepted_by"])
    audit_append(action="assessment_accept", actor=actor, obj=assessment)
    notify_handoff(
        kind="assessment.accepted",
        subject_obj=assessment,
        actor=actor,
        url=reverse("assessments:assessment_detail", args=[assessment.pk]),
    )
    return assessment
