"""Who may write frameworks (pure predicates over the actor's scope; see reef.core.rules)."""

from __future__ import annotations

from typing import Any

from reef.core.roles import Scope
from reef.core.rules import rule


@rule(
    "frameworks.import",
    record="framework",
    roles="platform administrators and regional coordinators",
)
def may_import_framework(scope: Scope, _obj: Any = None) -> bool:
    # Frameworks are shared reference data, not a country's records: administrators manage
    # them, and coordinators (who run assessments in their region) may add versions.
    return scope.is_admin or scope.is_coordinator
