"""The assessments API: one router (`router`, mounted by reef/api/api.py) made of one
router per part: assessments and their workflow, the team, ratings, reports and review.
Every action a page offers is here too, under the same rules and services (API parity).
"""

from __future__ import annotations

from ninja import Router

from reef.assessments.api import assessments, ratings, reports, team
from reef.assessments.api.assessments import (
    gap_to_need,
    get_assessment,
    get_results,
    get_trends,
    list_assessments,
    put_summary,
    reassess,
    request_assessment,
)
from reef.assessments.api.ratings import (
    get_rating_sheet,
    get_targets,
    import_rating_sheet,
    list_decisions,
    list_ratings,
    put_decision,
    put_targets,
    submit_rating,
    submit_ratings_bulk,
)
from reef.assessments.api.reports import (
    get_report_docx,
    get_report_pdf,
    get_report_state,
    get_review,
    open_review,
    post_report,
)
from reef.assessments.api.schemas import (
    AssessmentOut,
    BulkRatingIn,
    BulkRatingsIn,
    DecisionIn,
    DecisionOut,
    MemberIn,
    MemberOut,
    NeedOut,
    RatingIn,
    RatingOut,
    ReassessIn,
    ReportFileOut,
    RequestIn,
    ReviewAmendmentOut,
    ReviewIn,
    ReviewOut,
    RowErrorOut,
    RowErrorsOut,
    SessionIn,
    SessionOut,
    SummaryIn,
    TargetsIn,
    TeamChangeOut,
    TeamIn,
    TeamOut,
    TrendCycleOut,
    TrendRowOut,
    TrendsOut,
)
from reef.assessments.api.team import (
    add_session,
    get_team,
    put_team,
)

router = Router(tags=["assessments"])
for _part in (assessments, ratings, team, reports):
    for _view in _part.router.path_operations.values():
        for _operation in _view.operations:
            # The ids clients know from when every route was in reef/assessments/api.py.
            _name = _operation.view_func.__name__
            _operation.operation_id = _operation.operation_id or f"reef_assessments_api_{_name}"
    router.add_router("", _part.router)

__all__ = [
    "AssessmentOut",
    "BulkRatingIn",
    "BulkRatingsIn",
    "DecisionIn",
    "DecisionOut",
    "MemberIn",
    "MemberOut",
    "NeedOut",
    "RatingIn",
    "RatingOut",
    "ReassessIn",
    "ReportFileOut",
    "RequestIn",
    "ReviewAmendmentOut",
    "ReviewIn",
    "ReviewOut",
    "RowErrorOut",
    "RowErrorsOut",
    "SessionIn",
    "SessionOut",
    "SummaryIn",
    "TargetsIn",
    "TeamChangeOut",
    "TeamIn",
    "TeamOut",
    "TrendCycleOut",
    "TrendRowOut",
    "TrendsOut",
    "add_session",
    "gap_to_need",
    "get_assessment",
    "get_rating_sheet",
    "get_report_docx",
    "get_report_pdf",
    "get_report_state",
    "get_results",
    "get_review",
    "get_targets",
    "get_team",
    "get_trends",
    "import_rating_sheet",
    "list_assessments",
    "list_decisions",
    "list_ratings",
    "open_review",
    "post_report",
    "put_decision",
    "put_summary",
    "put_targets",
    "put_team",
    "reassess",
    "request_assessment",
    "router",
    "submit_rating",
    "submit_ratings_bulk",
]
