"""What the assessment pages share: who may take which step, the user acting, where to go back."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import reverse

from reef.accounts.models import User
from reef.assessments import rules, selectors
from reef.assessments.models import Assessment, Status
from reef.core.rules import allowed
from reef.directory.models import Country

#: Template name -> the rule deciding whether that action's button shows.
_ACTIONS = {
    "accept": rules.may_accept,
    "open_rating": rules.may_open_rating,
    "assign_team": rules.may_assign_team,
    "session_record": rules.may_record_session,
    "rate": rules.may_rate,
    "close_rating": rules.may_close_rating,
    "decide": rules.may_decide,
    "finish_consolidation": rules.may_finish_consolidation,
    "set_summary": rules.may_set_summary,
    "set_targets": rules.may_set_targets,
    "agree_targets": rules.may_agree_targets,
    "gap_to_need": rules.may_propose_need,
    "open_review": rules.may_open_review,
}


def _can(user: Any, a: Assessment) -> dict[str, bool]:
    """What the user may do to `a`, by the same rules the services require."""
    can = {name: allowed(rule, user, a) for name, rule in _ACTIONS.items()}
    can["reassess"] = allowed(rules.may_request, user, a.country)
    # The country's managers own its report in the public record (they release it).
    can["publish_report"] = a.status == Status.COMPLETE and allowed(
        rules.may_agree_targets, user, a
    )
    return can


def _requestable_countries(user: Any) -> list[Country]:
    return [c for c in Country.objects.order_by("name") if allowed(rules.may_request, user, c)]


def _actor(request: HttpRequest) -> User:
    """The signed-in user taking a step (services only act for real users)."""
    user = request.user
    if not isinstance(user, User):
        raise DjangoPermissionDenied
    return user


def _detail_url(a: Assessment) -> str:
    return reverse("assessments:assessment_detail", args=[a.pk])


def _post_only(request: HttpRequest, pk: int) -> Assessment | HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return a
