"""The country's review of the draft report, and the report's executive summary."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reef.accounts.models import User
from reef.assessments import report, rules
from reef.assessments.models import Assessment, Status
from reef.assessments.services.common import _authorised, _check_status
from reef.consultations import services as consultation_services
from reef.consultations.models import Consultation, Participation
from reef.core.audit import audit_append
from reef.core.concurrency import save_versioned
from reef.core.errors import Conflict, ServiceError
from reef.core.rules import Actor
from reef.core.workdays import last_working_day, min_working_days
from reef.notifications import recipients
from reef.notifications.services import notify_handoff


def review_min_closes_at(now: datetime.datetime) -> datetime.datetime:
    """The earliest close of a review opened at `now`: the end of its
    REEF_REVIEW_MIN_WORKING_DAYS-th working day, today counted (as expert review rounds)."""
    end = last_working_day(timezone.localdate(now), min_working_days())
    return timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )


def _review_closes_at(
    now: datetime.datetime, closes_at: datetime.datetime | None
) -> datetime.datetime:
    """The review's close: the earliest allowed when not given; never before it."""
    earliest = review_min_closes_at(now)
    if closes_at is None:
        return earliest
    if closes_at < earliest:
        minimum = min_working_days()
        raise ServiceError(
            ngettext(
                "The review lasts at least %(minimum)s working day: it closes on "
                "%(date)s at the earliest.",
                "The review lasts at least %(minimum)s working days: it closes on "
                "%(date)s at the earliest.",
                minimum,
            )
            % {
                "minimum": minimum,
                "date": date_format(timezone.localtime(earliest), "DATETIME_FORMAT"),
            },
            field="closes_at",
        )
    return closes_at


def _review_members(assessment: Assessment) -> list[User]:
    """The country's managers and the team, lead included."""
    members = {u.pk: u for u in recipients.managers_of_country(assessment.country_id)}
    members.update({u.pk: u for u in assessment.team.all()})
    if assessment.lead is not None:
        members[assessment.lead.pk] = assessment.lead
    return list(members.values())


def _review_consultation(
    actor: Actor,
    assessment: Assessment,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    sections: list[tuple[str, str]],
) -> Consultation:
    """The review itself: a named section-review consultation of the draft report, one
    section per part of it."""
    review = consultation_services.consultation_create(
        actor=actor,
        title=(_("Review of the draft report: %(title)s") % {"title": assessment.title})[:200],
        description=_(
            "The assessed country's managers review the draft report section by section: "
            "comment, or propose an amendment with its reason. The team lead accepts or "
            "rejects each amendment with a reason; the final report records the review."
        ),
        opens_at=opens_at,
        closes_at=closes_at,
        owner_country=assessment.country,
        tlp=str(assessment.tlp),
        participation=Participation.NAMED,
        members=_review_members(assessment),
        document_title=assessment.title[:200],
        report_assessment=assessment,
    )
    for heading, text in sections:
        consultation_services.section_create(
            actor=actor, consultation=review, heading=heading[:200], text=text
        )
    return review


@transaction.atomic
def assessment_review_open(
    *,
    actor: Actor,
    assessment: Assessment,
    closes_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Consultation:
    """Open the assessed country's review of the draft report: a section-review
    consultation (one section per part of the report) whose named members are the
    country's managers and the team, open from now for at least the minimum number of
    working days. Its window can be extended, never shortened; the team lead decides each
    amendment; the report cannot be released before it closes with every amendment
    decided (`selectors.review_blockers`)."""
    user = _authorised(
        rules.may_open_review,
        actor,
        assessment,
        _("Only the team lead or a coordinator of the country may open the review."),
    )
    # One review per assessment, even when two people open it at once.
    Assessment.objects.select_for_update().filter(pk=assessment.pk).exists()
    _check_status(assessment, [Status.COMPLETE], "review")
    if Consultation.objects.filter(report_assessment=assessment).exists():
        raise Conflict(_("The draft report of this assessment is already under review."))
    now = now or timezone.now()
    closes_at = _review_closes_at(now, closes_at)
    sections = report.review_sections(user, assessment)
    review = _review_consultation(actor, assessment, now, closes_at, sections)
    audit_append(
        action="assessment_review_open",
        actor=actor,
        obj=assessment,
        detail={"consultation": review.pk, "closes_at": closes_at.isoformat()},
    )
    notify_handoff(
        kind="assessment.draft_report_ready",
        subject_obj=assessment,
        actor=actor,
        url=reverse("consultations:detail", args=[review.pk]),
    )
    return review


@transaction.atomic
def assessment_set_summary(*, actor: Actor, assessment: Assessment, summary: str) -> Assessment:
    _authorised(
        rules.may_set_summary,
        actor,
        assessment,
        _("Only the team lead writes the executive summary."),
    )
    assessment.summary = summary.strip()
    save_versioned(assessment, expected_version=assessment.version, fields=["summary"])
    audit_append(action="assessment_set_summary", actor=actor, obj=assessment)
    return assessment
