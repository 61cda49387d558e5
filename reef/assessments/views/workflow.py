"""The assessment's list, request and page, and its workflow steps (team, sessions, summary)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reef.assessments import forms, rules, selectors, services
from reef.assessments.models import Assessment, Status
from reef.assessments.views.common import (
    _actor,
    _can,
    _detail_url,
    _post_only,
    _requestable_countries,
)
from reef.core.http import paginate
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.directory.models import Country
from reef.frameworks import selectors as framework_selectors
from reef.frameworks.models import Indicator

#: Assessments listed per page.
ASSESSMENTS_PER_PAGE = 50


@access(Rule.LABELLED)
def assessment_list(request: HttpRequest) -> HttpResponse:
    assessments = selectors.assessments_for(request.user)
    country = request.GET.get("country", "").upper()
    if country:
        assessments = assessments.filter(country__code=country)
    # A region holds several cycles of each country's assessments: a page at a time.
    page, query = paginate(request, assessments, ASSESSMENTS_PER_PAGE)
    return render(
        request,
        "assessments/assessment_list.html",
        {
            "assessments": page.object_list,
            "page": page,
            "query": query,
            "country": country,
            "can_request": bool(_requestable_countries(request.user)),
        },
    )


@access(Rule.SIGNED_IN)
def assessment_request(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    countries = [(c.code, c.name) for c in _requestable_countries(request.user)]
    frameworks = [
        (fw.ref, f"{framework_selectors.shown(fw).name} {fw.release}")
        for fw in framework_selectors.frameworks_for(request.user)
    ]
    form = forms.RequestForm(request.POST or None, countries=countries, frameworks=frameworks)
    if request.method == "POST" and form.is_valid():
        outcome = call_service(
            request,
            lambda: services.assessment_request(
                actor=_actor(request),
                country=Country.objects.get(code=form.cleaned_data["country"]),
                framework=framework_selectors.framework_by_ref(
                    request.user, form.cleaned_data["framework"]
                ),
                cycle=form.cleaned_data["cycle"],
                title=form.cleaned_data["title"],
            ),
            _("Assessment requested."),
            form=form,
        )
        if outcome.result is not None:
            return redirect(_detail_url(outcome.result))
    return render(request, "assessments/request.html", {"form": form, "countries": countries})


@access(Rule.LABELLED)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    context: dict[str, Any] = {
        "assessment": a,
        "steps": Status.choices,
        "current_step": a.status_index(),
        "team": a.team.all(),
        "memberships": a.memberships.select_related("user"),
        "team_changes": selectors.team_history(request.user, a),
        "rating_blockers": services.rating_blockers(a) if a.status == Status.ACCEPTED else [],
        "sessions": selectors.sessions_of(request.user, a),
        "team_form": forms.TeamForm(),
        "session_form": forms.SessionForm(),
        "summary_form": forms.SummaryForm(initial={"summary": a.summary}),
        "cycles": selectors.cycles_of(request.user, a),
        "own_rated": selectors.own_rating_count(request.user, a),
        "indicator_count": Indicator.objects.filter(framework=a.framework).count(),
        "can": _can(request.user, a),
        "review": (
            selectors.review_record(request.user, a) if a.status == Status.COMPLETE else None
        ),
        # Whether anyone opened it (the button then goes, even for who cannot see it).
        "review_exists": a.status == Status.COMPLETE and selectors.review_exists(a),
    }
    return render(request, "assessments/assessment_detail.html", context)


STEPS: dict[str, tuple[Callable[..., object], Promise]] = {
    "accept": (services.assessment_accept, gettext_lazy("Request accepted.")),
    "open-rating": (services.assessment_open_rating, gettext_lazy("Rating is open.")),
    "close-rating": (
        services.assessment_close_rating,
        gettext_lazy("Rating closed: consolidation is open."),
    ),
    "finish-consolidation": (
        services.assessment_finish_consolidation,
        gettext_lazy("Consolidation finished: set the targets with the country."),
    ),
    "agree-targets": (
        services.assessment_agree_targets,
        gettext_lazy("Targets agreed: the draft report is ready for the country's review."),
    ),
    "open-review": (
        services.assessment_review_open,
        gettext_lazy("The review of the draft report is open: the country's managers are invited."),
    ),
}


@access(Rule.SERVICE)
def assessment_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    if step not in STEPS:
        raise Http404
    service, done = STEPS[step]
    call_service(request, lambda: service(actor=_actor(request), assessment=a), str(done))
    return redirect(_detail_url(a))


@access(Rule.SERVICE)
def assessment_reassess(request: HttpRequest, pk: int) -> HttpResponse:
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    cycle = request.POST.get("cycle", "")
    created: list[Assessment] = []
    call_service(
        request,
        lambda: created.append(
            services.assessment_request(
                actor=_actor(request),
                country=a.country,
                framework=a.framework,
                cycle=cycle,
            )
        ),
        _("Re-assessment requested."),
    )
    return redirect(_detail_url(created[0] if created else a))


@access(Rule.SERVICE)
def assessment_team(request: HttpRequest, pk: int) -> HttpResponse:
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    if not allowed(rules.may_assign_team, request.user, a):
        raise DjangoPermissionDenied
    form = forms.TeamForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the team members' and the lead's e-mail addresses."))
        return redirect(_detail_url(a))
    call_service(
        request,
        lambda: services.assessment_assign_team_by_email(
            actor=_actor(request),
            assessment=a,
            emails=form.emails(),
            lead_email=form.cleaned_data["lead"],
            roles=form.roles(),
        ),
        _("Team assigned."),
    )
    return redirect(_detail_url(a))


@access(Rule.SERVICE)
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    form = forms.SessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the session: cluster, date and participant counts."))
        return redirect(_detail_url(a))
    call_service(
        request,
        lambda: services.session_record(
            actor=_actor(request),
            assessment=a,
            cluster=form.cleaned_data["cluster"],
            held_on=form.cleaned_data["held_on"],
            participants=form.participants(),
            notes=form.cleaned_data["notes"],
        ),
        _("Session recorded."),
    )
    return redirect(_detail_url(a))


@access(Rule.SERVICE)
def summary_save(request: HttpRequest, pk: int) -> HttpResponse:
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    form = forms.SummaryForm(request.POST)
    form.is_valid()
    call_service(
        request,
        lambda: services.assessment_set_summary(
            actor=_actor(request), assessment=a, summary=form.cleaned_data.get("summary", "")
        ),
        _("Summary saved."),
    )
    return redirect(_detail_url(a))
