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

One module per part of the workflow (request, team, sessions, ratings, consolidation,
targets, review), imports and gaps; every service is importable from here.
"""

from __future__ import annotations

from reef.assessments.ratingrows import RatingRow, RatingRowsInvalid, RowError
from reef.assessments.services.consolidation import assessment_finish_consolidation, decision_record
from reef.assessments.services.gaps import gap_propose_need
from reef.assessments.services.imports import (
    AssessmentFileError,
    assessment_import,
    assessment_import_text,
)
from reef.assessments.services.ratings import (
    assessment_close_rating,
    rating_submit,
    ratings_bulk_submit,
    ratings_import_sheet,
    ratings_submit_rows,
)
from reef.assessments.services.request import assessment_accept, assessment_request
from reef.assessments.services.review import (
    assessment_review_open,
    assessment_set_summary,
    review_min_closes_at,
)
from reef.assessments.services.sessions import session_record
from reef.assessments.services.targets import assessment_agree_targets, target_set
from reef.assessments.services.team import (
    assessment_assign_team,
    assessment_assign_team_by_email,
    assessment_open_rating,
    assessment_team_from_mission,
    rating_blockers,
)

__all__ = [
    "AssessmentFileError",
    "RatingRow",
    "RatingRowsInvalid",
    "RowError",
    "assessment_accept",
    "assessment_agree_targets",
    "assessment_assign_team",
    "assessment_assign_team_by_email",
    "assessment_close_rating",
    "assessment_finish_consolidation",
    "assessment_import",
    "assessment_import_text",
    "assessment_open_rating",
    "assessment_request",
    "assessment_review_open",
    "assessment_set_summary",
    "assessment_team_from_mission",
    "decision_record",
    "gap_propose_need",
    "rating_blockers",
    "rating_submit",
    "ratings_bulk_submit",
    "ratings_import_sheet",
    "ratings_submit_rows",
    "review_min_closes_at",
    "session_record",
    "target_set",
]
