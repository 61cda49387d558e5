"""Absolute session timeout and MFA enrolment for every account that holds a role."""

from __future__ import annotations

import time
from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

Handler = Callable[[HttpRequest], HttpResponse]

SESSION_STARTED = "reef_session_started"


class SessionTimeoutMiddleware:
    """Ends a session a fixed time after sign-in, however active it is.

    The idle timeout is Django's own (SESSION_COOKIE_AGE renewed on each request).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED)
            now = time.time()
            if started is None:
                request.session[SESSION_STARTED] = now
            elif now - float(started) > settings.REEF_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return HttpResponseRedirect(reverse("account_login"))
        return self.get_response(request)


# Paths a role holder without MFA may still reach: to set it up, or to leave.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz")


def mfa_required(user: object) -> bool:
    """Whether this user must have MFA and has not set it up."""
    if not getattr(user, "is_authenticated", False):
        return False
    if settings.REEF_DEMO and getattr(user, "demo_mfa_exempt", False):
        return False
    holds = user.memberships  # type: ignore[attr-defined]
    return bool(holds.exists()) and not is_mfa_enabled(user, ["totp"])


def account_refusal(user: object) -> str | None:
    """Why this signed-in account may not act now, or None.

    The one set of account rules for every way in (browser session, API session,
    Bearer token): an inactive account is refused, and so is a role holder
    without MFA, however the credential was obtained or when.
    """
    if not getattr(user, "is_active", False):
        return _("This account is deactivated.")
    if mfa_required(user):
        return _("Multi-factor authentication must be set up for this account.")
    return None


class RequireMFAMiddleware:
    """A user with any role must enrol TOTP before anything else."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(_MFA_EXEMPT_PREFIXES) or not mfa_required(request.user):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Multi-factor authentication must be set up for this account.")},
                status=403,
            )
        if request.headers.get("HX-Request") == "true":
            # A fragment (the unread badge, a filtered list) must not receive the whole
            # activation page to swap into the page around it: htmx ignores a 403.
            return HttpResponse(status=403)
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
