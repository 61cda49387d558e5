"""Mentoring: pairs proposed by the engine, recorded activities, and the old inbox's reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.core.access import scope_for
from reef.core.audit import audit_append
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import Actor, SystemActor
from reef.experts import matching, rules
from reef.experts.models import (
    ExpertProfile,
    MentoringActivity,
    MentorPair,
    MissionRequest,
    Notification,
    Seniority,
    private_label,
)
from reef.experts.services.common import (
    _require,
    region_of,
)
from reef.experts.services.eligibility import (
    explain,
)
from reef.notifications.services import notify_handoff

# --------------------------------------------------------------------------- mentoring


MENTOR_LEVELS = (Seniority.SENIOR,)
MENTOR_CAPACITY = 2


def _mentoring_input(
    actor: Actor,
) -> tuple[dict[str, Any], list[ExpertProfile], list[ExpertProfile]]:
    """The `match_mentors` JSON: unpaired nascent specialists and senior mentors with room
    (a coordinator's own region only), with the profiles it was made from (no JSON when
    either side is empty)."""
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
        return {}, mentees, mentors
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
    return data, mentees, mentors


@transaction.atomic
def mentoring_pairs_propose(*, actor: Actor, today: dt.date | None = None) -> list[MentorPair]:
    """Pair unpaired nascent specialists with senior mentors (field, language, country)."""
    _require(
        rules.may_propose_mentoring, actor, None, _("Only a regional coordinator may pair mentors.")
    )
    data, mentees, mentors = _mentoring_input(actor)
    if not mentees or not mentors:
        return []
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
