"""Who may act on a notification: its recipient, nobody else."""

from __future__ import annotations

from typing import Any

from reef.core.roles import Scope
from reef.core.rules import rule


@rule(
    "notifications.mark_read",
    record="notification",
    roles="its recipient only",
    system=False,
)
def may_mark_read(scope: Scope, notification: Any) -> bool:
    return scope.user_id is not None and notification.recipient_id == scope.user_id
