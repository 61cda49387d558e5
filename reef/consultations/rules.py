"""Who may write what in a consultation: pure predicates over the actor's scope.

Visibility (whether a person may see the consultation at all) stays in the access
layer: services check it first and answer "not found", then ask these rules.
The owner's editors run a consultation; the people it invites take part in it.
"""

from __future__ import annotations

from typing import Any

from reef.consultations.models import (
    Amendment,
    Consultation,
    DelphiRound,
    Participation,
    Section,
    Statement,
)
from reef.core import independence
from reef.core.roles import Action, Scope
from reef.core.rules import rule

EDITORS = (
    "editors and managers of the owning country or organisation; for the review of an "
    "assessment's draft report, its team lead and the assessed country's coordinators"
)
REPORT_LEAD = (
    "editors and managers of the owning country or organisation; for the review of an "
    "assessment's draft report, its team lead only"
)
PARTICIPANTS = (
    "named members; anyone signed in who sees a public consultation; members of the "
    "owner's community (owner, community grouping and its countries' organisations) for a "
    "community one; the owner's editors"
)


def report_assessment(consultation: Any) -> Any:
    """The assessment whose draft report the consultation reviews, or None."""
    return getattr(consultation, "report_assessment", None)


def leads_report(scope: Scope, assessment: Any) -> bool:
    return scope.user_id is not None and assessment.lead_id == scope.user_id


def runs(scope: Scope, consultation: Any) -> bool:
    """The owner's editors run the consultation (moderate, decide amendments, open rounds).

    The review of a draft report is run by the assessment's team lead and the country's
    coordinators instead: the country's managers are the reviewers, not the authors.
    Works on anything carrying an owner, so an unsaved consultation can be checked
    before it is created."""
    assessment = report_assessment(consultation)
    if assessment is not None:
        return leads_report(scope, assessment) or scope.coordinates_country(assessment.country_id)
    return scope.can_in_country(
        consultation.owner_country_id, Action.EDIT
    ) or scope.can_in_organisation(consultation.owner_organisation_id, Action.EDIT)


def in_community(scope: Scope, consultation: Consultation) -> bool:
    """Members of the owner country or organisation, or of the community grouping:
    its coordinators, its countries' members and those countries' organisations."""
    if scope.user_id is None:
        return False
    if consultation.owner_country_id in scope.countries:
        return True
    if consultation.owner_organisation_id in scope.organisations:
        return True
    grouping = consultation.community_grouping
    if grouping is None:
        return False
    if grouping.pk in scope.groupings:
        return True
    countries = {m.country_id for m in grouping.memberships.all()}
    if countries & set(scope.countries):
        return True
    from reef.directory.models import Organisation

    return bool(scope.organisations) and any(
        o.country_id in countries
        for o in Organisation.objects.filter(pk__in=list(scope.organisations))
    )


def _is_member(consultation: Consultation, user_id: int) -> bool:
    """Whether the user is a named member: asked of the database (a consultation may name
    thousands), or of the members already loaded with the consultation."""
    loaded = getattr(consultation, "_prefetched_objects_cache", {}).get("members")
    if loaded is not None:
        return any(u.pk == user_id for u in loaded)
    if consultation.pk is None:
        return False
    return bool(consultation.members.filter(pk=user_id).exists())


def takes_part(scope: Scope, consultation: Consultation) -> bool:
    """Whether the person is invited (the window is checked by the services)."""
    if scope.user_id is None:
        return False
    if _is_member(consultation, scope.user_id):
        return True
    if consultation.participation == Participation.PUBLIC:
        return True
    if consultation.participation == Participation.COMMUNITY and in_community(scope, consultation):
        return True
    return runs(scope, consultation)


# ---------------------------------------------------------------- running a consultation


@rule("consultations.create", record="consultation", roles=EDITORS)
def may_create(scope: Scope, consultation: Consultation) -> bool:
    return runs(scope, consultation)


@rule("consultations.import_polis", record="consultation (Polis import)", roles=EDITORS)
def may_import_polis(scope: Scope, consultation: Consultation) -> bool:
    return runs(scope, consultation)


@rule(
    "consultations.export_polis",
    record="consultation (Polis export: every participant's votes)",
    roles=EDITORS,
)
def may_export_polis(scope: Scope, consultation: Consultation) -> bool:
    return runs(scope, consultation)


@rule("consultations.set_window", record="consultation", roles=EDITORS)
def may_set_window(scope: Scope, consultation: Consultation) -> bool:
    return runs(scope, consultation)


@rule("consultations.add_members", record="consultation", roles=EDITORS)
def may_add_members(scope: Scope, consultation: Consultation) -> bool:
    return runs(scope, consultation)


@rule("consultations.statement_moderate", record="statement", roles=EDITORS)
def may_moderate(scope: Scope, statement: Statement) -> bool:
    return runs(scope, statement.consultation)


@rule("consultations.delphi_round_create", record="Delphi round", roles=EDITORS)
def may_create_round(scope: Scope, consultation: Consultation) -> bool:
    return runs(scope, consultation)


@rule("consultations.delphi_round_close", record="Delphi round", roles=EDITORS)
def may_close_round(scope: Scope, round: DelphiRound) -> bool:
    return runs(scope, round.consultation)


@rule("consultations.section_create", record="draft section", roles=EDITORS)
def may_create_section(scope: Scope, consultation: Consultation) -> bool:
    return runs(scope, consultation)


@rule("consultations.amendment_decide", record="amendment", roles=REPORT_LEAD)
def may_decide_amendment(scope: Scope, amendment: Amendment) -> bool:
    assessment = report_assessment(amendment.consultation)
    if assessment is not None:  # the report's author answers its reviewers
        return leads_report(scope, assessment)
    return runs(scope, amendment.consultation)


@rule(
    "consultations.remind",
    record="consultation (closing reminders)",
    roles="the task worker only",
)
def may_remind(scope: Scope, consultation: Any) -> bool:
    return False  # no person sends reminders by hand: the worker does, once per closing date


# ---------------------------------------------------------------- taking part

# A system actor never takes part: answers are people's.


@rule("consultations.join", record="participant", roles=PARTICIPANTS, system=False)
def may_join(scope: Scope, consultation: Consultation) -> bool:
    return takes_part(scope, consultation)


@rule(
    "consultations.statement_submit",
    record="statement",
    roles=PARTICIPANTS + " (editors' statements need no moderation)",
    system=False,
)
def may_submit_statement(scope: Scope, consultation: Consultation) -> bool:
    return takes_part(scope, consultation)


@rule("consultations.vote", record="vote", roles=PARTICIPANTS, system=False)
def may_vote(scope: Scope, statement: Statement) -> bool:
    return takes_part(scope, statement.consultation)


@rule(
    "consultations.delphi_respond",
    record="Delphi response",
    roles=PARTICIPANTS + "; a first answer only from who has not seen the round's feedback",
    system=False,
)
def may_respond(scope: Scope, round: DelphiRound) -> bool:
    return takes_part(scope, round.consultation)


@rule("consultations.section_comment", record="section comment", roles=PARTICIPANTS, system=False)
def may_comment(scope: Scope, section: Section) -> bool:
    return takes_part(scope, section.consultation)


@rule("consultations.amendment_propose", record="amendment", roles=PARTICIPANTS, system=False)
def may_propose_amendment(scope: Scope, section: Section) -> bool:
    return takes_part(scope, section.consultation)


@rule("consultations.amendment_rebase", record="amendment", roles=PARTICIPANTS, system=False)
def may_rebase_amendment(scope: Scope, amendment: Amendment) -> bool:
    """Only its proposer re-writes a stale amendment on the section's new text."""
    return (
        scope.user_id is not None
        and amendment.participant.user_id == scope.user_id
        and takes_part(scope, amendment.consultation)
    )


# ---------------------------------------------------------------- Delphi independence


def round_phase(round: DelphiRound, *, has_submitted: bool) -> independence.Phase:
    """A Delphi round is an independent phase while it is open: its feedback (medians,
    distributions) is for the panellists who have given a first answer to every item."""
    return independence.Phase(
        open=round.status == DelphiRound.Status.OPEN, has_submitted=has_submitted
    )


def may_see_feedback(round: DelphiRound, *, has_submitted: bool) -> bool:
    """Nobody else sees an open round's feedback: not the owner's editors, not the
    people who may still join; everyone who may see the consultation once it closes."""
    return independence.may_see_aggregate(round_phase(round, has_submitted=has_submitted))


def may_answer_first(round: DelphiRound, *, has_seen_feedback: bool) -> bool:
    """A first answer is independent only from someone who has not seen the feedback."""
    return independence.may_answer(
        phase_open=round.status == DelphiRound.Status.OPEN, has_seen_others=has_seen_feedback
    )
