"""Pages of the expert network. Thin: reads through selectors, writes through services.

One module per area, as the services: `profiles` (the directory, profiles, the expert's own
page), `missions`, `reviews`, `mentoring`; `common` holds the shape every action button
shares (`post_action`). `reef.experts.urls` routes to the names below.
"""

from __future__ import annotations

from reef.experts.views.mentoring import mentoring, mentoring_propose
from reef.experts.views.missions import (
    mission_confirm,
    mission_detail,
    mission_list,
    mission_member_add,
    mission_member_remove,
    mission_new,
    mission_propose,
)
from reef.experts.views.profiles import (
    PROFILES_PER_PAGE,
    growth,
    home,
    me,
    me_availability,
    me_availability_remove,
    me_conflict,
    me_conflict_remove,
    me_delete,
    me_export,
    notifications,
    profile_detail,
)
from reef.experts.views.reviews import (
    assignment_respond,
    proposal_feedback,
    proposal_new,
    review_form,
    round_assign,
    round_close,
    round_detail,
    round_list,
    round_new,
    round_open,
    round_window,
)

__all__ = [
    "PROFILES_PER_PAGE",
    "assignment_respond",
    "growth",
    "home",
    "me",
    "me_availability",
    "me_availability_remove",
    "me_conflict",
    "me_conflict_remove",
    "me_delete",
    "me_export",
    "mentoring",
    "mentoring_propose",
    "mission_confirm",
    "mission_detail",
    "mission_list",
    "mission_member_add",
    "mission_member_remove",
    "mission_new",
    "mission_propose",
    "notifications",
    "profile_detail",
    "proposal_feedback",
    "proposal_new",
    "review_form",
    "round_assign",
    "round_close",
    "round_detail",
    "round_list",
    "round_new",
    "round_open",
    "round_window",
]
