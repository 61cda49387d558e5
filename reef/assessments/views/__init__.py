"""Assessment pages. Thin: reads through selectors, writes through services.

One module per part of the work (workflow, rating, consolidation, results, reports);
urls.py names every view from here.
"""

from __future__ import annotations

from reef.assessments.views.consolidation import consolidation, decision_save
from reef.assessments.views.rating import (
    evidence_download,
    rating_form,
    rating_save,
    rating_save_group,
    rating_sheet,
    sheet_error_lines,
)
from reef.assessments.views.reports import (
    report_download,
    report_page,
    report_prepare,
    report_status,
)
from reef.assessments.views.results import compare, gap_to_need, results, targets_save, trends
from reef.assessments.views.workflow import (
    ASSESSMENTS_PER_PAGE,
    STEPS,
    assessment_detail,
    assessment_list,
    assessment_reassess,
    assessment_request,
    assessment_step,
    assessment_team,
    session_add,
    summary_save,
)

__all__ = [
    "ASSESSMENTS_PER_PAGE",
    "STEPS",
    "assessment_detail",
    "assessment_list",
    "assessment_reassess",
    "assessment_request",
    "assessment_step",
    "assessment_team",
    "compare",
    "consolidation",
    "decision_save",
    "evidence_download",
    "gap_to_need",
    "rating_form",
    "rating_save",
    "rating_save_group",
    "rating_sheet",
    "report_download",
    "report_page",
    "report_prepare",
    "report_status",
    "results",
    "session_add",
    "sheet_error_lines",
    "summary_save",
    "targets_save",
    "trends",
]
