"""Every write to the public record: keyword-only, typed, transactional, audited.

Every write names its actor (a person or a named system actor) and asks the rule
in reef/records/rules.py: editors of the owner draft and submit, managers of the
owner publish, and a manager of the assessed country releases its needs
assessment report.

One module per record: `events` (and what is inside one), `publications`,
`briefings`, `snapshots` (open data); `common` holds what they share.
"""

from __future__ import annotations

from reef.records.services.briefings import MAX_SOURCES, briefing_create, briefing_update
from reef.records.services.common import Upload
from reef.records.services.events import (
    event_create,
    event_file_add,
    event_publish,
    event_set_translation,
    event_update,
    outcome_add,
    participant_add,
    participant_set_consent,
    session_add,
)
from reef.records.services.publications import (
    PUBLICATION_STEPS,
    publication_attach_file,
    publication_create,
    publication_publish,
    publication_release,
    publication_return,
    publication_set_translation,
    publication_step,
    publication_submit,
    publication_update,
)
from reef.records.services.snapshots import snapshot_freeze

__all__ = [
    "MAX_SOURCES",
    "PUBLICATION_STEPS",
    "Upload",
    "briefing_create",
    "briefing_update",
    "event_create",
    "event_file_add",
    "event_publish",
    "event_set_translation",
    "event_update",
    "outcome_add",
    "participant_add",
    "participant_set_consent",
    "publication_attach_file",
    "publication_create",
    "publication_publish",
    "publication_release",
    "publication_return",
    "publication_set_translation",
    "publication_step",
    "publication_submit",
    "publication_update",
    "session_add",
    "snapshot_freeze",
]
