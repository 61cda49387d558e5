"""The review of a draft, section by section: sections, comments, amendments."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.consultations import rules as R
from reef.consultations.models import Amendment, Consultation, Section, SectionComment
from reef.consultations.services.common import (
    _child,
    _clean_text,
    _editors_only,
    _next_number,
    _not_invited,
    _participant_of,
    _person,
    _require,
    _require_open,
)
from reef.core.audit import audit_append
from reef.core.errors import Conflict, ServiceError
from reef.core.rules import Actor, user_of
from reef.notifications.services import notify_handoff


@transaction.atomic
def section_create(*, actor: Actor, consultation: Consultation, heading: str, text: str) -> Section:
    _require(R.may_create_section, actor, consultation, consultation, _editors_only(consultation))
    heading = _clean_text(heading, "heading", "heading", 200)
    text = _clean_text(text, "text", "section_text", 20000)
    section = _child(
        Section,
        consultation,
        number=_next_number(Section, consultation),
        heading=heading,
        text=text,
    )
    audit_append(action="section_create", actor=actor, obj=section)
    return section


@transaction.atomic
def section_comment_add(*, actor: Actor, section: Section, body: str) -> SectionComment:
    consultation = section.consultation
    _require(R.may_comment, actor, section, consultation, _not_invited())
    user = _person(actor)
    body = _clean_text(body, "body", "comment", 4000)
    _require_open(consultation)
    participant = _participant_of(user, consultation)
    comment = _child(
        SectionComment, consultation, section=section, participant=participant, body=body
    )
    audit_append(
        action="section_comment_add", actor=user, obj=comment, detail={"section": section.number}
    )
    return comment


@transaction.atomic
def amendment_propose(
    *, actor: Actor, section: Section, proposed_text: str, rationale: str = ""
) -> Amendment:
    consultation = section.consultation
    _require(R.may_propose_amendment, actor, section, consultation, _not_invited())
    user = _person(actor)
    proposed_text = _clean_text(proposed_text, "proposed_text", "proposed_text", 20000)
    if proposed_text == section.text.strip():
        raise ServiceError(
            _("The proposed text is the same as the section."), field="proposed_text"
        )
    _require_open(consultation)
    participant = _participant_of(user, consultation)
    amendment = _child(
        Amendment,
        consultation,
        section=section,
        participant=participant,
        original_text=section.text,
        proposed_text=proposed_text,
        rationale=rationale.strip()[:4000],
    )
    audit_append(
        action="amendment_propose", actor=user, obj=amendment, detail={"section": section.number}
    )
    assessment = R.report_assessment(consultation)
    if assessment is not None:
        # A draft report's author answers its reviewers: the lead hears of each amendment.
        notify_handoff(
            kind="assessment.amendment_proposed",
            subject_obj=assessment,
            actor=user,
            url=reverse("consultations:amendment_decide", args=[consultation.pk, amendment.pk]),
        )
    return amendment


@transaction.atomic
def amendment_rebase(
    *, actor: Actor, amendment: Amendment, proposed_text: str, rationale: str | None = None
) -> Amendment:
    """The proposer re-writes a stale amendment on the section's current text.

    The amendment then proposes a change to that text, and may be accepted again."""
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    consultation = amendment.consultation
    _require(R.may_rebase_amendment, actor, amendment, consultation, _not_invited())
    if amendment.status != Amendment.Status.PENDING:
        raise Conflict(_("This amendment was already decided."))
    section = Section.objects.select_for_update().get(pk=amendment.section_id)
    if section.text == amendment.original_text:
        raise ServiceError(_("This amendment is not stale: nothing to re-base."), code="not_stale")
    _require_open(consultation)
    proposed_text = _clean_text(proposed_text, "proposed_text", "proposed_text", 20000)
    if proposed_text == section.text.strip():
        raise ServiceError(
            _("The proposed text is the same as the section."), field="proposed_text"
        )
    amendment.original_text = section.text
    amendment.proposed_text = proposed_text
    if rationale is not None:
        amendment.rationale = rationale.strip()[:4000]
    amendment.version += 1
    amendment.save()
    audit_append(
        action="amendment_rebase",
        actor=actor,
        obj=amendment,
        detail={"section": section.number, "section_version": section.version},
    )
    return amendment


@transaction.atomic
def amendment_decide(*, actor: Actor, amendment: Amendment, accept: bool, reason: str) -> Amendment:
    """The author (the owner's editors) accepts or rejects, always with a reason.

    Accepting replaces the section's text, provided it has not changed since the proposal."""
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    consultation = amendment.consultation
    _require(
        R.may_decide_amendment,
        actor,
        amendment,
        consultation,
        _("Only the team lead decides the amendments to the draft report.")
        if consultation.report_assessment_id
        else _editors_only(),
    )
    user = user_of(actor)
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Give the reason for the decision."), field="reason")
    if amendment.status != Amendment.Status.PENDING:
        raise Conflict(_("This amendment was already decided."))
    section = Section.objects.select_for_update().get(pk=amendment.section_id)
    if accept:
        if section.text != amendment.original_text:
            raise Conflict(
                _(
                    "The section changed since this amendment was proposed: it can be "
                    "accepted once its proposer has re-based it on the new text, or rejected."
                )
            )
        section.text = amendment.proposed_text
        section.version += 1
        section.save()
    amendment.status = Amendment.Status.ACCEPTED if accept else Amendment.Status.REJECTED
    amendment.decided_by = user
    amendment.decided_at = timezone.now()
    amendment.decision_reason = reason[:4000]
    amendment.version += 1
    amendment.save()
    audit_append(
        action="amendment_decide",
        actor=actor,
        obj=amendment,
        detail={"status": amendment.status, "reason": reason[:200]},
    )
    return amendment
