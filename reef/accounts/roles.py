"""The roles, importable from here as before; they are defined in `reef/core/roles.py`,
beside the access layer that reads them."""

from reef.core.roles import (
    ACTION_RANK,
    ANONYMOUS_SCOPE,
    RANK,
    RANKED_ROLES,
    Action,
    Role,
    Scope,
)

__all__ = ["ACTION_RANK", "ANONYMOUS_SCOPE", "RANK", "RANKED_ROLES", "Action", "Role", "Scope"]
