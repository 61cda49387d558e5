"""The registry of notification kinds: one per hand-off of the cycle.

Each kind names the record it is about (`model`), a translatable title and body
(`%(subject)s` is the record's name, `%(actor)s` who acted), who it is for, and the
service that sends it. docs/notifications.md lists the same kinds; a test keeps
them equal.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    key: str
    model: str  # "app_label.model" of the record it is about
    title: Promise
    body: Promise
    audience: Promise
    sender: str  # the service that calls notify(...)
    recipients: str  # the function of reef.notifications.recipients that computes them


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.key in KINDS:
        raise RuntimeError(f"notification kind {kind.key!r} declared twice")
    KINDS[kind.key] = kind
    return kind


def get_kind(key: str) -> Kind | None:
    return KINDS.get(key)


register(
    Kind(
        key="assessment.requested",
        model="assessments.assessment",
        title=_("Assessment requested: %(subject)s"),
        body=_("%(actor)s requested an assessment. Accept it so that a team can be formed."),
        audience=_("the coordinators of the groupings the country belongs to"),
        sender="assessments.services.assessment_request",
        recipients="coordinators_of_assessed_country",
    )
)
register(
    Kind(
        key="assessment.accepted",
        model="assessments.assessment",
        title=_("Assessment accepted: %(subject)s"),
        body=_("%(actor)s accepted the assessment you requested. A mission team comes next."),
        audience=_("the focal point who requested it (else the country's managers)"),
        sender="assessments.services.assessment_accept",
        recipients="requester_of_assessment",
    )
)
register(
    Kind(
        key="mission.team_proposed",
        model="experts.missionrequest",
        title=_("You are proposed for a mission team: %(subject)s"),
        body=_("%(actor)s proposed you for this mission's team. Check your availability."),
        audience=_("the experts proposed for the team"),
        sender="experts.services.mission_team_propose",
        recipients="proposed_experts",
    )
)
register(
    Kind(
        key="mission.team_confirmed",
        model="experts.missionrequest",
        title=_("You are on the team for %(subject)s"),
        body=_("%(actor)s confirmed the mission team. Open the mission for its dates and team."),
        audience=_("the confirmed members of the mission team"),
        sender="experts.services.mission_team_confirm",
        recipients="confirmed_team_of_mission",
    )
)
register(
    Kind(
        key="review.invited",
        model="experts.reviewassignment",
        title=_("Review invitation: %(subject)s"),
        body=_("You are invited to review this proposal. Please accept or decline."),
        audience=_("the reviewer the round assigned"),
        sender="experts.services.round_open / round_assign",
        recipients="reviewer_of_assignment",
    )
)
register(
    Kind(
        key="review.reminder",
        model="experts.reviewassignment",
        title=_("Reminder: review of %(subject)s"),
        body=_(
            "The review window closes soon. Accept or decline the invitation, "
            "or submit your review."
        ),
        audience=_("the reviewer, while the review is still due"),
        sender="experts.services.reviews_remind",
        recipients="reviewer_of_assignment",
    )
)
register(
    Kind(
        key="mentoring.paired",
        model="experts.mentorpair",
        title=_("A new mentoring pair: %(subject)s"),
        body=_("You are paired for mentoring. Open the growth timeline to start."),
        audience=_("the mentee and the mentor"),
        sender="experts.services.mentoring_pairs_propose",
        recipients="members_of_pair",
    )
)
register(
    Kind(
        key="assessment.rating_opened",
        model="assessments.assessment",
        title=_("Rating is open: %(subject)s"),
        body=_("You are on the assessment team and rating is open. Rate each indicator."),
        audience=_("the assessment team"),
        sender="assessments.services.assessment_assign_team / assessment_open_rating",
        recipients="team_of_assessment",
    )
)
register(
    Kind(
        key="assessment.rating_closed",
        model="assessments.assessment",
        title=_("Rating closed: %(subject)s"),
        body=_("%(actor)s closed rating. As team lead, consolidate the ratings."),
        audience=_("the team lead"),
        sender="assessments.services.assessment_close_rating",
        recipients="lead_of_assessment",
    )
)
register(
    Kind(
        key="assessment.consolidated",
        model="assessments.assessment",
        title=_("Consolidation finished: %(subject)s"),
        body=_("%(actor)s finished consolidation. Set the targets with the team and agree them."),
        audience=_("the managers of the assessed country"),
        sender="assessments.services.assessment_finish_consolidation",
        recipients="managers_of_assessed_country",
    )
)
register(
    Kind(
        key="assessment.draft_report_ready",
        model="assessments.assessment",
        title=_("Draft report ready for your review: %(subject)s"),
        body=_("The draft report is ready. Review it section by section before it is final."),
        audience=_("the managers of the assessed country"),
        sender="assessments.services.assessment_review_open (the draft goes to review)",
        recipients="managers_of_assessed_country",
    )
)
register(
    Kind(
        key="assessment.amendment_proposed",
        model="assessments.assessment",
        title=_("Amendment to decide: %(subject)s"),
        body=_(
            "The country proposed an amendment to the draft report, with its reason. "
            "As team lead, accept or reject it with yours."
        ),
        audience=_("the team lead"),
        sender="consultations.services.amendment_propose (in the review of a draft report)",
        recipients="lead_of_assessment",
    )
)
register(
    Kind(
        key="assessment.report_released",
        model="assessments.assessment",
        title=_("Report released: %(subject)s"),
        body=_("%(actor)s released the final report."),
        audience=_("the assessment team and the coordinators of the country's groupings"),
        sender="assessments.services report release (the service that makes the report final)",
        recipients="team_and_coordinators",
    )
)
register(
    Kind(
        key="planning.need_published",
        model="planning.need",
        title=_("New need in an area you follow: %(subject)s"),
        body=_("A need was published that matches your organisation's interests."),
        audience=_(
            "editors and managers of consortium members whose interests match the need's area"
        ),
        sender="planning.services.need_create / need_create_from_gap (when published)",
        recipients="interested_consortium_members",
    )
)
register(
    Kind(
        key="planning.commitment_offered",
        model="planning.commitment",
        title=_("Support offered: %(subject)s"),
        body=_("%(actor)s offered support for one of your needs. Accept or decline it."),
        audience=_("the managers of the beneficiary (the state)"),
        sender="planning.services.commitment_offer",
        recipients="beneficiary_of_commitment",
    )
)
register(
    Kind(
        key="planning.commitment_accepted",
        model="planning.commitment",
        title=_("Offer accepted: %(subject)s"),
        body=_("%(actor)s accepted your offer. Start the work and report progress."),
        audience=_("editors and managers of the pledging organisation (the donor)"),
        sender="planning.services.commitment_transition (to accepted)",
        recipients="donor_of_commitment",
    )
)
register(
    Kind(
        key="planning.commitment_declined",
        model="planning.commitment",
        title=_("Offer declined: %(subject)s"),
        body=_("%(actor)s declined or cancelled your commitment."),
        audience=_("editors and managers of the pledging organisation (the donor)"),
        sender="planning.services.commitment_transition (to withdrawn, by the state)",
        recipients="donor_of_commitment",
    )
)
register(
    Kind(
        key="planning.commitment_delivered",
        model="planning.commitment",
        title=_("Delivery reported: %(subject)s"),
        body=_("%(actor)s reported the delivery of this commitment. Verify it."),
        audience=_("the managers of the beneficiary (the state)"),
        sender="planning.services.commitment_transition (to delivered)",
        recipients="beneficiary_of_commitment",
    )
)
register(
    Kind(
        key="planning.commitment_verified",
        model="planning.commitment",
        title=_("Delivery verified: %(subject)s"),
        body=_("%(actor)s verified the delivery of your commitment."),
        audience=_("editors and managers of the pledging organisation (the donor)"),
        sender="planning.services.commitment_transition (to verified)",
        recipients="donor_of_commitment",
    )
)
register(
    Kind(
        key="consultation.window_closing",
        model="consultations.consultation",
        title=_("Closing soon: %(subject)s"),
        body=_("This consultation closes soon and you have not answered yet."),
        audience=_("participants and named members who have not answered"),
        sender="consultations.services.consultation_send_reminders",
        recipients="not_yet_answered",
    )
)


def commitment_kind(to: str, side: str) -> str | None:
    """The kind for a commitment moved to `to` by `side` ("pledger" or "beneficiary"):
    the donor hears of acceptance, verification and of the state declining it; the state
    hears of delivery (it verifies next); nothing else is a hand-off."""
    if to == "accepted":
        return "planning.commitment_accepted"
    if to == "delivered":
        return "planning.commitment_delivered"
    if to == "verified":
        return "planning.commitment_verified"
    if to == "withdrawn" and side == "beneficiary":
        return "planning.commitment_declined"
    return None
