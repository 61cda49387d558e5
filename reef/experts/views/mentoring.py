"""Pages of mentoring: the pairs, and the coordinator's "propose pairs" button."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.experts import rules, selectors, services
from reef.experts.views.common import post_action, user_of


@access(Rule.LABELLED)
def mentoring(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "experts/mentoring.html",
        {
            "pairs": selectors.pairs_for(request.user),
            "coordinator": allowed(rules.may_propose_mentoring, request.user),
        },
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def mentoring_propose(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    return post_action(
        request,
        redirect("experts:mentoring"),
        lambda _data: services.mentoring_pairs_propose(actor=user),
        _("Mentoring pairs were proposed."),
    )
