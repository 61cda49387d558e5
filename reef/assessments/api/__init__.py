"""The assessments API: one router (`router`, mounted by reef/api/api.py) made of one
router per part: assessments and their workflow, the team, ratings, reports and review.
Every action a page offers is here too, under the same rules and services (API parity).
"""

from __future__ import annotations

from ninja import Router

from reef.assessments.api import assessments, ratings, reports, team

router = Router(tags=["assessments"])
for _part in (assessments, ratings, team, reports):
    for _view in _part.router.path_operations.values():
        for _operation in _view.operations:
            # The ids clients know from when every route was in reef/assessments/api.py.
            _name = _operation.view_func.__name__
            _operation.operation_id = _operation.operation_id or f"reef_assessments_api_{_name}"
    router.add_router("", _part.router)

__all__ = ["router"]
