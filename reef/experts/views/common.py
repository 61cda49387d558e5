"""What the expert network's pages share: the signed-in user, and the shape of every action
button (a POST that runs one service and goes back to the page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from reef.accounts.models import User
from reef.core.servicecall import call_service


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  (views behind login_required)
    return user


def post_action(
    request: HttpRequest,
    back: HttpResponse,
    service: Callable[[dict[str, Any]], object],
    done: str | Callable[[dict[str, Any]], str],
    *,
    form: forms.Form | None = None,
    invalid: str = "",
) -> HttpResponse:
    """Check the form, if any (else say `invalid`); run the service with its cleaned data
    through `call_service`, which reports success (`done`) or the refusal; go `back`."""
    data: dict[str, Any] = {}
    if form is not None:
        if not form.is_valid():
            messages.error(request, invalid)
            return back
        data = form.cleaned_data
    call_service(request, lambda: service(data), done(data) if callable(done) else done)
    return back
