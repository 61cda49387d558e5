"""Every write to consultations: keyword-only, typed, transactional, validating, audited.

Modules along the kinds of records: ``common`` (the checks every service shares),
``consultations`` (create, window, members, joining), ``statements`` (statements and votes),
``analysis`` (the opinion analysis: queued after a write, made by the task worker),
``delphi``, ``draft`` (section-by-section review), ``reminders`` and ``polis`` (import and
export). Every name is importable from here, as when this was one module. The tasks module
imports the services; ``analysis`` finds its task by name (`ANALYSE_TASK`).
"""

from __future__ import annotations

from reef.consultations.services.analysis import (
    ANALYSE_TASK,
    ANALYSIS_QUEUED_SECONDS,
    _analysis_inputs_changed,
    analysis_enqueue,
    analysis_started,
    consultation_analyse,
)
from reef.consultations.services.common import (
    RateLimited,
)
from reef.consultations.services.consultations import (
    consultation_add_members,
    consultation_create,
    consultation_set_window,
    participant_join,
)
from reef.consultations.services.delphi import (
    delphi_respond,
    delphi_round_close,
    delphi_round_create,
)
from reef.consultations.services.draft import (
    amendment_decide,
    amendment_propose,
    amendment_rebase,
    section_comment_add,
    section_create,
)
from reef.consultations.services.polis import (
    consultation_export_polis,
    consultation_import_polis,
)
from reef.consultations.services.reminders import (
    consultation_send_reminders,
)
from reef.consultations.services.statements import (
    statement_moderate,
    statement_submit,
    vote_cast,
)

__all__ = [
    "ANALYSE_TASK",
    "ANALYSIS_QUEUED_SECONDS",
    "RateLimited",
    "_analysis_inputs_changed",
    "amendment_decide",
    "amendment_propose",
    "amendment_rebase",
    "analysis_enqueue",
    "analysis_started",
    "consultation_add_members",
    "consultation_analyse",
    "consultation_create",
    "consultation_export_polis",
    "consultation_import_polis",
    "consultation_send_reminders",
    "consultation_set_window",
    "delphi_respond",
    "delphi_round_close",
    "delphi_round_create",
    "participant_join",
    "section_comment_add",
    "section_create",
    "statement_moderate",
    "statement_submit",
    "vote_cast",
]
