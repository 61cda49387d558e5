"""The unread count in the header, from the cache only: rendering a page costs no query.

When the cache does not hold it, the header asks for it once the page has loaded
(`notifications:unread`), which counts and caches it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def notifications(request: HttpRequest) -> dict[str, Any]:
    from reef.notifications.selectors import cached_unread_count

    return {"notifications_unread": cached_unread_count(getattr(request, "user", None))}
