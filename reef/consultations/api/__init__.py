"""Consultations API: /api/v1/consultations/... under the same access rules as the pages.

Modules: ``schemas`` (what the endpoints take and give), ``consultations``, ``statements``
(and votes), ``analysis`` (the stored analysis, one's own group), ``delphi`` and ``review``
(the draft's sections and amendments), every endpoint on the one ``router`` of ``routing``,
which reef/api/api.py mounts from here.
"""

from __future__ import annotations

from reef.consultations.api.analysis import my_group, report
from reef.consultations.api.consultations import (
    create_consultation,
    get_consultation,
    join,
    list_consultations,
    set_window,
)
from reef.consultations.api.delphi import (
    close_round,
    create_round,
    delphi_feedback,
    delphi_items,
    delphi_respond,
)
from reef.consultations.api.review import (
    add_comment,
    create_section,
    decide_amendment,
    list_amendments,
    propose_amendment,
    rebase_amendment,
)
from reef.consultations.api.routing import router
from reef.consultations.api.statements import (
    add_statement,
    cast_vote,
    list_statements,
    moderate_statement,
    next_statement,
)


def _keep_operation_ids() -> None:
    """OpenAPI operation ids as when every endpoint was in one module, api.py (ninja names
    an operation after its function's module): clients generated from the schema use them."""
    for view in router.path_operations.values():
        for operation in view.operations:
            if operation.operation_id is None:
                name = operation.view_func.__name__
                operation.operation_id = f"reef_consultations_api_{name}"


_keep_operation_ids()

__all__ = [
    "add_comment",
    "add_statement",
    "cast_vote",
    "close_round",
    "create_consultation",
    "create_round",
    "create_section",
    "decide_amendment",
    "delphi_feedback",
    "delphi_items",
    "delphi_respond",
    "get_consultation",
    "join",
    "list_amendments",
    "list_consultations",
    "list_statements",
    "moderate_statement",
    "my_group",
    "next_statement",
    "propose_amendment",
    "rebase_amendment",
    "report",
    "router",
    "set_window",
]
