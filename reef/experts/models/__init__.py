"""The expert network: profiles, availability, conflicts, mission teams, review rounds,
mentoring and notifications.

Every record carries a TLP label and an owner (`Labelled`). Child records copy the
label and owner of their parent. The expertise taxonomy is reference data (like
countries) and is public.

One module per subject: ``profiles`` (taxonomy, profiles, availability, conflicts,
seniority, and the labels child records copy), ``missions`` (mission requests, teams),
``reviews`` (review rounds, proposals, assignments), ``mentoring``, ``notifications``.
Import from here (``from reef.experts.models import ExpertProfile``): every model and
public name is re-exported.
"""

from __future__ import annotations

from reef.experts.models.mentoring import MentoringActivity, MentorPair
from reef.experts.models.missions import MissionRequest, TeamMember, default_roles
from reef.experts.models.notifications import Notification
from reef.experts.models.profiles import (
    CONSENT_TEXT,
    CONSENT_VERSION,
    Availability,
    ConflictDeclaration,
    ExpertiseTag,
    ExpertProfile,
    Sector,
    Seniority,
    SeniorityChange,
    label_of,
    private_label,
)
from reef.experts.models.reviews import Proposal, ReviewAssignment, ReviewRound

__all__ = [
    "CONSENT_TEXT",
    "CONSENT_VERSION",
    "Availability",
    "ConflictDeclaration",
    "ExpertProfile",
    "ExpertiseTag",
    "MentorPair",
    "MentoringActivity",
    "MissionRequest",
    "Notification",
    "Proposal",
    "ReviewAssignment",
    "ReviewRound",
    "Sector",
    "Seniority",
    "SeniorityChange",
    "TeamMember",
    "default_roles",
    "label_of",
    "private_label",
]
