"""Every write to the expert network.

Services are keyword-only, typed, transactional, validating and audited. The
matching itself (teams, reviewers, mentors) is done by the pure engine in
`reef.experts.matching`; this module turns records into its JSON input and its
output back into records.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reef.accounts.models import User
from reef.core.access import scope_for
from reef.core.audit import audit_append
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import WORKER, Actor, Rule, SystemActor, allowed, require, user_of
from reef.core.tlp import TLP
from reef.core.workdays import min_working_days as min_working_days  # public here too
from reef.core.workdays import working_days as working_days
from reef.directory.models import Country, Grouping, GroupingMember, Organisation
from reef.experts import matching, rules
from reef.experts.models import (
    CONSENT_VERSION,
    Availability,
    ConflictDeclaration,
    ExpertiseTag,
    ExpertProfile,
    MentoringActivity,
    MentorPair,
    MissionRequest,
    Notification,
    Proposal,
    ReviewAssignment,
    ReviewRound,
    Sector,
    Seniority,
    SeniorityChange,
    TeamMember,
    default_roles,
    label_of,
    private_label,
)
from reef.notifications.models import Notification as InboxNotification
from reef.notifications.services import notifications_erase, notify_handoff

log = logging.getLogger(__name__)

#: Shortest review window, in working days (Monday to Friday).
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
PREFERRED_REGIONS = ("caricom", "cariforum", "oecs")


#: Messages of the required single-line texts: (missing, too long), by field.
TEXT_MESSAGES = {
    "name": (
        gettext_lazy("A name is required."),
        gettext_lazy("A name must be at most %(limit)s characters."),
    ),
    "title": (
        gettext_lazy("A title is required."),
        gettext_lazy("A title must be at most %(limit)s characters."),
    ),
}

#: Why an answered invitation cannot be answered again, by its status.
ALREADY_ANSWERED = {
    "accepted": gettext_lazy("This invitation is already accepted."),
    "declined": gettext_lazy("This invitation is already declined."),
    "submitted": gettext_lazy("The review for this invitation is already submitted."),
}


def day(value: dt.date, with_year: bool = True) -> str:
    """A date in the active language, e.g. 01 Jun 2026 (for messages and notifications)."""
    return date_format(value, "d M Y" if with_year else "d M")


def region_of(country_id: int | None) -> str | None:
    """The region (grouping slug) a country belongs to, CARICOM first."""
    if country_id is None:
        return None
    slugs = set(
        GroupingMember.objects.filter(country_id=country_id).values_list(
            "grouping__slug", flat=True
        )
    )
    for slug in PREFERRED_REGIONS:
        if slug in slugs:
            return slug
    return min(slugs) if slugs else None


# --------------------------------------------------------------------------- permissions


def _require(rule: Rule, actor: Actor, obj: Any, message: str) -> None:
    """`require(rule, ...)` with the app's sentence for a refusal. The pages and the API
    fetch records through the access layer first, so what is hidden is already a 404."""
    try:
        require(rule, actor, obj)
    except PermissionDenied:
        raise PermissionDenied(message) from None


_PROFILE_EDITORS = gettext_lazy("Only the expert or a coordinator of their region may do this.")
_MISSION_COORDINATORS = gettext_lazy("Only a coordinator of the country's region may do this.")
_ROUND_COORDINATORS = gettext_lazy("Only a coordinator of the round's region may do this.")
_REVIEWER_ONLY = gettext_lazy("Only the invited reviewer may answer this invitation.")


def _clean_languages(languages: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in languages:
        code = raw.strip().lower()
        if not code:
            continue
        if not LANGUAGE_RE.match(code):
            raise ServiceError(
                _("“%(value)s” is not a language code (use ISO 639-1, e.g. en, fr, es).")
                % {"value": raw},
                field="languages",
            )
        if code not in out:
            out.append(code)
    return out


def _text(value: str, field: str, limit: int = 200) -> str:
    """A required single-line text (`field` is "name" or "title"), stripped and within
    the column's length."""
    missing, too_long = TEXT_MESSAGES[field]
    value = value.strip()
    if not value:
        raise ServiceError(str(missing), field=field)
    if len(value) > limit:
        raise ServiceError(str(too_long) % {"limit": limit}, field=field)
    return value


def _contact(email: str, phone: str) -> tuple[str, str]:
    email, phone = email.strip(), phone.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ServiceError(
                _("“%(value)s” is not an e-mail address.") % {"value": email},
                field="contact_email",
            ) from None
    if len(phone) > 40:
        raise ServiceError(_("The phone number is too long."), field="contact_phone")
    return email, phone


# --------------------------------------------------------------------------- profiles


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
    if sector not in Sector.values:
        raise ServiceError(_("Unknown sector %(value)s.") % {"value": sector}, field="sector")
    if seniority not in Seniority.values:
        raise ServiceError(
            _("Unknown seniority %(value)s.") % {"value": seniority}, field="seniority"
        )
    if contact_tlp not in TLP.values:
        raise ServiceError(
            _("Unknown TLP label %(value)s.") % {"value": contact_tlp}, field="contact_tlp"
        )
    if not 0 <= max_reviews_per_quarter <= 50:
        raise ServiceError(
            _("Maximum reviews per quarter must be between 0 and 50."),
            field="max_reviews_per_quarter",
        )
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
        if sector not in Sector.values:
            raise ServiceError(_("Unknown sector %(value)s.") % {"value": sector}, field="sector")
        profile.sector = sector
    if organisation is not None or clear_organisation:
        profile.organisation = organisation
    if languages is not None:
        profile.languages = _clean_languages(languages)
    if bio is not None:
        profile.bio = bio.strip()
    if max_reviews_per_quarter is not None:
        if not 0 <= max_reviews_per_quarter <= 50:
            raise ServiceError(
                _("Maximum reviews per quarter must be between 0 and 50."),
                field="max_reviews_per_quarter",
            )
        profile.max_reviews_per_quarter = max_reviews_per_quarter
    if is_public is not None:
        profile.is_public = is_public
        profile.tlp = TLP.CLEAR if is_public else TLP.AMBER
    if contact_email is not None:
        profile.contact_email = _contact(contact_email, "")[0]
    if contact_phone is not None:
        profile.contact_phone = _contact("", contact_phone)[1]
    if contact_tlp is not None:
        if contact_tlp not in TLP.values:
            raise ServiceError(
                _("Unknown TLP label %(value)s.") % {"value": contact_tlp}, field="contact_tlp"
            )
        profile.contact_tlp = contact_tlp
    if seniority is not None and seniority != profile.seniority:
        if seniority not in Seniority.values:
            raise ServiceError(
                _("Unknown seniority %(value)s.") % {"value": seniority}, field="seniority"
            )
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
    if kind not in K.values:
        raise ServiceError(_("Unknown conflict kind %(value)s.") % {"value": kind}, field="kind")
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


@transaction.atomic
def profile_export(*, actor: Actor, profile: ExpertProfile) -> dict[str, Any]:
    """Everything Reef holds about an expert, for the expert (data portability)."""
    _require(
        rules.may_export_profile, actor, profile, _("Only the expert may download their data.")
    )
    data: dict[str, Any] = {
        "format": "reef-expert-export/1",
        "exported_at": timezone.now().isoformat(),
        "profile": {
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
        },
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
        "mentoring": {
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
        },
        # Sent before the shared inbox (issue 14).
        "notifications": [
            {"subject": n.subject, "body": n.body, "created_at": _iso(n.created_at)}
            for n in Notification.objects.filter(recipient_id=profile.user_id)
        ]
        if profile.user_id
        else [],
        # The shared inbox's notifications about expert network records.
        "inbox": [
            {"kind": n.kind, "created_at": _iso(n.created_at), "read_at": _iso(n.read_at)}
            for n in InboxNotification.objects.filter(
                recipient_id=profile.user_id, subject_type__app_label="experts"
            ).order_by("created_at", "pk")
        ]
        if profile.user_id
        else [],
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


# --------------------------------------------------------------------------- eligibility


def _cannot_join(name: str, problems: list[str]) -> str:
    return _("%(name)s cannot join: %(problems)s.") % {
        "name": name,
        "problems": "; ".join(problems),
    }


def explain(parts: Any, fallback: str) -> str:
    """The matching engine's explanation in the active language.

    `parts` is the engine's `reason_parts`: (English template, params) pairs whose
    templates are marked for translation in `reef.experts.matching`; `fallback` is its
    English `reason`, used when there are no parts.
    """
    if not parts:
        return fallback
    clauses = []
    for template, params in parts:
        values = dict(params)
        if values.get("seniority") in Seniority.values:
            values["seniority"] = Seniority(values["seniority"]).label
        clauses.append(_(template) % values)
    return "; ".join(clauses)


def mission_problems(profile: ExpertProfile, mission: MissionRequest) -> list[str]:
    """Why an expert may not join a mission (empty when they may): hard rules."""
    problems: list[str] = []
    if not any(
        a.start <= mission.start and a.end >= mission.end for a in profile.availability.all()
    ):
        problems.append(_("not available on the mission dates"))
    involved = {o.pk for o in mission.organisations.all()}
    if profile.organisation_id is not None and profile.organisation_id in involved:
        problems.append(_("works for an organisation involved in the mission"))
    for c in profile.conflicts.all():
        if c.kind == ConflictDeclaration.Kind.COUNTRY and c.country_id == mission.country_id:
            problems.append(_("declared a conflict with the mission's country"))
        if c.kind == ConflictDeclaration.Kind.ORGANISATION and c.organisation_id in involved:
            problems.append(_("declared a conflict with an organisation involved in the mission"))
    busy = (
        TeamMember.objects.filter(
            profile=profile,
            mission__start__lte=mission.end,
            mission__end__gte=mission.start,
        )
        .exclude(mission=mission)
        .exclude(mission__status=MissionRequest.Status.CANCELLED)
    )
    if busy.exists():
        problems.append(_("already on another mission on overlapping dates"))
    return problems


def review_conflicts(profile: ExpertProfile, proposal: Proposal) -> list[str]:
    """Why an expert may not review a proposal (declared and derived conflicts)."""
    reasons: list[str] = []
    orgs = {o.pk for o in proposal.implementers.all()}
    if proposal.author_organisation_id is not None:
        orgs.add(proposal.author_organisation_id)
    if profile.organisation_id is not None and profile.organisation_id in orgs:
        reasons.append(_("same organisation as the proposal's author or implementer"))
    round_ = proposal.round
    if (
        round_.exclude_government_of_country
        and proposal.country_id is not None
        and profile.sector == Sector.GOVERNMENT
        and profile.country_id == proposal.country_id
    ):
        reasons.append(_("government employee of the country whose proposal is reviewed"))
    author = proposal.author_name.strip().casefold()
    for c in profile.conflicts.all():
        K = ConflictDeclaration.Kind
        if c.kind == K.ORGANISATION and c.organisation_id in orgs:
            reasons.append(_("declared a conflict with the proposal's author or implementer"))
        elif c.kind == K.COUNTRY and proposal.country_id and c.country_id == proposal.country_id:
            reasons.append(_("declared a conflict with the country concerned"))
        elif c.kind == K.PERSON and author and c.person_name.strip().casefold() == author:
            reasons.append(_("declared a conflict with the proposal's author"))
    return reasons


# --------------------------------------------------------------------------- missions


@transaction.atomic
def mission_request_create(
    *,
    actor: Actor,
    title: str,
    country: Country,
    start: dt.date,
    end: dt.date,
    languages: Sequence[str] = ("en",),
    required_roles: dict[str, int] | None = None,
    size: int = 3,
    nascent_seat: bool = True,
    local_rule: bool = True,
    expertise: Sequence[ExpertiseTag] = (),
    organisations: Sequence[Organisation] = (),
    assessment_ref: int | None = None,
) -> MissionRequest:
    """A country (or its region's coordinator) requests a mission."""
    _require(
        rules.may_request_mission,
        actor,
        MissionRequest(country=country),
        _("Only the country's editors or its region's coordinators may request a mission."),
    )
    title = _text(title, "title")
    if end < start:
        raise ServiceError(_("The mission must not end before it starts."), field="end")
    roles = default_roles() if required_roles is None else dict(required_roles)
    role_keys = set(
        ExpertiseTag.objects.filter(kind=ExpertiseTag.Kind.ROLE).values_list("key", flat=True)
    )
    for role, count in roles.items():
        if role not in role_keys:
            raise ServiceError(
                _("Unknown role %(value)s.") % {"value": role}, field="required_roles"
            )
        if not isinstance(count, int) or count < 0:
            raise ServiceError(
                _("The role %(value)s needs a non-negative count.") % {"value": role},
                field="required_roles",
            )
    roles = {k: v for k, v in roles.items() if v > 0}
    if not 1 <= size <= 50:
        raise ServiceError(_("A team has from 1 to 50 members."), field="size")
    if assessment_ref is not None and not 1 <= assessment_ref <= 2**31 - 1:
        raise ServiceError(_("The assessment number is out of range."), field="assessment_ref")
    if sum(roles.values()) > size:
        raise ServiceError(
            _("The required roles need %(needed)s experts but the team size is %(size)s.")
            % {"needed": sum(roles.values()), "size": size},
            field="size",
        )
    langs = _clean_languages(languages)
    mission: MissionRequest = MissionRequest.objects.create(
        title=title,
        country=country,
        start=start,
        end=end,
        languages=langs,
        required_roles=roles,
        size=size,
        nascent_seat=nascent_seat,
        local_rule=local_rule,
        assessment_ref=assessment_ref,
        requested_by=user_of(actor),
        tlp=TLP.AMBER,
        owner_country=country,
    )
    if expertise:
        mission.expertise.set(expertise)
    if organisations:
        mission.organisations.set(organisations)
    audit_append(action="mission_request_create", actor=actor, obj=mission)
    return mission


def _expert_input(profile: ExpertProfile, regions: dict[int, str | None]) -> dict[str, Any]:
    tags = list(profile.expertise.all())
    conflicts = list(profile.conflicts.all())
    return {
        "id": profile.pk,
        "name": profile.name,
        "roles": sorted(t.key for t in tags if t.kind == ExpertiseTag.Kind.ROLE),
        "expertise": sorted(t.key for t in tags),
        "sector": profile.sector,
        "country": profile.country.code,
        "region": regions.get(profile.country_id),
        "organisation": profile.organisation.slug if profile.organisation else None,
        "languages": list(profile.languages),
        "seniority": profile.seniority,
        "availability": [
            {"start": a.start.isoformat(), "end": a.end.isoformat()}
            for a in profile.availability.all()
        ],
        "conflicts": {
            "countries": sorted(
                c.country.code
                for c in conflicts
                if c.kind == ConflictDeclaration.Kind.COUNTRY and c.country
            ),
            "organisations": sorted(
                c.organisation.slug
                for c in conflicts
                if c.kind == ConflictDeclaration.Kind.ORGANISATION and c.organisation
            ),
        },
    }


def mission_team_input(mission: MissionRequest) -> dict[str, Any]:
    """The `match_team` JSON for one mission over the whole network."""
    profiles = list(
        ExpertProfile.objects.filter(consent_at__isnull=False)
        .select_related("country", "organisation")
        .prefetch_related(
            "expertise", "availability", "conflicts__country", "conflicts__organisation"
        )
    )
    regions = {
        cid: region_of(cid) for cid in {p.country_id for p in profiles} | {mission.country_id}
    }
    busy = set(
        TeamMember.objects.filter(mission__start__lte=mission.end, mission__end__gte=mission.start)
        .exclude(mission=mission)
        .exclude(mission__status=MissionRequest.Status.CANCELLED)
        .values_list("profile_id", flat=True)
    )
    spec: dict[str, Any] = {
        "id": mission.pk,
        "title": mission.title,
        "country": mission.country.code,
        "region": regions.get(mission.country_id),
        "organisations": sorted(o.slug for o in mission.organisations.all()),
        "start": mission.start.isoformat(),
        "end": mission.end.isoformat(),
        "languages": list(mission.languages),
        "roles": dict(mission.required_roles),
        "size": mission.size,
        "nascent_seat": mission.nascent_seat,
        "expertise": sorted(t.key for t in mission.expertise.all()),
        "exclude": sorted(busy & {p.pk for p in profiles}),
    }
    if not mission.local_rule:
        spec["local"] = None
    return {
        "missions": [spec],
        "experts": [_expert_input(p, regions) for p in profiles],
        "candidates_extra": None,
        "time_limit": 20,
    }


@transaction.atomic
def mission_team_propose(*, actor: Actor, mission: MissionRequest) -> dict[str, Any]:
    """Propose a team with the matching engine; replaces the current proposal.

    Each member keeps why they were chosen and the second-best choice for their
    seat. Coverage the pool cannot give is kept in `mission.missing`.
    """
    _require(rules.may_propose_team, actor, mission, str(_MISSION_COORDINATORS))
    if mission.status in (MissionRequest.Status.CONFIRMED, MissionRequest.Status.CANCELLED):
        raise ServiceError(
            _("The team is confirmed; it cannot be proposed again.")
            if mission.status == MissionRequest.Status.CONFIRMED
            else _("The mission is cancelled; its team cannot be proposed again.")
        )
    data = mission_team_input(mission)
    try:
        result = matching.match_team(data)
    except matching.MatchingInputError as exc:  # pragma: no cover - our own input
        raise ServiceError(_("The mission cannot be matched: %(error)s") % {"error": exc}) from exc
    team = result["teams"][0]
    profiles = {
        p.pk: p
        for p in ExpertProfile.objects.filter(
            pk__in=[e["id"] for e in data["experts"]]
        ).prefetch_related("availability", "conflicts")
    }
    mission.team.all().delete()
    members = [*team["members"], *([team["nascent"]] if team["nascent"] else [])]
    for entry in members:
        profile = profiles[entry["expert"]]
        problems = mission_problems(profile, mission)
        if problems:  # the engine and our rules disagree: never propose such an expert
            raise ServiceError(_cannot_join(profile.name, problems))
        runner = entry.get("runner_up") or {}
        runner_profile = profiles.get(runner.get("expert")) if runner else None
        note = ""
        if runner and runner.get("assigned_to") is not None:
            note = _("already proposed for another mission")
        TeamMember.objects.create(
            mission=mission,
            profile=profile,
            seat=entry["seat"],
            covers=entry["covers"],
            fit=entry["fit"],
            reason=explain(entry.get("reason_parts"), entry["reason"]),
            runner_up=runner_profile,
            runner_up_fit=runner.get("fit") if runner else None,
            runner_up_note=note,
            **label_of(mission),
        )
    mission.missing = team["missing"]
    mission.status = MissionRequest.Status.PROPOSED
    mission.version += 1
    mission.save()
    audit_append(
        action="mission_team_propose",
        actor=actor,
        obj=mission,
        detail={"members": [m["expert"] for m in members], "missing": team["missing"]},
    )
    notify_handoff(
        kind="mission.team_proposed",
        subject_obj=mission,
        actor=actor,
        url=reverse("experts:mission_detail", args=[mission.pk]),
    )
    return result


def mission_coverage(mission: MissionRequest) -> list[dict[str, Any]]:
    """Coverage rules the current team does not meet (empty when complete)."""
    members = [
        m
        for m in mission.team.select_related("profile").prefetch_related("profile__expertise")
        if m.seat != "nascent"
    ]
    missing: list[dict[str, Any]] = []
    region = region_of(mission.country_id)
    roles = {m.pk: {t.key for t in m.profile.expertise.all()} for m in members}
    needed = [r for r, n in mission.required_roles.items() for _ in range(n)]
    # Each member fills at most one role seat: search the (small) assignments.
    best = 0
    if needed:
        for choice in itertools.permutations(members, min(len(needed), len(members))):
            best = max(
                best, sum(1 for r, m in zip(needed, choice, strict=False) if r in roles[m.pk])
            )
            if best == len(needed):
                break
    for role, count in mission.required_roles.items():
        have = sum(1 for m in members if role in roles[m.pk])
        if have < count:
            missing.append({"rule": f"role:{role}", "needed": count, "covered": have})
    if best < len(needed) and not missing:
        missing.append({"rule": "roles", "needed": len(needed), "covered": best})
    if mission.local_rule:
        local = any(
            m.profile.sector in (Sector.PRIVATE, Sector.ACADEMIA)
            and (
                m.profile.country_id == mission.country_id
                or (region and region_of(m.profile.country_id) == region)
            )
            for m in members
        )
        if not local:
            missing.append({"rule": "local", "needed": 1, "covered": 0})
    for lang in mission.languages:
        if not any(lang in m.profile.languages for m in members):
            missing.append({"rule": f"language:{lang}", "needed": 1, "covered": 0})
    if len(members) < mission.size:
        missing.append({"rule": "size", "needed": mission.size, "covered": len(members)})
    return missing


@transaction.atomic
def team_member_add(
    *, actor: Actor, mission: MissionRequest, profile: ExpertProfile, seat: str = "general"
) -> TeamMember:
    """The coordinator adds an expert by hand; the hard rules still apply."""
    _require(rules.may_edit_team, actor, mission, str(_MISSION_COORDINATORS))
    if mission.status in (MissionRequest.Status.CONFIRMED, MissionRequest.Status.CANCELLED):
        raise ServiceError(_("The team is confirmed; it can no longer be edited."))
    if mission.team.filter(profile=profile).exists():
        raise ServiceError(
            _("%(name)s is already on the team.") % {"name": profile.name}, field="profile"
        )
    problems = mission_problems(profile, mission)
    if problems:
        raise ServiceError(_cannot_join(profile.name, problems), field="profile")
    if seat == "nascent" and profile.seniority != Seniority.NASCENT:
        raise ServiceError(_("Only a nascent specialist can take the shadow seat."), field="seat")
    if seat != "nascent" and profile.seniority == Seniority.NASCENT:
        seat = "nascent"
    member: TeamMember = TeamMember.objects.create(
        mission=mission,
        profile=profile,
        seat=seat,
        reason=_("added by the coordinator"),
        chosen_by="coordinator",
        **label_of(mission),
    )
    mission.missing = mission_coverage(mission)
    mission.save(update_fields=["missing", "updated_at"])
    audit_append(
        action="mission_member_add", actor=actor, obj=mission, detail={"profile": profile.pk}
    )
    return member


@transaction.atomic
def team_member_remove(*, actor: Actor, member: TeamMember) -> None:
    mission = member.mission
    _require(rules.may_edit_team, actor, mission, str(_MISSION_COORDINATORS))
    if mission.status in (MissionRequest.Status.CONFIRMED, MissionRequest.Status.CANCELLED):
        raise ServiceError(_("The team is confirmed; it can no longer be edited."))
    profile_id = member.profile_id
    member.delete()
    mission.missing = mission_coverage(mission)
    mission.save(update_fields=["missing", "updated_at"])
    audit_append(
        action="mission_member_remove", actor=actor, obj=mission, detail={"profile": profile_id}
    )


@transaction.atomic
def mission_team_confirm(*, actor: Actor, mission: MissionRequest) -> MissionRequest:
    """The coordinator confirms the team; members are told; a shadow seat is recorded
    in the nascent specialist's growth timeline."""
    _require(rules.may_confirm_team, actor, mission, str(_MISSION_COORDINATORS))
    if mission.status != MissionRequest.Status.PROPOSED:
        raise ServiceError(_("Only a proposed team can be confirmed."))
    members = list(
        mission.team.select_related("profile__user").prefetch_related(
            "profile__availability", "profile__conflicts"
        )
    )
    if not members:
        raise ServiceError(_("The team has no members."))
    for m in members:
        problems = mission_problems(m.profile, mission)
        if problems:
            raise ServiceError(_cannot_join(m.profile.name, problems))
    mission.team.update(status=TeamMember.Status.CONFIRMED)
    mission.status = MissionRequest.Status.CONFIRMED
    mission.missing = mission_coverage(mission)
    mission.version += 1
    mission.save()
    url = reverse("experts:mission_detail", args=[mission.pk])
    for m in members:
        if m.seat == "nascent":
            pair = MentorPair.objects.filter(
                mentee=m.profile, status=MentorPair.Status.ACTIVE
            ).first()
            MentoringActivity.objects.create(
                specialist=m.profile,
                pair=pair,
                mission=mission,
                kind=MentoringActivity.Kind.SHADOWED_MISSION,
                on=mission.start,
                description=_("Shadowed the mission %(title)s") % {"title": mission.title},
                **private_label(m.profile),
            )
    notify_handoff(kind="mission.team_confirmed", subject_obj=mission, actor=actor, url=url)
    audit_append(
        action="mission_team_confirm",
        actor=actor,
        obj=mission,
        detail={"members": [m.profile_id for m in members]},
    )
    if mission.assessment_ref is not None:
        # The confirmed team becomes the assessment's team, with its roles (issue 14).
        from reef.assessments.services import assessment_team_from_mission

        assessment_team_from_mission(actor=actor, mission=mission)
    return mission


# --------------------------------------------------------------------------- review rounds


def _check_window(opens_on: dt.date, closes_on: dt.date) -> None:
    minimum = min_working_days()
    days = working_days(opens_on, closes_on)
    if days < minimum:
        raise ServiceError(
            ngettext(
                "A review window must last at least %(minimum)s working day; "
                "%(start)s to %(end)s has %(days)s.",
                "A review window must last at least %(minimum)s working days; "
                "%(start)s to %(end)s has %(days)s.",
                minimum,
            )
            % {
                "minimum": minimum,
                "start": day(opens_on, with_year=False),
                "end": day(closes_on),
                "days": days,
            },
            field="closes_on",
        )


@transaction.atomic
def round_create(
    *,
    actor: Actor,
    title: str,
    grouping: Grouping,
    opens_on: dt.date,
    closes_on: dt.date,
    reviewers_per_proposal: int = 3,
    objective: str = ReviewRound.Objective.TOTAL,
    exclude_government_of_country: bool = True,
    description: str = "",
    organisation: Organisation | None = None,
) -> ReviewRound:
    _require(
        rules.may_create_round,
        actor,
        ReviewRound(grouping=grouping),
        _("Only a coordinator of the region may run a review round."),
    )
    title = _text(title, "title")
    if not 1 <= reviewers_per_proposal <= 20:
        raise ServiceError(
            _("Reviewers per proposal must be between 1 and 20."),
            field="reviewers_per_proposal",
        )
    if objective not in ReviewRound.Objective.values:
        raise ServiceError(
            _("Unknown objective %(value)s.") % {"value": objective}, field="objective"
        )
    _check_window(opens_on, closes_on)
    round_: ReviewRound = ReviewRound.objects.create(
        title=title,
        description=description.strip(),
        grouping=grouping,
        opens_on=opens_on,
        closes_on=closes_on,
        reviewers_per_proposal=reviewers_per_proposal,
        objective=objective,
        exclude_government_of_country=exclude_government_of_country,
        tlp=TLP.AMBER,
        owner_organisation=organisation,
    )
    audit_append(action="review_round_create", actor=actor, obj=round_)
    return round_


@transaction.atomic
def round_set_window(
    *, actor: Actor, round: ReviewRound, closes_on: dt.date, opens_on: dt.date | None = None
) -> ReviewRound:
    """Move a round's window. Once open it can be extended, never shortened."""
    round_ = round
    _require(rules.may_set_window, actor, round_, str(_ROUND_COORDINATORS))
    if round_.status == ReviewRound.Status.CLOSED:
        raise ServiceError(_("The round is closed."))
    new_open = opens_on or round_.opens_on
    if round_.status == ReviewRound.Status.OPEN:
        if new_open != round_.opens_on:
            raise ServiceError(
                _("The window is open: its start can no longer move."), field="opens_on"
            )
        if closes_on < round_.closes_on:
            raise ServiceError(
                _("The window is open and cannot be shortened: it closes on %(date)s.")
                % {"date": day(round_.closes_on)},
                field="closes_on",
            )
    _check_window(new_open, closes_on)
    old = (round_.opens_on.isoformat(), round_.closes_on.isoformat())
    round_.opens_on = new_open
    round_.closes_on = closes_on
    round_.version += 1
    round_.save()
    audit_append(
        action="review_round_window",
        actor=actor,
        obj=round_,
        detail={"from": old, "to": (new_open.isoformat(), closes_on.isoformat())},
    )
    return round_


@transaction.atomic
def proposal_add(
    *,
    actor: Actor,
    round: ReviewRound,
    title: str,
    text: str,
    author_organisation: Organisation | None = None,
    author_name: str = "",
    implementers: Sequence[Organisation] = (),
    country: Country | None = None,
) -> Proposal:
    round_ = round
    _require(rules.may_add_proposal, actor, round_, str(_ROUND_COORDINATORS))
    if round_.status == ReviewRound.Status.CLOSED:
        raise ServiceError(_("The round is closed."))
    title = _text(title, "title")
    if not text.strip():
        raise ServiceError(_("A proposal needs a text for the reviewers."), field="text")
    proposal: Proposal = Proposal.objects.create(
        round=round_,
        title=title,
        text=text.strip(),
        author_organisation=author_organisation,
        author_name=author_name.strip(),
        country=country,
        tlp=TLP.AMBER,
        owner_organisation=author_organisation or round_.owner_organisation,
    )
    if implementers:
        proposal.implementers.set(implementers)
    audit_append(action="proposal_add", actor=actor, obj=proposal)
    return proposal


def _quarter(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3


def reviewer_input(round_: ReviewRound) -> dict[str, Any]:
    """The `match_reviewers` JSON for a round: texts, loads, conflicts, fixed and declined."""
    proposals = list(round_.proposals.select_related("round").prefetch_related("implementers"))
    profiles = list(
        ExpertProfile.objects.filter(consent_at__isnull=False)
        .exclude(seniority=Seniority.NASCENT)
        .prefetch_related("expertise", "conflicts")
    )
    quarter = _quarter(round_.opens_on)
    live = ReviewAssignment.objects.exclude(status=ReviewAssignment.Status.DECLINED)
    other_load: dict[int, int] = {}
    for reviewer_id, opens_on in live.exclude(proposal__round=round_).values_list(
        "reviewer_id", "proposal__round__opens_on"
    ):
        if reviewer_id is not None and _quarter(opens_on) == quarter:
            other_load[reviewer_id] = other_load.get(reviewer_id, 0) + 1
    assignments = list(
        ReviewAssignment.objects.filter(proposal__round=round_, reviewer__isnull=False).values_list(
            "proposal_id", "reviewer_id", "status"
        )
    )
    known = {p.pk for p in profiles}
    conflicts = [
        {"proposal": p.pk, "reviewer": r.pk}
        for p in proposals
        for r in profiles
        if review_conflicts(r, p)
    ]
    return {
        "proposals": [
            {
                "id": p.pk,
                "title": p.title,
                "text": f"{p.title}\n{p.text}",
                "needs": round_.reviewers_per_proposal,
            }
            for p in proposals
        ],
        "reviewers": [
            {
                "id": r.pk,
                "name": r.name,
                "text": r.bio,
                "expertise": [t.name for t in r.expertise.all()],
                "max_load": max(0, r.max_reviews_per_quarter - other_load.get(r.pk, 0)),
            }
            for r in profiles
        ],
        "conflicts": conflicts,
        "fixed": [
            {"proposal": p, "reviewer": r}
            for p, r, s in assignments
            if s != ReviewAssignment.Status.DECLINED and r in known
        ],
        "declined": [
            {"proposal": p, "reviewer": r}
            for p, r, s in assignments
            if s == ReviewAssignment.Status.DECLINED and r in known
        ],
        "objective": round_.objective,
        "affinity_method": "tfidf",
    }


def _assign(actor: Actor, round_: ReviewRound) -> tuple[list[ReviewAssignment], dict[str, Any]]:
    data = reviewer_input(round_)
    if not data["proposals"]:
        raise ServiceError(_("The round has no proposals to review."))
    try:
        result = matching.match_reviewers(data)
    except matching.MatchingInputError as exc:  # pragma: no cover - our own input
        raise ServiceError(_("The round cannot be matched: %(error)s") % {"error": exc}) from exc
    fixed = {(f["proposal"], f["reviewer"]) for f in data["fixed"]}
    proposals = {p.pk: p for p in round_.proposals.all()}
    profiles = {
        p.pk: p
        for p in ExpertProfile.objects.filter(
            pk__in=[a["reviewer"] for a in result["assignment"]]
        ).select_related("user")
    }
    created: list[ReviewAssignment] = []
    for a in result["assignment"]:
        if (a["proposal"], a["reviewer"]) in fixed:
            continue
        proposal = proposals[a["proposal"]]
        reviewer = profiles[a["reviewer"]]
        if review_conflicts(reviewer, proposal):  # defensive: never invite a conflicted expert
            raise ServiceError(
                _("%(name)s is conflicted for %(title)s.")
                % {"name": reviewer.name, "title": proposal.title}
            )
        item: ReviewAssignment = ReviewAssignment.objects.create(
            proposal=proposal,
            reviewer=reviewer,
            affinity=a["score"],
            **label_of(round_),
        )
        created.append(item)
        notify_handoff(
            kind="review.invited",
            subject_obj=item,
            actor=actor,
            url=reverse("experts:round_detail", args=[round_.pk]),
        )
    return created, result


@transaction.atomic
def round_open(*, actor: Actor, round: ReviewRound) -> ReviewRound:
    """Open a round and invite reviewers."""
    round_ = round
    _require(rules.may_open_round, actor, round_, str(_ROUND_COORDINATORS))
    if round_.status != ReviewRound.Status.DRAFT:
        raise ServiceError(_("Only a draft round can be opened."))
    _check_window(round_.opens_on, round_.closes_on)
    created, result = _assign(actor, round_)
    round_.status = ReviewRound.Status.OPEN
    round_.version += 1
    round_.save()
    audit_append(
        action="review_round_open",
        actor=actor,
        obj=round_,
        detail={"invited": len(created), "unfilled": result["unfilled"]},
    )
    return round_


@transaction.atomic
def round_assign(*, actor: Actor, round: ReviewRound) -> list[ReviewAssignment]:
    """Fill empty reviewer seats (after new proposals or declines)."""
    round_ = round
    _require(rules.may_assign_round, actor, round_, str(_ROUND_COORDINATORS))
    if round_.status == ReviewRound.Status.CLOSED:
        raise ServiceError(_("The round is closed."))
    created, result = _assign(actor, round_)
    audit_append(
        action="review_round_assign",
        actor=actor,
        obj=round_,
        detail={"invited": len(created), "unfilled": result["unfilled"]},
    )
    return created


@transaction.atomic
def round_close(*, actor: Actor, round: ReviewRound, today: dt.date | None = None) -> ReviewRound:
    """Close a round: only once its window has passed (it cannot be cut short)."""
    round_ = round
    _require(rules.may_close_round, actor, round_, str(_ROUND_COORDINATORS))
    today = today or timezone.localdate()
    if round_.status != ReviewRound.Status.OPEN:
        raise ServiceError(_("Only an open round can be closed."))
    if today <= round_.closes_on:
        raise ServiceError(
            _("The window runs until %(date)s; it cannot be cut short.")
            % {"date": day(round_.closes_on)}
        )
    round_.status = ReviewRound.Status.CLOSED
    round_.version += 1
    round_.save()
    audit_append(action="review_round_close", actor=actor, obj=round_)
    return round_


@transaction.atomic
def assignment_accept(*, actor: Actor, assignment: ReviewAssignment) -> ReviewAssignment:
    _require(rules.may_answer_invitation, actor, assignment, str(_REVIEWER_ONLY))
    if assignment.proposal.round.status != ReviewRound.Status.OPEN:
        raise ServiceError(_("The round is not open."))
    if assignment.status != ReviewAssignment.Status.INVITED:
        raise ServiceError(str(ALREADY_ANSWERED[assignment.status]))
    assignment.status = ReviewAssignment.Status.ACCEPTED
    assignment.version += 1
    assignment.save()
    audit_append(action="review_accept", actor=actor, obj=assignment)
    return assignment


@transaction.atomic
def assignment_decline(
    *, actor: Actor, assignment: ReviewAssignment, reason: str = ""
) -> list[ReviewAssignment]:
    """Decline an invitation; the seat is offered to the next best reviewer at once."""
    _require(rules.may_answer_invitation, actor, assignment, str(_REVIEWER_ONLY))
    round_ = assignment.proposal.round
    if round_.status != ReviewRound.Status.OPEN:
        raise ServiceError(_("The round is not open."))
    if assignment.status not in (ReviewAssignment.Status.INVITED, ReviewAssignment.Status.ACCEPTED):
        raise ServiceError(str(ALREADY_ANSWERED[assignment.status]))
    assignment.status = ReviewAssignment.Status.DECLINED
    assignment.decline_reason = reason.strip()[:300]
    assignment.version += 1
    assignment.save()
    audit_append(action="review_decline", actor=actor, obj=assignment)
    created, result = _assign(actor, round_)
    audit_append(
        action="review_round_reassign",
        actor=actor,
        obj=round_,
        detail={
            "after_decline": assignment.pk,
            "invited": [a.pk for a in created],
            "unfilled": result["unfilled"],
        },
    )
    return created


@transaction.atomic
def review_submit(
    *,
    actor: Actor,
    assignment: ReviewAssignment,
    score: int,
    comments: str,
    today: dt.date | None = None,
) -> ReviewAssignment:
    _require(rules.may_answer_invitation, actor, assignment, str(_REVIEWER_ONLY))
    round_ = assignment.proposal.round
    today = today or timezone.localdate()
    if round_.status != ReviewRound.Status.OPEN or not round_.opens_on <= today <= round_.closes_on:
        raise ServiceError(_("Reviews can be submitted only while the window is open."))
    if assignment.status not in (
        ReviewAssignment.Status.ACCEPTED,
        ReviewAssignment.Status.SUBMITTED,
    ):
        raise ServiceError(_("Accept the invitation before submitting a review."))
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ServiceError(_("The score must be a whole number from 1 to 5."), field="score")
    if not comments.strip():
        raise ServiceError(_("Please explain your score in the comments."), field="comments")
    assignment.score = score
    assignment.comments = comments.strip()
    assignment.status = ReviewAssignment.Status.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.version += 1
    assignment.save()
    audit_append(action="review_submit", actor=actor, obj=assignment, detail={"score": score})
    return assignment


def reviews_remind(
    *, actor: Actor = WORKER, days_before: int = 3, today: dt.date | None = None
) -> int:
    """Remind reviewers with a review still due when a window closes within `days_before`
    days. Each assignment is reminded at most once a day. Returns reminders sent."""
    if days_before < 0:
        raise ServiceError(
            _("The number of days before must not be negative."), field="days_before"
        )
    today = today or timezone.localdate()
    due = (
        ReviewAssignment.objects.filter(
            proposal__round__status=ReviewRound.Status.OPEN,
            proposal__round__closes_on__gte=today,
            proposal__round__closes_on__lte=today + dt.timedelta(days=days_before),
            status__in=[ReviewAssignment.Status.INVITED, ReviewAssignment.Status.ACCEPTED],
            reviewer__isnull=False,
        )
        .exclude(reminded_on=today)
        .select_related("proposal__round", "reviewer__user")
    )
    sent = 0
    for a in due:
        with transaction.atomic():
            round_ = a.proposal.round
            reviewer = a.reviewer
            if reviewer is None:  # pragma: no cover - filtered above
                continue
            notify_handoff(
                kind="review.reminder",
                subject_obj=a,
                actor=actor,
                url=reverse("experts:round_detail", args=[round_.pk]),
            )
            a.reminded_on = today
            a.save(update_fields=["reminded_on", "updated_at"])
            audit_append(action="review_remind", actor=actor, obj=a)
            sent += 1
    return sent


# --------------------------------------------------------------------------- mentoring


MENTOR_LEVELS = (Seniority.SENIOR,)
MENTOR_CAPACITY = 2


@transaction.atomic
def mentoring_pairs_propose(*, actor: Actor, today: dt.date | None = None) -> list[MentorPair]:
    """Pair unpaired nascent specialists with senior mentors (field, language, country)."""
    _require(
        rules.may_propose_mentoring, actor, None, _("Only a regional coordinator may pair mentors.")
    )
    base = ExpertProfile.objects.filter(consent_at__isnull=False)
    if not isinstance(actor, SystemActor):  # a coordinator pairs the experts of their region
        base = base.filter(country_id__in=list(scope_for(actor).coordinated_countries))
    active = MentorPair.objects.filter(status=MentorPair.Status.ACTIVE)
    paired = set(active.values_list("mentee_id", flat=True))
    load: dict[int, int] = {}
    for mentor_id in active.values_list("mentor_id", flat=True):
        load[mentor_id] = load.get(mentor_id, 0) + 1
    mentees = list(
        base.filter(seniority=Seniority.NASCENT)
        .exclude(pk__in=paired)
        .prefetch_related("expertise")
    )
    mentors = [
        m
        for m in base.filter(seniority__in=MENTOR_LEVELS).prefetch_related("expertise")
        if load.get(m.pk, 0) < MENTOR_CAPACITY
    ]
    if not mentees or not mentors:
        return []
    regions = {cid: region_of(cid) for cid in {p.country_id for p in [*mentees, *mentors]}}

    def person(p: ExpertProfile) -> dict[str, Any]:
        return {
            "id": p.pk,
            "name": p.name,
            "fields": sorted(t.key for t in p.expertise.all()),
            "languages": list(p.languages),
            "country": p.country.code,
            "region": regions.get(p.country_id),
        }

    data = {
        "mentees": [person(p) for p in mentees],
        "mentors": [
            {**person(m), "capacity": MENTOR_CAPACITY - load.get(m.pk, 0)} for m in mentors
        ],
    }
    result = matching.match_mentors(data)
    by_id = {p.pk: p for p in [*mentees, *mentors]}
    pairs: list[MentorPair] = []
    for item in result["pairs"]:
        mentee = by_id[item["mentee"]]
        reason = explain(item.get("reason_parts"), item["reason"])
        pair: MentorPair = MentorPair.objects.create(
            mentee=mentee,
            mentor=by_id[item["mentor"]],
            score=item["score"],
            reason=reason[:300],
            started_on=today or timezone.localdate(),
            **private_label(mentee),
        )
        pairs.append(pair)
        notify_handoff(
            kind="mentoring.paired",
            subject_obj=pair,
            actor=actor,
            url=reverse("experts:growth", args=[mentee.pk]),
        )
    audit_append(
        action="mentoring_pairs_propose",
        actor=actor,
        object_type="experts.mentorpair",
        detail={"pairs": [p.pk for p in pairs], "unmatched": result["unmatched"]},
    )
    return pairs


@transaction.atomic
def activity_record(
    *,
    actor: Actor,
    specialist: ExpertProfile,
    kind: str,
    on: dt.date,
    description: str = "",
    mission: MissionRequest | None = None,
) -> MentoringActivity:
    """Record a mentoring activity (by the specialist, their mentor or a coordinator)."""
    from reef.experts.selectors import active_pair

    pair = active_pair(specialist)
    _require(
        rules.may_record_activity,
        actor,
        MentoringActivity(specialist=specialist, pair=pair),
        _("Only the specialist, their mentor or a coordinator may record this."),
    )
    if kind not in MentoringActivity.Kind.values:
        raise ServiceError(_("Unknown activity %(value)s.") % {"value": kind}, field="kind")
    if on > timezone.localdate() + dt.timedelta(days=366):
        raise ServiceError(_("The date is too far in the future."), field="on")
    item: MentoringActivity = MentoringActivity.objects.create(
        specialist=specialist,
        pair=pair,
        mission=mission,
        kind=kind,
        on=on,
        description=description.strip()[:300],
        **private_label(specialist),
    )
    audit_append(action="mentoring_activity_record", actor=actor, obj=item)
    return item


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    _require(rules.may_mark_read, actor, notification, str(PermissionDenied().message))
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at", "updated_at"])
    audit_append(action="notification_read", actor=actor, obj=notification)
    return notification
