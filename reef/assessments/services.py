"""Every write to assessments: the workflow from request to re-assessment, and imports.

Workflow (each step checks who may take it and refuses an illegal step with a clear error):

    requested  --accept (coordinator of a grouping containing the country)-->  accepted
    accepted   --assign team (coordinator)-->                                  rating
    rating     --close rating (team lead)-->                                   consolidation
    consolidation --finish (team lead, no dispute left)-->                     targets
    targets    --agree targets (country focal point)-->                        complete
    complete   --open the review of the draft report (team lead, coordinator)--> the
               country's managers review it section by section (a consultation)

A re-assessment is a new request for the same country, linked to the last one.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reef.accounts.models import User
from reef.assessments import evidence, report, rules, scoring, selectors
from reef.assessments.models import (
    DEFAULT_ASSESSMENT_TLP,
    DEFAULT_RATING_TLP,
    REQUIRED_ROLES,
    Assessment,
    Cluster,
    Decision,
    Rating,
    RatingValue,
    StakeholderSession,
    Status,
    Target,
    TeamChange,
    TeamMembership,
    TeamRole,
)
from reef.assessments.ratingrows import RatingRow, RatingRowsInvalid, RowError
from reef.consultations import services as consultation_services
from reef.consultations.models import Consultation, Participation
from reef.core.audit import audit_append
from reef.core.concurrency import save_versioned
from reef.core.derivation import at_least
from reef.core.errors import Conflict, PermissionDenied, ServiceError
from reef.core.rules import Actor, Rule, require, user_of
from reef.core.tlp import TLP, stricter
from reef.core.workdays import last_working_day, min_working_days
from reef.directory.models import Country
from reef.frameworks import selectors as framework_selectors
from reef.frameworks.models import Framework, Indicator
from reef.notifications import recipients
from reef.notifications.services import notify_handoff

#: Refusals of a workflow step taken in the wrong state, one whole sentence per step
#: and number of allowed states (placeholders: status, first, second, third).
_WRONG_STATE = {
    "accept": gettext_lazy(
        "Cannot accept the request: the assessment is '%(status)s', it must be '%(first)s'."
    ),
    "assign": gettext_lazy(
        "Cannot assign the team: the assessment is '%(status)s', "
        "it must be '%(first)s' or '%(second)s'."
    ),
    "session": gettext_lazy(
        "Cannot record a session: the assessment is '%(status)s', "
        "it must be '%(first)s', '%(second)s' or '%(third)s'."
    ),
    "open": gettext_lazy(
        "Cannot open rating: the assessment is '%(status)s', it must be '%(first)s'."
    ),
    "rate": gettext_lazy("Cannot rate: the assessment is '%(status)s', it must be '%(first)s'."),
    "close": gettext_lazy(
        "Cannot close rating: the assessment is '%(status)s', it must be '%(first)s'."
    ),
    "decide": gettext_lazy(
        "Cannot record a decision: the assessment is '%(status)s', it must be '%(first)s'."
    ),
    "finish": gettext_lazy(
        "Cannot finish consolidation: the assessment is '%(status)s', it must be '%(first)s'."
    ),
    "set_targets": gettext_lazy(
        "Cannot set targets: the assessment is '%(status)s', it must be '%(first)s'."
    ),
    "agree": gettext_lazy(
        "Cannot agree the targets: the assessment is '%(status)s', it must be '%(first)s'."
    ),
    "review": gettext_lazy(
        "Cannot open the review of the draft report: the assessment is '%(status)s', "
        "it must be '%(first)s'."
    ),
}


def _check_status(assessment: Assessment, allowed: Sequence[str], step: str) -> None:
    if assessment.status not in allowed:
        params = {"status": Status(assessment.status).label}
        for name, state in zip(("first", "second", "third"), allowed, strict=False):
            params[name] = Status(state).label
        raise ServiceError(str(_WRONG_STATE[step]) % params, code="invalid_state")


def _set_status(assessment: Assessment, status: str, fields: Sequence[str] = ()) -> None:
    """Move the workflow on; refused (Conflict) if someone else moved it meanwhile."""
    assessment.status = status
    save_versioned(assessment, expected_version=assessment.version, fields=["status", *fields])


def _assessor_key(user: User) -> str:
    return f"user:{user.pk}"


def _authorised(rule: Rule, actor: Actor, obj: Any, why: str) -> User:
    """`require` with the refusal said in words; returns the person acting.

    Every assessment rule but import refuses system actors, so past this point the
    actor is a user.
    """
    try:
        require(rule, actor, obj)
    except PermissionDenied:
        raise PermissionDenied(why) from None
    user = user_of(actor)
    if user is None:  # a rule that lets system actors through, on a step needing a person
        raise PermissionDenied(why)
    return user


def _label(assessment: Assessment, default: str) -> str:
    """A part of an assessment is never labelled wider than the assessment itself."""
    return stricter(str(assessment.tlp), default)


# ------------------------------------------------------------------ request -> team


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


def _cci_missing(roles: Mapping[int, str]) -> list[str]:
    """The roles the CCI rule needs that the team (user pk -> role) does not hold."""
    held = set(roles.values())
    return [str(TeamRole(r).label) for r in REQUIRED_ROLES if r not in held]


def rating_blockers(assessment: Assessment) -> list[str]:
    """Why rating cannot open for this team yet (empty when it can): the CCI rule."""
    roles = dict(
        TeamMembership.objects.filter(assessment=assessment).values_list("user_id", "role")
    )
    if not roles:
        return [_("The assessment has no team yet.")]
    missing = _cci_missing(roles)
    if not missing:
        return []
    return [
        _(
            "Rating opens when the team holds at least one technical and one "
            "criminal-justice assessor; missing: %(roles)s."
        )
        % {"roles": ", ".join(missing)}
    ]


def _team_change(
    assessment: Assessment,
    *,
    member: User,
    kind: str,
    role: str,
    by: User,
    source: str,
) -> TeamChange:
    change: TeamChange = TeamChange.objects.create(
        assessment=assessment,
        member=member,
        member_name=str(member),
        kind=kind,
        role=role,
        by=by,
        by_name=str(by),
        source=source,
        tlp=_label(assessment, DEFAULT_RATING_TLP),
        owner_country=assessment.country,
    )
    return change


def _announce_rating_open(assessment: Assessment, actor: Actor) -> None:
    """The team's hand-off: each member is told that rating is open."""
    notify_handoff(
        kind="assessment.rating_opened",
        subject_obj=assessment,
        actor=actor,
        url=reverse("assessments:assessment_detail", args=[assessment.pk]),
    )


@transaction.atomic
def assessment_assign_team(
    *,
    actor: Actor,
    assessment: Assessment,
    members: Sequence[User],
    lead: User,
    roles: Mapping[int, str] | None = None,
    source: str = "",
) -> Assessment:
    """The coordinator names the team, each member's role and the lead.

    `roles` maps a member's user id to their role (technical when not given). Every
    change is kept in the team's history. Rating opens as soon as the team meets the
    CCI rule (a technical and a criminal-justice assessor); while rating is open the
    team must keep meeting it.
    """
    user = _authorised(
        rules.may_assign_team,
        actor,
        assessment,
        _("Only a coordinator of the country's region may assign the team."),
    )
    _check_status(assessment, [Status.ACCEPTED, Status.RATING], "assign")
    team = {u.pk: u for u in members}
    if not team:
        raise ServiceError(_("A team needs at least one assessor."), field="team")
    if lead.pk not in team:
        raise ServiceError(_("The team lead must be a member of the team."), field="lead")
    inactive = [u.email for u in team.values() if not u.is_active]
    if inactive:
        raise ServiceError(
            _("Inactive users cannot join a team: %(emails)s.") % {"emails": ", ".join(inactive)}
        )
    wanted: dict[int, str] = {}
    for pk, member in team.items():
        role = (roles or {}).get(pk, TeamRole.TECHNICAL)
        if role not in TeamRole.values:
            raise ServiceError(
                _("Unknown role %(value)s for %(member)s: one of %(known)s.")
                % {
                    "value": repr(role),
                    "member": member.email,
                    "known": ", ".join(TeamRole.values),
                },
                field="roles",
            )
        wanted[pk] = role
    if wanted[lead.pk] == TeamRole.OBSERVER:
        raise ServiceError(_("An observer cannot lead the team."), field="lead")
    if assessment.status == Status.RATING and _cci_missing(wanted):
        raise ServiceError(
            _(
                "Rating is open: the team must keep at least one technical and one "
                "criminal-justice assessor; missing: %(roles)s."
            )
            % {"roles": ", ".join(_cci_missing(wanted))},
            field="team",
        )
    current = {m.user_id: m for m in TeamMembership.objects.filter(assessment=assessment)}
    for pk, m in current.items():
        if pk not in wanted:
            _team_change(
                assessment,
                member=m.user,
                kind=TeamChange.Kind.REMOVED,
                role=m.role,
                by=user,
                source=source,
            )
            m.delete()
    for pk, role in wanted.items():
        existing = current.get(pk)
        if existing is None:
            TeamMembership.objects.create(
                assessment=assessment,
                user=team[pk],
                role=role,
                source=source,
                tlp=_label(assessment, DEFAULT_RATING_TLP),
                owner_country=assessment.country,
            )
            _team_change(
                assessment,
                member=team[pk],
                kind=TeamChange.Kind.ADDED,
                role=role,
                by=user,
                source=source,
            )
        elif existing.role != role:
            existing.role = role
            existing.save(update_fields=["role", "updated_at"])
            _team_change(
                assessment,
                member=team[pk],
                kind=TeamChange.Kind.ROLE,
                role=role,
                by=user,
                source=source,
            )
    if assessment.lead_id != lead.pk:
        _team_change(
            assessment,
            member=lead,
            kind=TeamChange.Kind.LEAD,
            role=wanted[lead.pk],
            by=user,
            source=source,
        )
    assessment.team.set(list(team.values()))
    assessment.lead = lead
    opens = assessment.status == Status.ACCEPTED and not _cci_missing(wanted)
    _set_status(assessment, Status.RATING if opens else assessment.status, ["lead"])
    audit_append(
        action="assessment_assign_team",
        actor=actor,
        obj=assessment,
        detail={
            "team": {str(pk): role for pk, role in sorted(wanted.items())},
            "lead": lead.pk,
            "source": source,
            "rating_opened": opens,
        },
    )
    if opens:
        _announce_rating_open(assessment, actor)
    return assessment


@transaction.atomic
def assessment_open_rating(*, actor: Actor, assessment: Assessment) -> Assessment:
    """Open rating once the team meets the CCI rule (assigning such a team opens it too)."""
    _authorised(
        rules.may_open_rating,
        actor,
        assessment,
        _("Only a coordinator of the country's region may open rating."),
    )
    _check_status(assessment, [Status.ACCEPTED], "open")
    blockers = rating_blockers(assessment)
    if blockers:
        raise ServiceError(" ".join(blockers), code="invalid_state", field="team")
    _set_status(assessment, Status.RATING)
    audit_append(action="assessment_open_rating", actor=actor, obj=assessment)
    _announce_rating_open(assessment, actor)
    return assessment


#: Mission seats and expert role tags -> the assessment team's role.
_MISSION_ROLES = {
    "technical": TeamRole.TECHNICAL,
    "digital_forensics": TeamRole.TECHNICAL,
    "incident_response": TeamRole.TECHNICAL,
    "criminal_justice": TeamRole.CRIMINAL_JUSTICE,
    "prosecution": TeamRole.CRIMINAL_JUSTICE,
    "judiciary": TeamRole.CRIMINAL_JUSTICE,
    "legal_drafting": TeamRole.LEGAL,
    "policy": TeamRole.LEGAL,
}


def _mission_member_role(seat: str, role_tags: Sequence[str]) -> str:
    """A mission member's role: their role seat, else their first mapped role tag; the
    nascent specialist's shadow seat observes."""
    if seat == "nascent":
        return TeamRole.OBSERVER
    if seat.startswith("role:") and seat[5:] in _MISSION_ROLES:
        return _MISSION_ROLES[seat[5:]]
    for tag in sorted(role_tags):
        if tag in _MISSION_ROLES:
            return _MISSION_ROLES[tag]
    return TeamRole.OBSERVER


@transaction.atomic
def assessment_team_from_mission(*, actor: Actor, mission: Any) -> Assessment:
    """A confirmed mission's team becomes its assessment's team, with their roles.

    The mission names the assessment by number (`assessment_ref`). The lead stays the
    lead if still on the team; otherwise the best-fitting technical member leads (the
    coordinator can change it on the team page). Rating opens if the CCI rule holds.
    """
    from reef.experts.models import MissionRequest

    if mission.status != MissionRequest.Status.CONFIRMED:
        raise ServiceError(_("Only a confirmed mission team can become an assessment team."))
    if mission.assessment_ref is None:
        raise ServiceError(_("The mission names no assessment."), field="assessment_ref")
    assessment = (
        Assessment.objects.select_for_update()
        .filter(pk=mission.assessment_ref, country_id=mission.country_id)
        .first()
    )
    if assessment is None:
        raise ServiceError(
            _("The mission's assessment %(id)s does not exist for %(country)s.")
            % {"id": mission.assessment_ref, "country": mission.country.display_name},
            field="assessment_ref",
        )
    members = list(
        mission.team.select_related("profile__user")
        .prefetch_related("profile__expertise")
        .order_by("-fit", "pk")
    )
    users: list[User] = []
    roles: dict[int, str] = {}
    for m in members:
        person = m.profile.user
        if person is None or not person.is_active:
            continue
        tags = [t.key for t in m.profile.expertise.all() if t.kind == "role"]
        users.append(person)
        roles[person.pk] = _mission_member_role(m.seat, tags)
    if not users:
        raise ServiceError(_("The mission team has no active member with an account."))
    lead = next((u for u in users if u.pk == assessment.lead_id), None)
    if lead is None:
        lead = next(
            (u for u in users if roles[u.pk] == TeamRole.TECHNICAL),
            next((u for u in users if roles[u.pk] != TeamRole.OBSERVER), users[0]),
        )
    return assessment_assign_team(
        actor=actor,
        assessment=assessment,
        members=users,
        lead=lead,
        roles=roles,
        source=f"mission:{mission.pk}",
    )


def _verified_users(addresses: Sequence[str]) -> dict[str, User]:
    """address -> active user, only for addresses the user has verified.

    Whoever registers someone else's address first must not get their place on a team.
    """
    from allauth.account.models import EmailAddress

    wanted = {a.strip().lower() for a in addresses if a.strip()}
    found: dict[str, User] = {}
    rows = (
        EmailAddress.objects.annotate(address=Lower("email"))
        .filter(address__in=wanted, verified=True, user__is_active=True)
        .select_related("user")
    )
    for row in rows:
        found[row.address] = row.user
    return found


@transaction.atomic
def assessment_assign_team_by_email(
    *,
    actor: Actor,
    assessment: Assessment,
    emails: Sequence[str],
    lead_email: str,
    roles: Mapping[str, str] | None = None,
) -> Assessment:
    """Name the team by e-mail address (each verified by its account), with roles by
    address (technical when not given)."""
    # The rule first: who may not assign learns nothing about the addresses.
    _authorised(
        rules.may_assign_team,
        actor,
        assessment,
        _("Only a coordinator of the country's region may assign the team."),
    )
    addresses = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    lead_address = lead_email.strip().lower()
    if not addresses:
        raise ServiceError(_("A team needs at least one assessor."), field="team")
    if not lead_address:
        raise ServiceError(_("Name the team lead."), field="lead")
    users = _verified_users([*addresses, lead_address])
    missing = [a for a in dict.fromkeys([*addresses, lead_address]) if a not in users]
    if missing:
        raise ServiceError(
            _(
                "No active account has verified the e-mail address: %(emails)s. "
                "Each assessor must confirm their address before joining a team."
            )
            % {"emails": ", ".join(missing)},
            field="team",
        )
    return assessment_assign_team(
        actor=actor,
        assessment=assessment,
        members=[users[a] for a in addresses],
        lead=users[lead_address],
        roles={
            users[a].pk: role
            for a, role in ((k.strip().lower(), v) for k, v in (roles or {}).items())
            if a in users
        },
    )


@transaction.atomic
def session_record(
    *,
    actor: Actor,
    assessment: Assessment,
    cluster: str,
    held_on: datetime.date,
    participants: Mapping[str, int],
    notes: str = "",
) -> StakeholderSession:
    """A stakeholder session: which cluster, when, and how many people from each sector."""
    user = _authorised(
        rules.may_record_session,
        actor,
        assessment,
        _("Only the team or the coordinator may record sessions."),
    )
    _check_status(assessment, [Status.ACCEPTED, Status.RATING, Status.CONSOLIDATION], "session")
    if cluster not in Cluster.values:
        raise ServiceError(
            _("Unknown cluster %(value)s.") % {"value": repr(cluster)}, field="cluster"
        )
    clean: dict[str, int] = {}
    for sector, count in participants.items():
        if sector not in Cluster.values:
            raise ServiceError(
                _("Unknown sector %(value)s.") % {"value": repr(sector)}, field="participants"
            )
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ServiceError(
                _("Participants from %(sector)s must be a whole number, not %(value)s.")
                % {"sector": Cluster(sector).label, "value": repr(count)},
                field="participants",
            )
        if count:
            clean[sector] = count
    if not clean:
        raise ServiceError(_("A session needs at least one participant."), field="participants")
    session: StakeholderSession = StakeholderSession.objects.create(
        assessment=assessment,
        cluster=cluster,
        held_on=held_on,
        participants=clean,
        notes=notes.strip(),
        recorded_by=user,
        tlp=_label(assessment, DEFAULT_ASSESSMENT_TLP),
        owner_country=assessment.country,
    )
    audit_append(action="session_record", actor=actor, obj=session)
    return session


# ------------------------------------------------------------------------ ratings


def _check_upload(upload: UploadedFile[bytes]) -> tuple[str, bytes]:
    limit: int = settings.REEF_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ServiceError(
            _("The evidence file is too large (%(size)s bytes; at most %(limit)s).")
            % {"size": upload.size, "limit": limit},
            field="evidence_file",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ServiceError(
            _("The evidence file is too large (at most %(limit)s bytes).") % {"limit": limit},
            field="evidence_file",
        )
    content_type = evidence.sniff(data[:4096])
    if content_type is None:
        raise ServiceError(
            _("Evidence files must be PDF, PNG, JPEG or plain text; this file is none of these."),
            field="evidence_file",
        )
    return content_type, data


def _indicator_of(assessment: Assessment, indicator: Indicator | str) -> Indicator:
    if isinstance(indicator, Indicator):
        if indicator.framework_id != assessment.framework_id:
            raise ServiceError(_("That indicator is not in this assessment's framework."))
        return indicator
    found: Indicator | None = Indicator.objects.filter(
        framework=assessment.framework, key=indicator
    ).first()
    if found is None:
        raise ServiceError(
            _("Unknown indicator %(value)s in %(framework)s.")
            % {"value": repr(indicator), "framework": assessment.framework.ref},
            field="indicator",
        )
    return found


@transaction.atomic
def rating_submit(
    *,
    actor: Actor,
    assessment: Assessment,
    indicator: Indicator | str,
    value: str,
    evidence_text: str = "",
    evidence_link: str = "",
    evidence_file: UploadedFile[bytes] | None = None,
) -> Rating:
    """An assessor's own rating of an indicator (a new one replaces their earlier one)."""
    user = _authorised(
        rules.may_rate,
        actor,
        assessment,
        _("Only members of the assessment team may rate indicators."),
    )
    _check_status(assessment, [Status.RATING], "rate")
    ind = _indicator_of(assessment, indicator)
    if value not in RatingValue.values:
        raise ServiceError(
            _("A rating is one of %(known)s, not %(value)s.")
            % {"known": ", ".join(RatingValue.values), "value": repr(value)},
            field="value",
        )
    link = evidence_link.strip()
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise ServiceError(
                _("The evidence link must be an http(s) address."), field="evidence_link"
            ) from None
    upload: tuple[str, bytes] | None = _check_upload(evidence_file) if evidence_file else None
    rating = Rating.objects.filter(
        assessment=assessment, indicator=ind, assessor_key=_assessor_key(user)
    ).first()
    if rating is None:
        rating = Rating(
            assessment=assessment,
            indicator=ind,
            assessor=user,
            assessor_key=_assessor_key(user),
            tlp=_label(assessment, DEFAULT_RATING_TLP),
            owner_country=assessment.country,
        )
    else:
        rating.version += 1
    rating.assessor_name = str(user)
    rating.value = value
    rating.evidence_text = evidence_text.strip()
    rating.evidence_link = link
    if upload is not None:
        content_type, data = upload
        if rating.evidence_file:
            rating.evidence_file.delete(save=False)
        name = f"{uuid.uuid4().hex}.{evidence.ALLOWED[content_type]}"
        rating.evidence_file.save(name, ContentFile(data), save=False)
        rating.evidence_content_type = content_type
        rating.evidence_filename = (getattr(evidence_file, "name", "") or "")[-200:]
    rating.save()
    audit_append(
        action="rating_submit",
        actor=actor,
        obj=rating,
        detail={"indicator": ind.key, "value": value},
    )
    return rating


_RATING_COLUMNS = (
    "tlp",
    "owner_country_id",
    "version",
    "created_at",
    "updated_at",
    "assessment_id",
    "indicator_id",
    "assessor_id",
    "assessor_key",
    "assessor_name",
    "value",
    "evidence_text",
    "evidence_link",
    "evidence_file",
    "evidence_content_type",
    "evidence_filename",
)


def _insert_ratings(rows: Sequence[Rating]) -> None:
    """Insert many ratings (text evidence only) in one statement per batch.

    Ratings come in thousands per assessment; the ORM's bulk_create spends most of its
    time preparing each field of each row, so plain parameterised SQL is used here.
    """
    if not rows:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(Rating._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _RATING_COLUMNS)
    marks = ", ".join(["%s"] * len(_RATING_COLUMNS))
    values = [
        (
            r.tlp,
            r.owner_country_id,
            1,
            now,
            now,
            r.assessment_id,
            r.indicator_id,
            r.assessor_id,
            r.assessor_key,
            r.assessor_name,
            r.value,
            r.evidence_text,
            r.evidence_link,
            "",
            "",
            "",
        )
        for r in rows
    ]
    with connection.cursor() as cursor:
        # Table and column names come from the model's metadata; values are parameters.
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608  # nosec B608


@transaction.atomic
def ratings_bulk_submit(
    *,
    actor: Actor,
    assessment: Assessment,
    ratings: Sequence[tuple[str, str, str]],
) -> int:
    """An assessor's own ratings of many indicators at once, as (indicator key, value,
    evidence text), for example from an offline rating sheet. All or nothing; one audit
    entry. Replaces the assessor's earlier ratings of those indicators."""
    user = _authorised(
        rules.may_rate,
        actor,
        assessment,
        _("Only members of the assessment team may rate indicators."),
    )
    _check_status(assessment, [Status.RATING], "rate")
    indicators = {i.key: i for i in Indicator.objects.filter(framework=assessment.framework)}
    key = _assessor_key(user)
    rows: dict[str, Rating] = {}
    for n, (ind_key, value, text) in enumerate(ratings):
        if ind_key not in indicators:
            raise ServiceError(
                _("Rating %(n)s: unknown indicator %(value)s.")
                % {"n": n + 1, "value": repr(ind_key)},
                field="indicator",
            )
        if value not in RatingValue.values:
            raise ServiceError(
                _("Rating %(n)s: %(value)s is not one of %(known)s.")
                % {"n": n + 1, "value": repr(value), "known": ", ".join(RatingValue.values)},
                field="value",
            )
        rows[ind_key] = Rating(
            assessment=assessment,
            indicator=indicators[ind_key],
            assessor=user,
            assessor_key=key,
            assessor_name=str(user),
            value=value,
            evidence_text=text.strip(),
            tlp=_label(assessment, DEFAULT_RATING_TLP),
            owner_country=assessment.country,
        )
    Rating.objects.filter(
        assessment=assessment, assessor_key=key, indicator__key__in=list(rows)
    ).delete()
    _insert_ratings(list(rows.values()))
    audit_append(
        action="ratings_bulk_submit", actor=actor, obj=assessment, detail={"ratings": len(rows)}
    )
    return len(rows)


def _check_rows(
    assessment: Assessment, user: User, rows: Sequence[RatingRow]
) -> tuple[dict[str, Indicator], dict[str, Rating], list[RowError]]:
    indicators = {i.key: i for i in Indicator.objects.filter(framework=assessment.framework)}
    stored = {
        r.indicator.key: r
        for r in Rating.objects.filter(
            assessment=assessment, assessor_key=_assessor_key(user)
        ).select_related("indicator")
    }
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    url = URLValidator(schemes=["http", "https"])
    for r in rows:
        if r.indicator not in indicators:
            errors.append(
                RowError(
                    r.row,
                    "indicator",
                    _("Unknown indicator %(value)s in %(framework)s.")
                    % {"value": repr(r.indicator), "framework": assessment.framework.ref},
                )
            )
            continue
        if r.indicator in seen:
            errors.append(
                RowError(
                    r.row,
                    "indicator",
                    _("%(key)s is rated twice (also in row %(other)s).")
                    % {"key": r.indicator, "other": seen[r.indicator]},
                )
            )
        seen[r.indicator] = r.row
        if r.value not in RatingValue.values:
            errors.append(
                RowError(
                    r.row,
                    "value",
                    _("%(value)s is not a rating: use one of %(known)s.")
                    % {"value": repr(r.value), "known": ", ".join(RatingValue.values)},
                )
            )
        link = r.evidence_link.strip()
        if link:
            try:
                url(link)
            except ValidationError:
                errors.append(
                    RowError(
                        r.row, "evidence_link", _("The evidence link must be an http(s) address.")
                    )
                )
        old = stored.get(r.indicator)
        if old is not None and r.version != old.version:
            errors.append(
                RowError(
                    r.row,
                    "version",
                    _(
                        "Your rating of %(key)s changed since (now version %(now)s, "
                        "this row is based on %(base)s): fetch it again."
                    )
                    % {
                        "key": r.indicator,
                        "now": old.version,
                        "base": r.version if r.version is not None else _("none"),
                    },
                )
            )
        elif old is None and r.version is not None:
            errors.append(
                RowError(
                    r.row,
                    "version",
                    _("There is no rating of %(key)s to update: leave the version empty.")
                    % {"key": r.indicator},
                )
            )
    return indicators, stored, errors


@transaction.atomic
def ratings_submit_rows(
    *, actor: Actor, assessment: Assessment, rows: Sequence[RatingRow], source: str = "api"
) -> list[Rating]:
    """An assessor's own ratings of many indicators in one go (API batch, rating sheet).

    Every row is checked (indicator, value, link, version) and every problem reported
    at once (`RatingRowsInvalid`); nothing is saved unless all rows are right. Each row
    names the version of the rating it updates (None for a new rating), so a sheet
    filled offline cannot silently overwrite a rating changed online meanwhile.
    """
    user = _authorised(
        rules.may_rate,
        actor,
        assessment,
        _("Only members of the assessment team may rate indicators."),
    )
    _check_status(assessment, [Status.RATING], "rate")
    if not rows:
        raise ServiceError(_("No ratings given."), field="ratings")
    indicators, stored, errors = _check_rows(assessment, user, rows)
    if errors:
        raise RatingRowsInvalid(errors)
    now = timezone.now()
    new: list[Rating] = []
    changed: list[Rating] = []
    for r in rows:
        old = stored.get(r.indicator)
        rating = old or Rating(
            assessment=assessment,
            indicator=indicators[r.indicator],
            assessor=user,
            assessor_key=_assessor_key(user),
            tlp=_label(assessment, DEFAULT_RATING_TLP),
            owner_country=assessment.country,
        )
        rating.assessor_name = str(user)
        rating.value = r.value
        rating.evidence_text = r.evidence.strip()
        rating.evidence_link = r.evidence_link.strip()
        if old is None:
            new.append(rating)
        else:
            rating.version += 1
            rating.updated_at = now
            changed.append(rating)
    Rating.objects.bulk_update(
        changed,
        ["assessor_name", "value", "evidence_text", "evidence_link", "version", "updated_at"],
        batch_size=500,
    )
    _insert_ratings(new)
    audit_append(
        action="ratings_submit_rows",
        actor=actor,
        obj=assessment,
        detail={"source": source, "new": len(new), "updated": len(changed)},
    )
    keys = [r.indicator for r in rows]
    return list(
        Rating.objects.filter(
            assessment=assessment, assessor_key=_assessor_key(user), indicator__key__in=keys
        ).select_related("indicator")
    )


@transaction.atomic
def ratings_import_sheet(*, actor: Actor, assessment: Assessment, data: bytes) -> list[Rating]:
    """An assessor's rating sheet (XLSX) filled offline: all rows checked, all or nothing."""
    from reef.assessments import sheets

    user = _authorised(
        rules.may_rate,
        actor,
        assessment,
        _("Only members of the assessment team may rate indicators."),
    )
    _check_status(assessment, [Status.RATING], "rate")
    limit: int = settings.REEF_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise ServiceError(
            _("The sheet is too large (at most %(limit)s bytes).") % {"limit": limit},
            field="sheet",
        )
    rows = sheets.read_sheet(data, user=user, assessment=assessment)
    return ratings_submit_rows(actor=actor, assessment=assessment, rows=rows, source="sheet")


@transaction.atomic
def assessment_close_rating(*, actor: Actor, assessment: Assessment) -> Assessment:
    _authorised(
        rules.may_close_rating, actor, assessment, _("Only the team lead may close rating.")
    )
    _check_status(assessment, [Status.RATING], "close")
    if not Rating.objects.filter(assessment=assessment).exists():
        raise ServiceError(_("Nobody has rated any indicator yet."))
    _set_status(assessment, Status.CONSOLIDATION)
    audit_append(action="assessment_close_rating", actor=actor, obj=assessment)
    notify_handoff(
        kind="assessment.rating_closed",
        subject_obj=assessment,
        actor=actor,
        url=reverse("assessments:assessment_detail", args=[assessment.pk]),
    )
    return assessment


# ------------------------------------------------------------------ consolidation


@transaction.atomic
def decision_record(
    *,
    actor: Actor,
    assessment: Assessment,
    indicator: Indicator | str,
    value: str,
    note: str,
    dissent: Sequence[str] = (),
) -> Decision:
    """The team lead settles an indicator; the decision overrides the ratings."""
    user = _authorised(
        rules.may_decide,
        actor,
        assessment,
        _("Only the team lead records consolidation decisions."),
    )
    _check_status(assessment, [Status.CONSOLIDATION], "decide")
    ind = _indicator_of(assessment, indicator)
    if value not in RatingValue.values:
        raise ServiceError(
            _("A decision is one of %(known)s, not %(value)s.")
            % {"known": ", ".join(RatingValue.values), "value": repr(value)},
            field="value",
        )
    if not note.strip():
        raise ServiceError(_("Explain the decision in a note."), field="note")
    dissenters = sorted({d.strip() for d in dissent if d.strip()})
    decision: Decision
    decision, _created = Decision.objects.update_or_create(
        assessment=assessment,
        indicator=ind,
        defaults={
            "value": value,
            "note": note.strip(),
            "dissent": dissenters,
            "decided_by": user,
            "tlp": _label(assessment, DEFAULT_RATING_TLP),
            "owner_country": assessment.country,
        },
    )
    audit_append(
        action="decision_record",
        actor=actor,
        obj=decision,
        detail={"indicator": ind.key, "value": value, "dissent": dissenters},
    )
    return decision


@transaction.atomic
def assessment_finish_consolidation(*, actor: Actor, assessment: Assessment) -> Assessment:
    _authorised(
        rules.may_finish_consolidation,
        actor,
        assessment,
        _("Only the team lead may finish consolidation."),
    )
    _check_status(assessment, [Status.CONSOLIDATION], "finish")
    disputed = selectors.assessment_result(assessment).disputed
    if disputed:
        shown = ", ".join(disputed[:5]) + (" ..." if len(disputed) > 5 else "")
        raise ServiceError(
            ngettext(
                "%(n)s indicator is still disputed: %(keys)s. Record a decision first.",
                "%(n)s indicators are still disputed: %(keys)s. Record a decision first.",
                len(disputed),
            )
            % {"n": len(disputed), "keys": shown}
        )
    _set_status(assessment, Status.TARGETS)
    audit_append(action="assessment_finish_consolidation", actor=actor, obj=assessment)
    notify_handoff(
        kind="assessment.consolidated",
        subject_obj=assessment,
        actor=actor,
        url=reverse("assessments:results", args=[assessment.pk]),
    )
    return assessment


# ------------------------------------------------------------------------ targets


def _scoring_problem(exc: scoring.ScoringError) -> str:
    """The scoring engine's refusal, translated when it carries a template."""
    return _(exc.template) % exc.params if exc.params else str(exc)


def _check_targets(assessment: Assessment, targets: Mapping[str, float]) -> dict[str, float]:
    fw = framework_selectors.parsed(assessment.framework)
    clean: dict[str, float] = {}
    for key, value in targets.items():
        if fw.kind == "staged" and isinstance(value, float) and value.is_integer():
            value = int(value)
        clean[key] = value
    try:
        scoring.score(fw, [], {}, clean)
    except scoring.ScoringError as exc:
        raise ServiceError(
            _("Target: %(problem)s.") % {"problem": _scoring_problem(exc)}, field="targets"
        ) from None
    return clean


@transaction.atomic
def target_set(
    *, actor: Actor, assessment: Assessment, targets: Mapping[str, float]
) -> list[Target]:
    """Targets per aspect (stage) or pillar (score), agreed with the country."""
    user = _authorised(
        rules.may_set_targets,
        actor,
        assessment,
        _("Only the team lead or the country's focal point may set targets."),
    )
    _check_status(assessment, [Status.TARGETS], "set_targets")
    clean = _check_targets(assessment, targets)
    saved = []
    for key, value in clean.items():
        target, _created = Target.objects.update_or_create(
            assessment=assessment,
            key=key,
            defaults={
                "value": float(value),
                "set_by": user,
                "tlp": _label(assessment, DEFAULT_ASSESSMENT_TLP),
                "owner_country": assessment.country,
            },
        )
        saved.append(target)
    audit_append(action="target_set", actor=actor, obj=assessment, detail={"targets": clean})
    return saved


@transaction.atomic
def assessment_agree_targets(*, actor: Actor, assessment: Assessment) -> Assessment:
    """The country's focal point agrees the targets; the draft report is ready for review."""
    user = _authorised(
        rules.may_agree_targets,
        actor,
        assessment,
        _("Only the country's focal point may agree the targets."),
    )
    _check_status(assessment, [Status.TARGETS], "agree")
    if not Target.objects.filter(assessment=assessment).exists():
        raise ServiceError(_("Set at least one target before agreeing them."))
    assessment.targets_agreed_by = user
    _set_status(assessment, Status.COMPLETE, ["targets_agreed_by"])
    audit_append(action="assessment_agree_targets", actor=actor, obj=assessment)
    return assessment


# ------------------------------------------------------------------ report review


def review_min_closes_at(now: datetime.datetime) -> datetime.datetime:
    """The earliest close of a review opened at `now`: the end of its
    REEF_REVIEW_MIN_WORKING_DAYS-th working day, today counted (as expert review rounds)."""
    end = last_working_day(timezone.localdate(now), min_working_days())
    return timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )


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
    earliest = review_min_closes_at(now)
    if closes_at is None:
        closes_at = earliest
    elif closes_at < earliest:
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
    sections = report.review_sections(user, assessment)
    members = {u.pk: u for u in recipients.managers_of_country(assessment.country_id)}
    members.update({u.pk: u for u in assessment.team.all()})
    if assessment.lead is not None:
        members[assessment.lead.pk] = assessment.lead
    review = consultation_services.consultation_create(
        actor=actor,
        title=(_("Review of the draft report: %(title)s") % {"title": assessment.title})[:200],
        description=_(
            "The assessed country's managers review the draft report section by section: "
            "comment, or propose an amendment with its reason. The team lead accepts or "
            "rejects each amendment with a reason; the final report records the review."
        ),
        opens_at=now,
        closes_at=closes_at,
        owner_country=assessment.country,
        tlp=str(assessment.tlp),
        participation=Participation.NAMED,
        members=list(members.values()),
        document_title=assessment.title[:200],
        report_assessment=assessment,
    )
    for heading, text in sections:
        consultation_services.section_create(
            actor=actor, consultation=review, heading=heading[:200], text=text
        )
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


# ------------------------------------------------------------------------- import


def _fail(filename: str, path: str, message: str) -> ServiceError:
    return ServiceError(
        f"{filename}: {path}: {message}" if path else f"{filename}: {message}", field="file"
    )


def _parse_import(data: Any, filename: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _fail(filename, "", _("must be a JSON object"))
    for key, kind in (("framework", str), ("country", str), ("ratings", list)):
        if key not in data:
            raise _fail(filename, key, _("is required"))
        if not isinstance(data[key], kind):
            raise _fail(
                filename, key, _("must be a string") if kind is str else _("must be a list")
            )
    for key in ("cycle", "title", "tlp"):
        if key in data and (isinstance(data[key], bool) or not isinstance(data[key], str | int)):
            raise _fail(filename, key, _("must be a string"))
    for key in ("assessors", "decisions", "targets"):
        if key in data and not isinstance(data[key], list):
            raise _fail(filename, key, _("must be a list"))
    return data


@transaction.atomic
def assessment_import(*, actor: Actor, data: Any, filename: str = "<data>") -> Assessment:
    """Create a completed assessment from the import format (see docs). All or nothing.

    The operator's console import (`OPERATOR_IMPORT`) may import any country; a user must
    be the country's focal point, a coordinator of its region or an administrator.
    """
    doc = _parse_import(data, filename)
    slug, _sep, version = str(doc["framework"]).partition("@")
    fw_qs = Framework.objects.filter(slug=slug)
    if version:
        fw_qs = fw_qs.filter(release=version)
    framework = fw_qs.order_by("-created_at", "-pk").first()
    if framework is None:
        raise _fail(
            filename,
            "framework",
            _("no framework %(value)s is installed") % {"value": repr(doc["framework"])},
        )
    country = Country.objects.filter(code=str(doc["country"]).upper()).first()
    if country is None:
        raise _fail(
            filename,
            "country",
            _("unknown ISO 3166 code %(value)s") % {"value": repr(doc["country"])},
        )
    try:
        require(rules.may_import, actor, country)
    except PermissionDenied:
        raise PermissionDenied(
            _(
                "You may not import assessments of %(country)s: you need to be its focal "
                "point, a coordinator of its region or an administrator."
            )
            % {"country": country.display_name}
        ) from None
    tlp = str(doc.get("tlp") or DEFAULT_ASSESSMENT_TLP)
    if tlp not in TLP.values:
        raise _fail(
            filename, "tlp", _("must be one of %(known)s") % {"known": ", ".join(TLP.values)}
        )
    cycle = str(doc.get("cycle") or "").strip()
    if not cycle:
        raise _fail(filename, "cycle", _("is required"))
    if Assessment.objects.filter(
        country=country, framework__slug=framework.slug, cycle=cycle
    ).exists():
        raise _fail(
            filename,
            "cycle",
            _("%(country)s already has a %(framework)s assessment for cycle %(cycle)s")
            % {"country": country.display_name, "framework": framework.slug, "cycle": cycle},
        )

    assessors: dict[str, str] = {}
    for i, a in enumerate(doc.get("assessors", [])):
        if not isinstance(a, dict) or not isinstance(a.get("id"), str | int) or a.get("id") == "":
            raise _fail(filename, f"assessors[{i}].id", _("is required"))
        aid = str(a["id"])
        if aid in assessors:
            raise _fail(
                filename,
                f"assessors[{i}].id",
                _("duplicate assessor id %(value)s") % {"value": repr(aid)},
            )
        assessors[aid] = str(a.get("name") or aid)
    indicators = {i.key: i for i in Indicator.objects.filter(framework=framework)}
    rows: list[Rating] = []
    seen: set[tuple[str, str]] = set()
    for i, r in enumerate(doc["ratings"]):
        where = f"ratings[{i}]"
        if not isinstance(r, dict):
            raise _fail(filename, where, _("must be an object"))
        key = r.get("indicator")
        if key not in indicators:
            raise _fail(
                filename,
                f"{where}.indicator",
                _("unknown indicator %(value)s in %(framework)s")
                % {"value": repr(key), "framework": framework.ref},
            )
        aid = str(r.get("assessor", ""))
        if aid not in assessors:
            raise _fail(
                filename,
                f"{where}.assessor",
                _("%(value)s is not listed in assessors") % {"value": repr(aid)},
            )
        value = r.get("value")
        if value not in RatingValue.values:
            raise _fail(
                filename,
                f"{where}.value",
                _("must be one of %(known)s, not %(value)s")
                % {"known": ", ".join(RatingValue.values), "value": repr(value)},
            )
        text = r.get("evidence", "")
        if not isinstance(text, str):
            raise _fail(filename, f"{where}.evidence", _("must be a string"))
        if (str(key), aid) in seen:
            # A later rating by the same assessor replaces the earlier one.
            rows = [x for x in rows if not (x.indicator.key == key and x.assessor_key == aid)]
        seen.add((str(key), aid))
        rows.append(
            Rating(
                indicator=indicators[str(key)],
                assessor_key=aid,
                assessor_name=assessors[aid],
                value=value,
                evidence_text=text,
                tlp=stricter(tlp, DEFAULT_RATING_TLP),
                owner_country=country,
            )
        )
    decisions: dict[str, tuple[str, str]] = {}
    for i, d in enumerate(doc.get("decisions", [])):
        where = f"decisions[{i}]"
        if not isinstance(d, dict):
            raise _fail(filename, where, _("must be an object"))
        key = d.get("indicator")
        if key not in indicators:
            raise _fail(
                filename,
                f"{where}.indicator",
                _("unknown indicator %(value)s in %(framework)s")
                % {"value": repr(key), "framework": framework.ref},
            )
        if d.get("value") not in RatingValue.values:
            raise _fail(
                filename,
                f"{where}.value",
                _("must be one of %(known)s, not %(value)s")
                % {"known": ", ".join(RatingValue.values), "value": repr(d.get("value"))},
            )
        decisions[str(key)] = (str(d["value"]), str(d.get("note", "")))
    targets: dict[str, float] = {}
    target_field = "stage" if framework.kind == "staged" else "score"
    item_field = "aspect" if framework.kind == "staged" else "pillar"
    for i, t in enumerate(doc.get("targets", [])):
        where = f"targets[{i}]"
        if not isinstance(t, dict):
            raise _fail(filename, where, _("must be an object"))
        key = t.get(item_field, t.get("aspect", t.get("pillar")))
        value = t.get(target_field, t.get("stage", t.get("score")))
        if not isinstance(key, str):
            raise _fail(filename, f"{where}.{item_field}", _("is required"))
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(filename, f"{where}.{target_field}", _("must be a number"))
        targets[key] = value
    fw = framework_selectors.parsed(framework)
    try:
        scoring.score(fw, [], {}, targets)
    except scoring.ScoringError as exc:
        raise _fail(filename, "targets", _scoring_problem(exc)) from None

    assessment: Assessment = Assessment.objects.create(
        framework=framework,
        country=country,
        cycle=cycle,
        title=str(doc.get("title") or f"{country.name}: {framework.name} ({cycle})"),
        status=Status.COMPLETE,
        tlp=tlp,
        owner_country=country,
        imported=True,
        external_assessors=assessors,
        previous=Assessment.objects.filter(country=country, framework__slug=framework.slug)
        .order_by("-created_at", "-pk")
        .first(),
    )
    for row in rows:
        row.assessment = assessment
        row.tlp = at_least(row.tlp, assessment.tlp)  # raw SQL: no pre_save floor
    _insert_ratings(rows)
    Decision.objects.bulk_create(
        [
            Decision(
                assessment=assessment,
                indicator=indicators[key],
                value=value,
                note=note,
                tlp=stricter(tlp, DEFAULT_RATING_TLP),
                owner_country=country,
            )
            for key, (value, note) in decisions.items()
        ]
    )
    Target.objects.bulk_create(
        [
            Target(
                assessment=assessment,
                key=key,
                value=float(value),
                tlp=stricter(tlp, DEFAULT_ASSESSMENT_TLP),
                owner_country=country,
            )
            for key, value in targets.items()
        ]
    )
    audit_append(
        action="assessment_import",
        actor=actor,
        obj=assessment,
        detail={"file": filename, "ratings": len(rows)},
    )
    return assessment


def assessment_import_text(*, actor: Actor, text: str | bytes, filename: str) -> Assessment:
    from reef.core import safeload  # bounded: size, depth, values, 1e999999

    try:
        data = safeload.load_json(text)
    except safeload.LoadError as exc:
        raise _fail(filename, "", exc.message) from None
    return assessment_import(actor=actor, data=data, filename=filename)


@transaction.atomic
def gap_propose_need(*, actor: Actor, assessment: Assessment, aspect: str) -> Any:
    """Turn one of the assessment's gaps into a need of the country's plan.

    Only the country's managers (who own the plan) may; the need keeps the link to the
    framework's factor and the indicators still missing.
    """
    from reef.planning.models import DEFAULT_TLP as PLAN_TLP
    from reef.planning.models import Plan
    from reef.planning.services import need_create_from_gap

    user = _authorised(
        rules.may_propose_need,
        actor,
        assessment,
        _("Only the country's managers may add needs to its plan."),
    )
    if not assessment.results_open:
        # The result is computed from every rating: not before rating closes.
        raise ServiceError(
            _("Gaps are known once rating has closed."), code="invalid_state", field="aspect"
        )
    result = selectors.assessment_result(assessment)
    gap = next((g for g in result.gaps if g.key == aspect), None)
    if gap is None:
        raise ServiceError(
            _("%(aspect)s is not a gap of this assessment.") % {"aspect": aspect}, field="aspect"
        )
    indicator = assessment.framework.indicators.filter(aspect_key=aspect).first()
    factor = indicator.factor_key if indicator else aspect
    # The need is derived from the assessment: never a wider label than it (nor than the
    # plan it joins, the country's latest national plan, as need_create_from_gap picks it).
    plan = (
        Plan.objects.filter(kind=Plan.Kind.NATIONAL, country=assessment.country)
        .order_by("-cycle", "-created_at")
        .first()
    )
    label = stricter(str(assessment.tlp), str(plan.tlp) if plan else str(PLAN_TLP))
    need = need_create_from_gap(
        actor=user,
        country=assessment.country,
        plan=plan,
        tlp=label,
        gap={
            "factor_key": factor,
            "aspect_key": aspect,
            "missing": list(gap.missing),
            "description": (
                _("From assessment %(id)s (%(cycle)s): stage %(stage)s, target %(target)s.")
                % {
                    "id": assessment.pk,
                    "cycle": assessment.cycle,
                    "stage": gap.stage,
                    "target": gap.target,
                }
            ),
        },
        framework=assessment.framework.slug,
        framework_record=assessment.framework,
        assessment_id=assessment.pk,
    )
    audit_append(
        action="gap_propose_need",
        actor=actor,
        obj=assessment,
        detail={"aspect": aspect, "need": need.pk},
    )
    return need
