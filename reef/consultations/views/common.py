"""What every consultation page shares: the signed-in user, the page context, answers kept
while one joins."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from reef.accounts.models import User
from reef.consultations import rules as R
from reef.consultations import selectors
from reef.consultations.models import Amendment, Consultation, Statement
from reef.core.access import can
from reef.core.rules import allowed


def _user(request: HttpRequest) -> User:
    """The signed-in user (views check sign-in first; services refuse anonymous actors)."""
    user = request.user
    if not isinstance(user, User):
        raise DjangoPermissionDenied()
    return user


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _context(request: HttpRequest, consultation: Consultation, **extra: Any) -> dict[str, Any]:
    user = request.user
    assessment = consultation.report_assessment
    # Buttons show only when the rule behind them allows the action (the services ask the same).
    return {
        "consultation": consultation,
        "participant": selectors.participant_for(user, consultation),
        "is_editor": allowed(R.may_set_window, user, consultation),
        "may_moderate": allowed(R.may_moderate, user, Statement(consultation=consultation)),
        "may_decide": allowed(R.may_decide_amendment, user, Amendment(consultation=consultation)),
        "may_create_round": allowed(R.may_create_round, user, consultation),
        "may_take_part": allowed(R.may_join, user, consultation),
        "is_open": consultation.is_open(),
        # The review of a draft report links back to its assessment, for who may see it.
        "report_assessment": assessment
        if assessment is not None and can(user, assessment)
        else None,
        **extra,
    }


_KEPT = "reef_kept_answers"
_KEPT_MAX_BYTES = 64_000


def _join_first(request: HttpRequest, pk: int, why: str) -> HttpResponse:
    """A reader who has not joined goes to the join page, then back here, where what they
    had typed (ratings, a statement, an amendment) waits for them to submit it."""
    messages.info(request, why)
    kept = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
    if len(repr(kept)) <= _KEPT_MAX_BYTES:
        request.session[_KEPT] = {"path": request.path, "data": kept}
    return redirect(
        reverse("consultations:join", args=[pk]) + "?" + urlencode({"next": request.path})
    )


def _kept_answers(request: HttpRequest) -> QueryDict | None:
    """What this person posted here before they had to join, once, for the form to show."""
    if request.method != "GET" or _KEPT not in request.session:
        return None
    kept = request.session[_KEPT]
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return None
    del request.session[_KEPT]
    data = QueryDict(mutable=True)
    for key, values in dict(kept.get("data") or {}).items():
        data.setlist(str(key), [str(v) for v in values])
    messages.info(request, _("What you entered before joining is kept below: submit it now."))
    return data


def _require_signed_in(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None
