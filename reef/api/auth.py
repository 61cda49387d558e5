"""API identity: a personal token (Bearer) or the browser session (with CSRF on writes).

Without credentials a caller is anonymous and sees only public data; bad
credentials are refused with 401 rather than silently treated as anonymous.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.utils import check_csrf

from reef.accounts.middleware import mfa_required
from reef.accounts.services import api_token_authenticate
from reef.core.audit import audit_append

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class CsrfFailed(Exception):
    pass


def reef_auth(request: HttpRequest) -> Any:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, secret = header.partition(" ")
        user = api_token_authenticate(secret.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            audit_append(action="api_auth_failed", detail={"scheme": scheme[:20]})
            raise AuthenticationError()
        request.user = user
        return user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed()
        if mfa_required(user):
            raise AuthenticationError()
        return user
    request.user = AnonymousUser()
    return request.user


def require_user(request: HttpRequest) -> Any:
    """The signed-in caller, or 401 for anonymous callers of a write."""
    user = request.user
    if not user.is_authenticated:
        raise AuthenticationError()
    return user
