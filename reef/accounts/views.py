from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import cast

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from reef.accounts.forms import ApiTokenForm
from reef.accounts.models import ApiToken
from reef.accounts.services import (
    api_token_create,
    api_token_revoke,
    api_tokens_live,
    user_set_language,
)
from reef.core.errors import ServiceError
from reef.core.http import signed_in_user
from reef.core.routes import Rule, access
from reef.core.servicecall import call_service

View = Callable[..., HttpResponse]
_reauthenticated_to_post = cast(Callable[[View], View], reauthentication_required(allow_get=True))


@access(Rule.SIGNED_IN)
@login_required
# Creating a token (POST) asks for the password again first, as changing an
# e-mail does; allauth replays the form after it.
@_reauthenticated_to_post
def profile(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    new_secret = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = call_service(
            request,
            lambda: api_token_create(
                user=user,
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data["expires_at"],
                scope=form.cleaned_data["scope"],
            ),
            form=form,
        )
        if created.result is not None:
            _token, new_secret = created.result
            form = ApiTokenForm()
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": user.memberships.select_related("country", "organisation", "grouping"),
            "tokens": api_tokens_live(user),
            "form": form,
            "new_secret": new_secret,
        },
    )


@access(Rule.SIGNED_IN)
@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    token = ApiToken.objects.filter(pk=pk, user=user).first()
    if token is None:
        raise Http404
    api_token_revoke(token=token, actor=user)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")


@access(Rule.PUBLIC)
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie, safe redirect), remembered on the account when signed in."""
    response = set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and language:
        # The service validates; an unknown language is ignored, as set_language does.
        with suppress(ServiceError):
            user_set_language(user=user, language=language)
    return response
