"""The unread count in the header, counted only when a page shows it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest


def notifications(request: HttpRequest) -> dict[str, Any]:
    def unread() -> int:
        from reef.notifications.selectors import unread_count

        return unread_count(getattr(request, "user", None))

    counted: Callable[[], int] = unread
    # A callable: the template calls it once (inside `{% with %}`), pages without it pay nothing.
    return {"notifications_unread": counted}
