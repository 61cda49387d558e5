"""Stakeholder sessions held during an assessment."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from reef.assessments import rules
from reef.assessments.models import (
    DEFAULT_ASSESSMENT_TLP,
    Assessment,
    Cluster,
    StakeholderSession,
    Status,
)
from reef.assessments.services.common import _authorised, _check_status, _label
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor


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
