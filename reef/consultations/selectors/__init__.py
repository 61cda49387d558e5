"""Reads of consultations, always through the access layer.

Modules: ``consultations`` (a consultation, one's participant record, the stored analysis),
``statements``, ``report`` (the opinion report), ``groups`` (groups as bars, one's own
group), ``delphi`` and ``draft`` (the section-by-section review). Every name is importable
from here, as when this was one module.
"""

from __future__ import annotations

from reef.consultations.selectors.consultations import (
    StoredAnalysis,
    consultation_analysis,
    consultation_get,
    consultations_for,
    participant_for,
)
from reef.consultations.selectors.delphi import (
    FeedbackHidden,
    ItemFeedback,
    RoundFeedback,
    delphi_feedback,
    delphi_feedback_visible,
    delphi_my_responses,
    delphi_round_get,
    delphi_rounds,
)
from reef.consultations.selectors.draft import (
    amendment_get,
    section_amendments,
    section_comments,
    section_get,
    sections_for,
)
from reef.consultations.selectors.groups import (
    BAR_HEIGHT,
    BAR_LABEL_MIN,
    BAR_ROW,
    BAR_WIDTH,
    BAR_X,
    VOTE_COLOURS,
    BarSegment,
    GroupBar,
    StatementBars,
    my_group,
    my_group_summary,
    shown_statements,
    statement_bars,
)
from reef.consultations.selectors.report import (
    MAP_MAX_POINTS,
    PALETTE,
    MapPoint,
    Report,
    consultation_report,
    opinion_map,
)
from reef.consultations.selectors.statements import (
    my_votes,
    next_statement,
    pending_statements,
    statement_get,
    statements_for,
)

__all__ = [
    "BAR_HEIGHT",
    "BAR_LABEL_MIN",
    "BAR_ROW",
    "BAR_WIDTH",
    "BAR_X",
    "MAP_MAX_POINTS",
    "PALETTE",
    "VOTE_COLOURS",
    "BarSegment",
    "FeedbackHidden",
    "GroupBar",
    "ItemFeedback",
    "MapPoint",
    "Report",
    "RoundFeedback",
    "StatementBars",
    "StoredAnalysis",
    "amendment_get",
    "consultation_analysis",
    "consultation_get",
    "consultation_report",
    "consultations_for",
    "delphi_feedback",
    "delphi_feedback_visible",
    "delphi_my_responses",
    "delphi_round_get",
    "delphi_rounds",
    "my_group",
    "my_group_summary",
    "my_votes",
    "next_statement",
    "opinion_map",
    "participant_for",
    "pending_statements",
    "section_amendments",
    "section_comments",
    "section_get",
    "sections_for",
    "shown_statements",
    "statement_bars",
    "statement_get",
    "statements_for",
]
