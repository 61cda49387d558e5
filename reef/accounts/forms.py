from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.internal.userkit import filter_users_by_email
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from reef.accounts.models import ApiToken


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        help_text=_("A read-only token can only read; it is refused for any change."),
    )
    expires_at = forms.DateTimeField(
        label=_("Expires (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_at"].help_text = _(
            "Empty: in %(days)d days. At most %(max)d days from now."
        ) % {"days": settings.REEF_API_TOKEN_DAYS, "max": settings.REEF_API_TOKEN_MAX_DAYS}


class SignupForm(AllauthSignupForm):  # type: ignore[misc]
    """Sign-up that answers the same for a known and an unknown address.

    allauth refuses a known address outright unless verification is mandatory;
    here a known address always takes the "account already exists" path (a mail
    to that address, the same "check your e-mail" page), whatever
    ACCOUNT_EMAIL_VERIFICATION says (reef.accounts.adapters.SignupVerifiesEmailStage
    keeps new accounts on that page too).
    """

    def validate_unique_email(self, value: str) -> str:
        if filter_users_by_email(value):
            self.account_already_exists = True
            email: str = get_adapter().validate_unique_email(value)
            return email
        result: str = super().validate_unique_email(value)
        return result

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        if self.account_already_exists:
            # Spend the time a new account's password hash takes, so the answer's
            # timing does not tell a known address from a new one either.
            make_password(self.cleaned_data.get("password1") or "")
        user, response = super().try_save(request)
        return user, response
