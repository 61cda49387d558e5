"""The scoring engine: from individual ratings to stages, scores, gaps.

Pure (no Django import) and vectorised with numpy: a framework is compiled once
into index arrays (memoised on the framework) and every assessment is then a
handful of ``bincount`` calls.

Rules (see docs/frameworks.md for the full text):

* Ratings are ``met``, ``partial``, ``not_met``, ``na`` or ``unknown``; one per
  assessor and indicator (a later rating by the same assessor replaces an
  earlier one).
* Consolidation per indicator: ``unknown`` ratings are left out; a value held by
  a strict majority of the remaining ratings is the consolidated value; no
  remaining ratings gives ``unknown``; anything else is ``disputed``. A recorded
  decision overrides the ratings.
* For stages, only ``met`` and ``na`` count as met; ``partial``, ``not_met``,
  ``unknown`` and ``disputed`` do not.
* Staged: an aspect is at the highest stage s such that every indicator of
  stages 2..s is met (or na); stage 1 otherwise. ``progress`` is the share of
  the next stage's indicators that are met (na = 1, partial = 1/2), 0 at stage 5.
* Scored: a pillar's score is ``max * sum(w * v) / sum(w)`` over its indicators
  that are not ``na``, with ``w = points * weight`` and ``v`` 1 for met, 1/2 for
  partial, 0 otherwise; 0 when every indicator is ``na``. Total is the sum; the
  tier is the best (lowest-numbered) tier whose cut-off is <= the rounded total.

One module per step: values (and codes), index (the compiled framework), consolidation,
scores, results, comparison.
"""

from __future__ import annotations

from reef.assessments.scoring.comparison import Change, Comparison, compare
from reef.assessments.scoring.consolidation import consolidate, consolidate_one
from reef.assessments.scoring.results import AspectResult, Gap, PillarResult, Result, SummaryResult
from reef.assessments.scoring.scores import score
from reef.assessments.scoring.values import CONSOLIDATED_VALUES, RATING_VALUES, ScoringError
from reef.assessments.scoring.values import DISPUTED as DISPUTED
from reef.assessments.scoring.values import MET as MET
from reef.assessments.scoring.values import NA as NA
from reef.assessments.scoring.values import NOT_MET as NOT_MET
from reef.assessments.scoring.values import PARTIAL as PARTIAL
from reef.assessments.scoring.values import UNKNOWN as UNKNOWN
from reef.assessments.scoring.values import FloatArray as FloatArray
from reef.assessments.scoring.values import IntArray as IntArray
from reef.assessments.scoring.values import Rating as Rating
from reef.assessments.scoring.values import gettext_noop as gettext_noop

__all__ = [
    "CONSOLIDATED_VALUES",
    "RATING_VALUES",
    "AspectResult",
    "Change",
    "Comparison",
    "Gap",
    "PillarResult",
    "Result",
    "ScoringError",
    "SummaryResult",
    "compare",
    "consolidate",
    "consolidate_one",
    "score",
]
