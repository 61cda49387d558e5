"""Who may do what to an assessment: pure predicates over the actor's scope (reef.core.rules).

The workflow state (which step comes next) is checked by the services; these rules say
who. Team membership and the lead are read from the assessment (`team` is prefetched by
`selectors.assessment_get`). Administrators have no rights here by that role, except to
import an assessment for a country (the fresh-install path): they cannot read it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reef.core import independence
from reef.core.roles import Action, Scope
from reef.core.rules import rule

if TYPE_CHECKING:
    from reef.assessments.models import Assessment, Rating
    from reef.directory.models import Country


def on_team(scope: Scope, assessment: Assessment) -> bool:
    if scope.user_id is None:
        return False
    return any(u.pk == scope.user_id for u in assessment.team.all())


def role_of(scope: Scope, assessment: Assessment) -> str | None:
    """The actor's role on the team (None when not on it)."""
    if scope.user_id is None:
        return None
    return next((m.role for m in assessment.memberships.all() if m.user_id == scope.user_id), None)


def is_lead(scope: Scope, assessment: Assessment) -> bool:
    return scope.user_id is not None and assessment.lead_id == scope.user_id


def manages_country(scope: Scope, assessment: Assessment) -> bool:
    return scope.can_in_country(assessment.country_id, Action.MANAGE)


def coordinates(scope: Scope, assessment: Assessment) -> bool:
    return scope.coordinates_country(assessment.country_id)


# ------------------------------------------------------------------- request -> team


@rule(
    "assessments.request",
    record="assessment of a country (request, re-assessment)",
    roles="managers of the country (its focal points)",
    system=False,
)
def may_request(scope: Scope, country: Country) -> bool:
    return scope.can_in_country(country.pk, Action.MANAGE)


@rule(
    "assessments.accept",
    record="assessment",
    roles="coordinators of a grouping that includes the assessed country",
    system=False,
)
def may_accept(scope: Scope, assessment: Assessment) -> bool:
    return coordinates(scope, assessment)


@rule(
    "assessments.assign_team",
    record="assessment",
    roles="coordinators of a grouping that includes the assessed country",
    system=False,
)
def may_assign_team(scope: Scope, assessment: Assessment) -> bool:
    return coordinates(scope, assessment)


@rule(
    "assessments.open_rating",
    record="assessment",
    roles=(
        "coordinators of a grouping that includes the assessed country, once the team "
        "holds a technical and a criminal-justice assessor"
    ),
    system=False,
)
def may_open_rating(scope: Scope, assessment: Assessment) -> bool:
    return coordinates(scope, assessment)


@rule(
    "assessments.session_record",
    record="stakeholder session of an assessment",
    roles="the assessment team and the assessed country's regional coordinators",
    system=False,
)
def may_record_session(scope: Scope, assessment: Assessment) -> bool:
    return on_team(scope, assessment) or coordinates(scope, assessment)


# ------------------------------------------------------------------------- rating


@rule(
    "assessments.rate",
    record="rating (an assessor's own)",
    roles="members of the assessment team but its observers",
    system=False,
)
def may_rate(scope: Scope, assessment: Assessment) -> bool:
    return on_team(scope, assessment) and role_of(scope, assessment) != "observer"


@rule(
    "assessments.rating_view",
    record="rating of another assessor (read)",
    roles=(
        "its author only while rating is open (independence); once rating closes, "
        "whoever may read its label (the country and the team)"
    ),
    system=False,
)
def may_see_rating(scope: Scope, rating: Rating) -> bool:
    """The independence part only; the label is checked by the access layer (`for_user`).

    Ratings have no submit step (a placeholder such as `unknown` is an answer like any
    other, not a submission), so nobody but the author sees one until rating closes.
    """
    phase = independence.Phase(
        open=not rating.assessment.results_open,
        is_author=scope.user_id is not None and rating.assessor_id == scope.user_id,
    )
    return independence.may_see_answer(phase)


@rule(
    "assessments.close_rating",
    record="assessment",
    roles="the assessment's team lead",
    system=False,
)
def may_close_rating(scope: Scope, assessment: Assessment) -> bool:
    return is_lead(scope, assessment)


# ------------------------------------------------------------------ consolidation


@rule(
    "assessments.decide",
    record="consolidation decision",
    roles="the assessment's team lead",
    system=False,
)
def may_decide(scope: Scope, assessment: Assessment) -> bool:
    return is_lead(scope, assessment)


@rule(
    "assessments.finish_consolidation",
    record="assessment",
    roles="the assessment's team lead",
    system=False,
)
def may_finish_consolidation(scope: Scope, assessment: Assessment) -> bool:
    return is_lead(scope, assessment)


@rule(
    "assessments.set_summary",
    record="assessment (executive summary of the report)",
    roles="the assessment's team lead",
    system=False,
)
def may_set_summary(scope: Scope, assessment: Assessment) -> bool:
    return is_lead(scope, assessment)


# ------------------------------------------------------------------------ targets


@rule(
    "assessments.set_targets",
    record="target of an assessment",
    roles="the assessment's team lead and managers of the assessed country",
    system=False,
)
def may_set_targets(scope: Scope, assessment: Assessment) -> bool:
    return is_lead(scope, assessment) or manages_country(scope, assessment)


@rule(
    "assessments.agree_targets",
    record="assessment",
    roles="managers of the assessed country (its focal points)",
    system=False,
)
def may_agree_targets(scope: Scope, assessment: Assessment) -> bool:
    return manages_country(scope, assessment)


@rule(
    "assessments.gap_to_need",
    record="need of the national plan made from an assessment's gap",
    roles="managers of the assessed country",
    system=False,
)
def may_propose_need(scope: Scope, assessment: Assessment) -> bool:
    return manages_country(scope, assessment)


# ------------------------------------------------------------------------- import


@rule(
    "assessments.import",
    record="assessment of a country (imported from a file)",
    roles=(
        "managers of the country, coordinators of its region, platform administrators; "
        "the operator's console import"
    ),
)
def may_import(scope: Scope, country: Country) -> bool:
    # An administrator may load a country's past assessment on a fresh install; reading it
    # back is for the country (the administrator role reads no AMBER record).
    return (
        scope.is_admin
        or scope.can_in_country(country.pk, Action.MANAGE)
        or scope.coordinates_country(country.pk)
    )


# ------------------------------------------------------------------ report review


@rule(
    "assessments.review_open",
    record="review of the draft report by the assessed country (a section-review consultation)",
    roles=(
        "the assessment's team lead and coordinators of a grouping that includes the "
        "assessed country, once the targets are agreed"
    ),
    system=False,
)
def may_open_review(scope: Scope, assessment: Assessment) -> bool:
    return is_lead(scope, assessment) or coordinates(scope, assessment)


# ------------------------------------------------------------------------- report


@rule(
    "assessments.report",
    record="assessment report (PDF, DOCX: asked of the worker, then downloaded)",
    roles=(
        "whoever may read the assessment (its label), once rating has closed "
        "(independence); each reader gets what they may see"
    ),
    system=False,
)
def may_get_report(scope: Scope, assessment: Assessment) -> bool:
    """The independence part; the label is checked by the access layer (`for_user`)."""
    return scope.user_id is not None and assessment.results_open
