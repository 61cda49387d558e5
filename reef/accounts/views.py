from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reef.accounts.forms import ApiTokenForm
from reef.accounts.models import ApiToken
from reef.accounts.services import api_token_create, api_token_revoke
from reef.core.http import signed_in_user
from reef.core.routes import Rule, access
from reef.core.servicecall import call_service


@access(Rule.SIGNED_IN)
@login_required
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
            "tokens": ApiToken.objects.filter(user=user, revoked_at__isnull=True),
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
