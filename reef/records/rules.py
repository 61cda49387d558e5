"""Who may write what in the public record: pure predicates over the actor's scope.

Editors of the owning country or organisation draft events and publications and
everything inside an event, and write emerging-threat briefings; its managers
publish. A needs assessment report is released by the managers of the country the
report is *about* (its assessment's country), whoever owns the publication.
"""

from __future__ import annotations

from typing import Any

from reef.core.roles import Action, Scope
from reef.core.rules import rule
from reef.records.models import Briefing, Event, Participant, Publication

EDITORS = "editors and managers of the owning country or organisation"
MANAGERS = "managers of the owning country or organisation"


def _owner(scope: Scope, obj: Any, action: str) -> bool:
    """Works on anything carrying an owner, so an unsaved record can be checked before
    it is created."""
    return scope.can_in_country(obj.owner_country_id, action) or scope.can_in_organisation(
        obj.owner_organisation_id, action
    )


def edits(scope: Scope, obj: Any) -> bool:
    return _owner(scope, obj, Action.EDIT)


def manages(scope: Scope, obj: Any) -> bool:
    return _owner(scope, obj, Action.MANAGE)


# ---------------------------------------------------------------- events


@rule("records.event_create", record="event", roles=EDITORS)
def may_create_event(scope: Scope, event: Event) -> bool:
    return edits(scope, event)


@rule("records.event_update", record="event", roles=EDITORS)
def may_update_event(scope: Scope, event: Event) -> bool:
    return edits(scope, event)


@rule("records.event_translate", record="event", roles=EDITORS)
def may_translate_event(scope: Scope, event: Event) -> bool:
    return edits(scope, event)


@rule("records.event_publish", record="event", roles=MANAGERS)
def may_publish_event(scope: Scope, event: Event) -> bool:
    return manages(scope, event)


@rule("records.participant_add", record="event participant", roles=EDITORS + " of the event")
def may_add_participant(scope: Scope, event: Event) -> bool:
    return edits(scope, event)


@rule(
    "records.participant_consent",
    record="event participant (consent to be listed)",
    roles=EDITORS + " of the event",
)
def may_record_consent(scope: Scope, participant: Participant) -> bool:
    return edits(scope, participant.event)


@rule("records.session_add", record="session", roles=EDITORS + " of the event")
def may_add_session(scope: Scope, event: Event) -> bool:
    return edits(scope, event)


@rule("records.outcome_add", record="outcome", roles=EDITORS + " of the event")
def may_add_outcome(scope: Scope, event: Event) -> bool:
    return edits(scope, event)


@rule("records.event_file_add", record="event file (upload)", roles=EDITORS + " of the event")
def may_add_event_file(scope: Scope, event: Event) -> bool:
    return edits(scope, event)


# ---------------------------------------------------------------- publications


@rule("records.publication_create", record="publication", roles=EDITORS)
def may_create_publication(scope: Scope, publication: Publication) -> bool:
    return edits(scope, publication)


@rule("records.publication_update", record="publication", roles=EDITORS)
def may_update_publication(scope: Scope, publication: Publication) -> bool:
    return edits(scope, publication)


@rule("records.publication_attach_file", record="publication (upload)", roles=EDITORS)
def may_attach_file(scope: Scope, publication: Publication) -> bool:
    return edits(scope, publication)


@rule("records.publication_translate", record="publication", roles=EDITORS)
def may_translate_publication(scope: Scope, publication: Publication) -> bool:
    return edits(scope, publication)


@rule("records.publication_submit", record="publication", roles=EDITORS)
def may_submit_publication(scope: Scope, publication: Publication) -> bool:
    return edits(scope, publication)


@rule("records.publication_return", record="publication in review", roles=MANAGERS)
def may_return_publication(scope: Scope, publication: Publication) -> bool:
    return manages(scope, publication)


@rule(
    "records.publication_release",
    record="needs assessment report",
    roles="managers of the assessed country (the country of the report's assessment), "
    "whoever owns the publication",
)
def may_release(scope: Scope, publication: Publication) -> bool:
    if publication.kind != Publication.Kind.ASSESSMENT_REPORT or publication.assessment is None:
        return False
    return scope.can_in_country(publication.assessment.country_id, Action.MANAGE)


@rule("records.publication_publish", record="publication", roles=MANAGERS)
def may_publish_publication(scope: Scope, publication: Publication) -> bool:
    return manages(scope, publication)


# ---------------------------------------------------------------- briefings


@rule("records.briefing_create", record="emerging-threat briefing", roles=EDITORS)
def may_create_briefing(scope: Scope, briefing: Briefing) -> bool:
    return edits(scope, briefing)


@rule("records.briefing_update", record="emerging-threat briefing", roles=EDITORS)
def may_update_briefing(scope: Scope, briefing: Briefing) -> bool:
    return edits(scope, briefing)


# ---------------------------------------------------------------- open data


@rule(
    "records.snapshot_freeze",
    record="open-data snapshot",
    roles="regional coordinators; the task worker",
)
def may_freeze(scope: Scope, _obj: Any) -> bool:
    return scope.is_coordinator
