"""API rate limits: fixed one-minute windows counted in the shared cache.

Anonymous callers are counted per address (REMOTE_ADDR, as everywhere in Reef:
a proxy in front must set it), signed-in callers per account, so a token and a
browser session of one person share one allowance. Counting uses the cache's
atomic increment, so every process behind Redis sees the same count.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from reef.core.middleware import client_ip

WINDOW_SECONDS = 60


class PerMinuteThrottle(BaseThrottle):
    def _key_and_limit(self, request: HttpRequest) -> tuple[str, int]:
        user = getattr(request, "user", None)
        window = int(time.time() // WINDOW_SECONDS)
        if user is not None and user.is_authenticated:
            return f"reef:api:user:{user.pk}:{window}", settings.REEF_API_USER_PER_MINUTE
        return (
            f"reef:api:anon:{client_ip(request)}:{window}",
            settings.REEF_API_ANON_PER_MINUTE,
        )

    def allow_request(self, request: HttpRequest) -> bool:
        key, limit = self._key_and_limit(request)
        cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: start again
            cache.add(key, 1, timeout=WINDOW_SECONDS * 2)
            count = 1
        return count <= limit

    def wait(self) -> float:
        """Seconds until the current window ends."""
        return max(1.0, WINDOW_SECONDS - time.time() % WINDOW_SECONDS)
