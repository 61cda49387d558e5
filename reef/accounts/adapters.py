from __future__ import annotations

import logging
import smtplib
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.stages import EmailVerificationStage
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reef.accounts import crypto
from reef.accounts.throttle import signin_failed, signin_lift, signin_wait
from reef.core.middleware import client_ip

log = logging.getLogger(__name__)


def wait_message(seconds: int) -> str:
    return ngettext(
        "Too many failed login attempts. Try again in %(seconds)d second, or reset your password.",
        "Too many failed login attempts. Try again in %(seconds)d seconds, or reset your password.",
        seconds,
    ) % {"seconds": seconds}


class SignupVerifiesEmailStage(EmailVerificationStage):  # type: ignore[misc]
    """A new sign-up is not signed in until its address is verified.

    Signing up with a known address sends that address an "account already
    exists" mail instead (ACCOUNT_PREVENT_ENUMERATION); both answers must be the
    same page, so a new account must not be signed in at once either. Sign-ins
    of existing accounts follow ACCOUNT_EMAIL_VERIFICATION as configured.
    """

    def handle(self) -> tuple[HttpResponse | None, bool]:
        if self.login.signup:
            self.login.email_verification = EmailVerificationMethod.MANDATORY
        result: tuple[HttpResponse | None, bool] = super().handle()
        return result


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Members of the public may register; roles are granted by managers only.
        return True

    def get_login_stages(self) -> list[str]:
        stages: list[str] = super().get_login_stages()
        allauths = "allauth.account.stages.EmailVerificationStage"
        ours = f"{__name__}.SignupVerifiesEmailStage"
        return [ours if stage == allauths else stage for stage in stages]

    # Sign-in throttling (reef.accounts.throttle): every password check allauth
    # makes (sign-in, re-authentication) goes through authenticate().
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        wait = signin_wait(client_ip(request), str(credentials.get("email") or ""))
        if wait:
            raise forms.ValidationError(wait_message(wait), code="too_many_login_attempts")

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        signin_failed(client_ip(request), str(credentials.get("email") or ""))

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        # A complete sign-in (password, then the MFA code when set up) lifts the delay.
        signin_lift(str(user.email))
        response: HttpResponse = super().post_login(request, user, **kwargs)
        return response

    def set_password(self, user: Any, password: str) -> None:
        # Reached by a password reset (the mailed key) or change (the old password).
        super().set_password(user, password)
        signin_lift(str(user.email))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Send, but never fail the request on a mail server that is down.

        The account (or reset request) is already saved; the person is told the
        mail could not be sent and that they can ask for it again.
        """
        try:
            super().send_mail(template_prefix, email, context)
        except (smtplib.SMTPException, OSError) as exc:
            reason = (str(exc).splitlines() or [type(exc).__name__])[0]
            log.warning("mail %s not sent: %s", template_prefix, reason)
            request = allauth_context.request
            if request is not None and hasattr(request, "_messages"):
                messages.warning(
                    request,
                    _(
                        "We could not send you an e-mail just now. Please ask for it "
                        "again in a few minutes."
                    ),
                )


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    """TOTP secrets are stored encrypted (allauth keeps them in clear by default)."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)

    def get_totp_label(self, user: Any) -> str:
        return str(user.email)
