"""The language a user reads Reef in: the switcher (`views.language_switch`) remembers it
for signed-in users, pages use it on every device, and notifications are written in it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

Handler = Callable[[HttpRequest], HttpResponse]


def language_of(user: Any) -> str:
    """The user's chosen language, else the site's default."""
    return str(getattr(user, "language", "") or settings.LANGUAGE_CODE)


def in_language_of(user: Any) -> translation.override:
    """`with in_language_of(recipient):` texts built inside are in the recipient's language."""
    return translation.override(language_of(user))


class UserLanguageMiddleware:
    """A signed-in user's remembered language wins over the cookie and the browser's."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None else ""
        if chosen and user is not None and user.is_authenticated:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)
