"""API identity: a personal token (Bearer) or the browser session (with CSRF on writes).

Without credentials a caller is anonymous and sees only public data; bad
credentials are refused with 401 rather than silently treated as anonymous.

Both ways in pass the same account rules (`account_refusal`): an inactive
account gets 401 and a role holder without MFA 403, on every request, whenever
the token was made (with no role, or in demo mode). A token is further bound
by its expiry and its scope: a `read` token gets 403 on any non-safe method.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.utils import check_csrf

from reef.accounts.middleware import account_refusal, mfa_required
from reef.accounts.models import ApiToken
from reef.accounts.services import api_token_find, api_token_touch
from reef.core.audit import audit_append
from reef.core.errors import PermissionDenied

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# An attribute name, not a secret.
TOKEN_ATTRIBUTE = "reef_api_token"  # noqa: S105  # nosec B105


class CsrfFailed(Exception):
    pass


def _admit(user: Any) -> None:
    """Apply the account rules shared by sessions and tokens."""
    refusal = account_refusal(user)
    if refusal is None:
        return
    if mfa_required(user):
        raise PermissionDenied(refusal)
    raise AuthenticationError()


def request_token(request: HttpRequest) -> ApiToken | None:
    """The token this request authenticated with, or None (session or anonymous)."""
    token: ApiToken | None = getattr(request, TOKEN_ATTRIBUTE, None)
    return token


def reef_auth(request: HttpRequest) -> Any:
    setattr(request, TOKEN_ATTRIBUTE, None)
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, secret = header.partition(" ")
        token = api_token_find(secret.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            audit_append(action="api_auth_failed", detail={"scheme": scheme[:20]})
            raise AuthenticationError()
        _admit(token.user)
        if token.scope != ApiToken.Scope.READ_WRITE and request.method not in SAFE_METHODS:
            raise PermissionDenied(_("This token is read-only."))
        api_token_touch(token)
        setattr(request, TOKEN_ATTRIBUTE, token)
        request.user = token.user
        return token.user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed()
        _admit(user)
        return user
    request.user = AnonymousUser()
    return request.user


def require_user(request: HttpRequest) -> Any:
    """The signed-in caller, or 401 for anonymous callers of a write."""
    user = request.user
    if not user.is_authenticated:
        raise AuthenticationError()
    return user
