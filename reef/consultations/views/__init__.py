"""Consultation pages. Thin: reads through selectors, writes through services.

Modules: ``common`` (what every page shares), ``consultations`` (list, detail, join),
``statements`` (vote, statements, moderation), ``opinion_report`` (the report page),
``delphi``, ``review`` (the draft, its sections and amendments) and ``setup`` (editors:
create, window, manage). urls.py names the views from here.
"""

from __future__ import annotations

from reef.consultations.views.consultations import (
    consultation_detail,
    consultation_list,
    participant_join,
)
from reef.consultations.views.delphi import delphi_round
from reef.consultations.views.opinion_report import BARS_PER_PAGE, report
from reef.consultations.views.review import amendment_decide, draft, section_detail
from reef.consultations.views.setup import consultation_create, manage, window
from reef.consultations.views.statements import moderate, statement_list, vote

__all__ = [
    "BARS_PER_PAGE",
    "amendment_decide",
    "consultation_create",
    "consultation_detail",
    "consultation_list",
    "delphi_round",
    "draft",
    "manage",
    "moderate",
    "participant_join",
    "report",
    "section_detail",
    "statement_list",
    "vote",
    "window",
]
