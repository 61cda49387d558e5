"""Expert profiles: create, edit, availability, conflicts of interest, export and erasure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.accounts.models import User
from reef.core.audit import audit_append
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import Actor, allowed
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.experts import rules
from reef.experts.models import (
    CONSENT_VERSION,
    Availability,
    ConflictDeclaration,
    ExpertiseTag,
    ExpertProfile,
    MentorPair,
    Notification,
    ReviewAssignment,
    Sector,
    Seniority,
    SeniorityChange,
    TeamMember,
    private_label,
)
from reef.experts.services.common import (
    _PROFILE_EDITORS,
    _clean_languages,
    _contact,
    _require,
    _text,
)
from reef.notifications.models import Notification as InboxNotification
from reef.notifications.services import notifications_erase

# --------------------------------------------------------------------------- profiles


def _one_of(value: str, allowed: Iterable[str], unknown: str, field: str) -> str:
    """`value` if it is one of `allowed`; else refused with `unknown` (naming %(value)s)."""
    if value not in allowed:
        raise ServiceError(unknown % {"value": value}, field=field)
    return value


def _check_sector(sector: str) -> str:
    return _one_of(sector, Sector.values, _("Unknown sector %(value)s."), "sector")


def _check_seniority(seniority: str) -> str:
    return _one_of(seniority, Seniority.values, _("Unknown seniority %(value)s."), "seniority")


def _check_contact_tlp(contact_tlp: str) -> str:
    return _one_of(contact_tlp, TLP.values, _("Unknown TLP label %(value)s."), "contact_tlp")


def _check_max_reviews(max_reviews_per_quarter: int) -> int:
    if not 0 <= max_reviews_per_quarter <= 50:
        raise ServiceError(
            _("Maximum reviews per quarter must be between 0 and 50."),
            field="max_reviews_per_quarter",
        )
    return max_reviews_per_quarter


# Long because a profile has fifteen fields: each is checked, in the form's order, then stored.
@transaction.atomic
def profile_create(
    *,
    actor: Actor,
    name: str,
    sector: str,
    country: Country,
    consent: bool,
    user: User | None = None,
    organisation: Organisation | None = None,
    expertise: Sequence[ExpertiseTag] = (),
    languages: Sequence[str] = (),
    seniority: str = Seniority.MID,
    bio: str = "",
    max_reviews_per_quarter: int = 3,
    is_public: bool = False,
    contact_email: str = "",
    contact_phone: str = "",
    contact_tlp: str = TLP.AMBER,
) -> ExpertProfile:
    """Create an expert profile. The expert's consent is required and recorded."""
    draft = ExpertProfile(user=user, country=country)
    if not allowed(rules.may_create_profile, actor, draft):
        raise PermissionDenied(
            _("Only a coordinator of the region may add experts without an account.")
            if user is None
            else _("You may create a profile for yourself only.")
        )
    if not consent:
        raise ServiceError(_("The expert's consent is needed to keep a profile."), field="consent")
    name = _text(name, "name")
    contact_email, contact_phone = _contact(contact_email, contact_phone)
    _check_sector(sector)
    _check_seniority(seniority)
    _check_contact_tlp(contact_tlp)
    _check_max_reviews(max_reviews_per_quarter)
    if user is not None and ExpertProfile.objects.filter(user=user).exists():
        raise ServiceError(_("This user already has an expert profile."), field="user")
    langs = _clean_languages(languages)
    profile: ExpertProfile = ExpertProfile.objects.create(
        user=user,
        name=name,
        sector=sector,
        country=country,
        organisation=organisation,
        languages=langs,
        seniority=seniority,
        bio=bio.strip(),
        max_reviews_per_quarter=max_reviews_per_quarter,
        is_public=is_public,
        contact_email=contact_email,
        contact_phone=contact_phone,
        contact_tlp=contact_tlp,
        consent_at=timezone.now(),
        consent_version=CONSENT_VERSION,
        tlp=TLP.CLEAR if is_public else TLP.AMBER,
        owner_country=country,
    )
    if expertise:
        profile.expertise.set(expertise)
    SeniorityChange.objects.create(
        profile=profile, old="", new=seniority, on=timezone.localdate(), **private_label(profile)
    )
    audit_append(
        action="expert_profile_create",
        actor=actor,
        obj=profile,
        detail={"consent_version": CONSENT_VERSION},
    )
    return profile


@transaction.atomic
def profile_update(
    *,
    actor: Actor,
    profile: ExpertProfile,
    name: str | None = None,
    sector: str | None = None,
    organisation: Organisation | None = None,
    clear_organisation: bool = False,
    expertise: Sequence[ExpertiseTag] | None = None,
    languages: Sequence[str] | None = None,
    seniority: str | None = None,
    bio: str | None = None,
    max_reviews_per_quarter: int | None = None,
    is_public: bool | None = None,
    contact_email: str | None = None,
    contact_phone: str | None = None,
    contact_tlp: str | None = None,
) -> ExpertProfile:
    """Change a profile; a seniority change is kept in the expert's growth timeline."""
    _require(rules.may_edit_profile, actor, profile, str(_PROFILE_EDITORS))
    if name is not None:
        profile.name = _text(name, "name")
    if sector is not None:
        profile.sector = _check_sector(sector)
    if organisation is not None or clear_organisation:
        profile.organisation = organisation
    if languages is not None:
        profile.languages = _clean_languages(languages)
    if bio is not None:
        profile.bio = bio.strip()
    if max_reviews_per_quarter is not None:
        profile.max_reviews_per_quarter = _check_max_reviews(max_reviews_per_quarter)
    if is_public is not None:
        profile.is_public = is_public
        profile.tlp = TLP.CLEAR if is_public else TLP.AMBER
    if contact_email is not None:
        profile.contact_email = _contact(contact_email, "")[0]
    if contact_phone is not None:
        profile.contact_phone = _contact("", contact_phone)[1]
    if contact_tlp is not None:
        profile.contact_tlp = _check_contact_tlp(contact_tlp)
    if seniority is not None and seniority != profile.seniority:
        _check_seniority(seniority)
        SeniorityChange.objects.create(
            profile=profile,
            old=profile.seniority,
            new=seniority,
            on=timezone.localdate(),
            **private_label(profile),
        )
        profile.seniority = seniority
    profile.version += 1
    profile.save()
    if expertise is not None:
        profile.expertise.set(expertise)
    audit_append(action="expert_profile_update", actor=actor, obj=profile)
    return profile


@transaction.atomic
def availability_add(
    *, actor: Actor, profile: ExpertProfile, start: dt.date, end: dt.date, note: str = ""
) -> Availability:
    _require(rules.may_edit_profile, actor, profile, str(_PROFILE_EDITORS))
    if end < start:
        raise ServiceError(
            _("The end of an availability range must not be before its start."), field="end"
        )
    item: Availability = Availability.objects.create(
        profile=profile, start=start, end=end, note=note.strip()[:200], **private_label(profile)
    )
    audit_append(action="expert_availability_add", actor=actor, obj=item)
    return item


@transaction.atomic
def availability_remove(*, actor: Actor, availability: Availability) -> None:
    _require(rules.may_edit_profile, actor, availability.profile, str(_PROFILE_EDITORS))
    audit_append(action="expert_availability_remove", actor=actor, obj=availability)
    availability.delete()


@transaction.atomic
def conflict_declare(
    *,
    actor: Actor,
    profile: ExpertProfile,
    kind: str,
    organisation: Organisation | None = None,
    country: Country | None = None,
    person_name: str = "",
    note: str = "",
) -> ConflictDeclaration:
    """Declare a conflict of interest with an organisation, a country or a person."""
    _require(rules.may_edit_profile, actor, profile, str(_PROFILE_EDITORS))
    K = ConflictDeclaration.Kind
    _one_of(kind, K.values, _("Unknown conflict kind %(value)s."), "kind")
    if kind == K.ORGANISATION and organisation is None:
        raise ServiceError(
            _("Name the organisation you are conflicted with."), field="organisation"
        )
    if kind == K.COUNTRY and country is None:
        raise ServiceError(_("Name the country you are conflicted with."), field="country")
    if kind == K.PERSON and not person_name.strip():
        raise ServiceError(_("Name the person you are conflicted with."), field="person_name")
    item: ConflictDeclaration = ConflictDeclaration.objects.create(
        profile=profile,
        kind=kind,
        organisation=organisation if kind == K.ORGANISATION else None,
        country=country if kind == K.COUNTRY else None,
        person_name=person_name.strip() if kind == K.PERSON else "",
        note=note.strip()[:300],
        **private_label(profile),
    )
    audit_append(action="expert_conflict_declare", actor=actor, obj=item)
    return item


@transaction.atomic
def conflict_remove(*, actor: Actor, conflict: ConflictDeclaration) -> None:
    _require(rules.may_edit_profile, actor, conflict.profile, str(_PROFILE_EDITORS))
    audit_append(action="expert_conflict_remove", actor=actor, obj=conflict)
    conflict.delete()


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _export_profile(profile: ExpertProfile) -> dict[str, Any]:
    """The export's "profile" section: the profile's own fields."""
    return {
        "id": profile.pk,
        "name": profile.name,
        "sector": profile.sector,
        "country": profile.country.code,
        "organisation": profile.organisation.slug if profile.organisation else None,
        "expertise": sorted(profile.expertise.values_list("key", flat=True)),
        "languages": profile.languages,
        "seniority": profile.seniority,
        "bio": profile.bio,
        "max_reviews_per_quarter": profile.max_reviews_per_quarter,
        "is_public": profile.is_public,
        "contact_email": profile.contact_email,
        "contact_phone": profile.contact_phone,
        "contact_tlp": profile.contact_tlp,
        "tlp": profile.tlp,
        "created_at": _iso(profile.created_at),
        "updated_at": _iso(profile.updated_at),
    }


def _export_mentoring(profile: ExpertProfile) -> dict[str, Any]:
    """The export's "mentoring" section: pairs either way, and mentoring activities."""
    return {
        "as_mentee": [
            {"mentor": p.mentor.name, "started_on": _iso(p.started_on), "status": p.status}
            for p in profile.mentors.select_related("mentor")
        ],
        "as_mentor": [
            {"mentee": p.mentee.name, "started_on": _iso(p.started_on), "status": p.status}
            for p in profile.mentees.select_related("mentee")
        ],
        "activities": [
            {"kind": a.kind, "on": _iso(a.on), "description": a.description}
            for a in profile.activities.all()
        ],
    }


def _export_notifications(profile: ExpertProfile) -> dict[str, Any]:
    """The export's "notifications" and "inbox" sections (empty without an account)."""
    if not profile.user_id:
        return {"notifications": [], "inbox": []}
    return {
        # Sent before the shared inbox (issue 14).
        "notifications": [
            {"subject": n.subject, "body": n.body, "created_at": _iso(n.created_at)}
            for n in Notification.objects.filter(recipient_id=profile.user_id)
        ],
        # The shared inbox's notifications about expert network records.
        "inbox": [
            {"kind": n.kind, "created_at": _iso(n.created_at), "read_at": _iso(n.read_at)}
            for n in InboxNotification.objects.filter(
                recipient_id=profile.user_id, subject_type__app_label="experts"
            ).order_by("created_at", "pk")
        ],
    }


@transaction.atomic
def profile_export(*, actor: Actor, profile: ExpertProfile) -> dict[str, Any]:
    """Everything Reef holds about an expert, for the expert (data portability)."""
    _require(
        rules.may_export_profile, actor, profile, _("Only the expert may download their data.")
    )
    data: dict[str, Any] = {
        "format": "reef-expert-export/1",
        "exported_at": timezone.now().isoformat(),
        "profile": _export_profile(profile),
        "consent": {"given_at": _iso(profile.consent_at), "text_version": profile.consent_version},
        "availability": [
            {"start": _iso(a.start), "end": _iso(a.end), "note": a.note}
            for a in profile.availability.all()
        ],
        "conflicts": [
            {
                "kind": c.kind,
                "organisation": c.organisation.slug if c.organisation else None,
                "country": c.country.code if c.country else None,
                "person": c.person_name,
                "note": c.note,
            }
            for c in profile.conflicts.select_related("organisation", "country")
        ],
        "seniority_changes": [
            {"on": _iso(s.on), "from": s.old, "to": s.new} for s in profile.seniority_changes.all()
        ],
        "missions": [
            {
                "mission": m.mission.title,
                "country": m.mission.country.code,
                "start": _iso(m.mission.start),
                "end": _iso(m.mission.end),
                "seat": m.seat,
                "status": m.status,
                "reason": m.reason,
            }
            for m in profile.missions.select_related("mission__country")
        ],
        "reviews": [
            {
                "round": a.proposal.round.title,
                "proposal": a.proposal.title,
                "status": a.status,
                "affinity": a.affinity,
                "score": a.score,
                "comments": a.comments,
                "decline_reason": a.decline_reason,
                "submitted_at": _iso(a.submitted_at),
            }
            for a in profile.assignments.select_related("proposal__round")
        ],
        "mentoring": _export_mentoring(profile),
        **_export_notifications(profile),
    }
    audit_append(action="expert_profile_export", actor=actor, obj=profile)
    return data


@transaction.atomic
def profile_delete(*, actor: Actor, profile: ExpertProfile) -> dict[str, int]:
    """Erase an expert's data.

    Removed: the profile, availability, conflict declarations, seniority history,
    mission team seats, mentoring pairs and activities, review invitations not yet
    reviewed, and the expert's notifications (old ones, and the shared inbox's about
    expert network records). Submitted reviews are ANONYMISED, not removed: the reviewer
    link is emptied and the score and comments stay, so that the proposer's aggregated
    feedback does not change. The audit trail keeps only the profile id.
    """
    _require(rules.may_delete_profile, actor, profile, _("Only the expert may delete their data."))
    summary = {
        "availability": profile.availability.count(),
        "conflicts": profile.conflicts.count(),
        "missions": profile.missions.count(),
        "mentoring_pairs": MentorPair.objects.filter(Q(mentee=profile) | Q(mentor=profile)).count(),
        "activities": profile.activities.count(),
    }
    reviews = ReviewAssignment.objects.filter(reviewer=profile)
    summary["reviews_anonymised"] = reviews.filter(status=ReviewAssignment.Status.SUBMITTED).update(
        reviewer=None, decline_reason=""
    )
    summary["review_invitations_removed"] = reviews.exclude(
        status=ReviewAssignment.Status.SUBMITTED
    ).delete()[0]
    TeamMember.objects.filter(runner_up=profile).update(runner_up=None, runner_up_fit=None)
    profile.activities.all().delete()
    MentorPair.objects.filter(Q(mentee=profile) | Q(mentor=profile)).delete()
    profile.missions.all().delete()
    if profile.user_id:
        summary["notifications"] = Notification.objects.filter(
            recipient_id=profile.user_id
        ).delete()[0] + notifications_erase(
            actor=actor, recipient_id=profile.user_id, app_label="experts"
        )
    pk = profile.pk
    profile.delete()  # cascades to availability, conflicts and seniority history
    audit_append(
        action="expert_profile_delete",
        actor=actor,
        object_type="experts.expertprofile",
        object_id=str(pk),
        detail={k: v for k, v in summary.items()},
    )
    return summary
