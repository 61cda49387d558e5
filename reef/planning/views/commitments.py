"""Commitments: a commitment's page and moves, and the commitments of one's organisations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reef.core.access import scope_for
from reef.core.http import signed_in_user
from reef.core.routes import Rule, access
from reef.planning import selectors, services
from reef.planning.forms import TransitionForm
from reef.planning.views.common import submit


@access(Rule.SIGNED_IN)
@login_required
def my_commitments(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "planning/my_commitments.html",
        {
            "commitments": list(selectors.my_commitments(user)[:500]),
            "has_organisations": bool(scope_for(user).organisation_ids()),
        },
    )


@access(Rule.LABELLED)
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_get(request.user, pk)
    steps = (
        services.commitment_next_steps(request.user, commitment)
        if request.user.is_authenticated
        else []
    )
    labels = dict(commitment.Status.choices)
    return render(
        request,
        "planning/commitment_detail.html",
        {
            "commitment": commitment,
            "events": selectors.commitment_events(request.user, commitment),
            "steps": [(s, labels[s]) for s in steps],
        },
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def commitment_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    commitment = selectors.commitment_get(user, pk)
    moved = submit(
        request,
        TransitionForm(request.POST),
        lambda d: services.commitment_transition(
            actor=user, commitment=commitment, to=d["to"], note=d["note"]
        ),
        invalid=_("Choose a status."),
    )
    if moved:
        messages.success(
            request,
            _("The commitment is now: %(status)s.") % {"status": commitment.get_status_display()},
        )
    return redirect("planning:commitment_detail", pk=commitment.pk)
