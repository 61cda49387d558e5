"""Every write to the expert network.

Services are keyword-only, typed, transactional, validating and audited. The
matching itself (teams, reviewers, mentors) is done by the pure engine in
`reef.experts.matching`; these modules turn records into its JSON input and its
output back into records:

* `common`: refusals, required texts, languages, dates and regions every service uses;
* `profiles`: profiles, availability, conflicts of interest, export and erasure;
* `eligibility`: the hard rules (who may not join a mission or review a proposal);
* `missions`: mission requests and their teams;
* `reviews`: review rounds, invitations and reviews;
* `mentoring`: mentor pairs and mentoring activities.

Callers import from here (`from reef.experts import services`); the names below are
what this module offered before it was split.
"""

from __future__ import annotations

from reef.core.workdays import min_working_days, working_days
from reef.experts.services.common import (
    ALREADY_ANSWERED,
    LANGUAGE_RE,
    PREFERRED_REGIONS,
    TEXT_MESSAGES,
    day,
    region_of,
)
from reef.experts.services.eligibility import explain, mission_problems, review_conflicts
from reef.experts.services.mentoring import (
    MENTOR_CAPACITY,
    MENTOR_LEVELS,
    activity_record,
    mentoring_pairs_propose,
    notification_mark_read,
)
from reef.experts.services.missions import (
    mission_coverage,
    mission_request_create,
    mission_team_confirm,
    mission_team_input,
    mission_team_propose,
    team_member_add,
    team_member_remove,
)
from reef.experts.services.profiles import (
    availability_add,
    availability_remove,
    conflict_declare,
    conflict_remove,
    profile_create,
    profile_delete,
    profile_export,
    profile_update,
)
from reef.experts.services.reviews import (
    assignment_accept,
    assignment_decline,
    proposal_add,
    review_submit,
    reviewer_input,
    reviews_remind,
    round_assign,
    round_close,
    round_create,
    round_open,
    round_set_window,
)

__all__ = [
    "ALREADY_ANSWERED",
    "LANGUAGE_RE",
    "MENTOR_CAPACITY",
    "MENTOR_LEVELS",
    "PREFERRED_REGIONS",
    "TEXT_MESSAGES",
    "activity_record",
    "assignment_accept",
    "assignment_decline",
    "availability_add",
    "availability_remove",
    "conflict_declare",
    "conflict_remove",
    "day",
    "explain",
    "mentoring_pairs_propose",
    "min_working_days",
    "mission_coverage",
    "mission_problems",
    "mission_request_create",
    "mission_team_confirm",
    "mission_team_input",
    "mission_team_propose",
    "notification_mark_read",
    "profile_create",
    "profile_delete",
    "profile_export",
    "profile_update",
    "proposal_add",
    "region_of",
    "review_conflicts",
    "review_submit",
    "reviewer_input",
    "reviews_remind",
    "round_assign",
    "round_close",
    "round_create",
    "round_open",
    "round_set_window",
    "team_member_add",
    "team_member_remove",
    "working_days",
]
