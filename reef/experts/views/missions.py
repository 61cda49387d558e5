"""Pages of missions: the list, a request, a mission and its team (propose, edit, confirm)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reef.core.access import scope_for
from reef.core.routes import Rule, access
from reef.core.rules import Rule as Rule_
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.directory.models import Country
from reef.experts import rules, selectors, services
from reef.experts.forms import MemberAddForm, MissionRequestForm
from reef.experts.models import MissionRequest
from reef.experts.views.common import post_action, user_of


@access(Rule.LABELLED)
def mission_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    return render(
        request,
        "experts/mission_list.html",
        {
            "missions": selectors.missions_for(request.user),
            "can_request": bool(scope.country_ids("edit") or scope.coordinated_countries),
        },
    )


def _mission_initial(request: HttpRequest, countries: set[int]) -> dict[str, Any]:
    """A mission asked for from an assessment's page names that assessment and its country
    (`?assessment=<id>`): the coordinator does not have to copy its number."""
    raw = request.GET.get("assessment", "")
    if not raw.isdigit():
        return {}
    from reef.assessments.models import Assessment

    found = Assessment.objects.for_user(request.user).filter(pk=int(raw)).first()
    if found is None or found.country_id not in countries:
        return {}
    return {
        "assessment_ref": found.pk,
        "country": found.country_id,
        "title": _("Assessment mission: %(title)s") % {"title": found.title},
    }


@access(Rule.SERVICE)
@login_required
def mission_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    scope = scope_for(user)
    allowed = set(scope.country_ids("edit")) | set(scope.coordinated_countries)
    if not allowed:
        raise HttpForbidden(
            _("Only a country's editors or a regional coordinator may request a mission.")
        )
    form = MissionRequestForm(
        request.POST or None,
        countries=Country.objects.filter(pk__in=allowed).order_by("name"),
        initial=_mission_initial(request, allowed),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created: list[MissionRequest] = []
        if call_service(
            request,
            lambda: created.append(
                services.mission_request_create(
                    actor=user,
                    title=data["title"],
                    country=data["country"],
                    start=data["start"],
                    end=data["end"],
                    languages=form.languages_list(),
                    size=data["size"],
                    nascent_seat=data["nascent_seat"],
                    local_rule=data["local_rule"],
                    expertise=list(data["expertise"]),
                    organisations=list(data["organisations"]),
                    assessment_ref=data["assessment_ref"],
                )
            ),
            _("The mission request was created."),
        ):
            return redirect("experts:mission_detail", pk=created[0].pk)
    return render(request, "experts/mission_new.html", {"form": form})


@access(Rule.LABELLED)
def mission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mission = selectors.mission_get(request.user, pk)
    coordinator = selectors.can_coordinate(request.user, mission.country_id)
    team = selectors.mission_team(request.user, mission)
    open_team = mission.status in ("requested", "proposed")
    context: dict[str, Any] = {
        "mission": mission,
        "team": team,
        "coordinator": coordinator,
        "coverage": services.mission_coverage(mission) if team else None,
        "editable": open_team and allowed(rules.may_edit_team, request.user, mission),
        "may_propose": open_team and allowed(rules.may_propose_team, request.user, mission),
        "may_confirm": open_team and allowed(rules.may_confirm_team, request.user, mission),
    }
    if context["editable"]:
        # Only experts whose profile the coordinator may see are offered by name.
        candidates = (
            selectors.profiles_for(request.user)
            .filter(consent_at__isnull=False)
            .exclude(pk__in=[m.profile_id for m in team])
            .order_by("name")
        )
        context["add_form"] = MemberAddForm(profiles=candidates)
    return render(request, "experts/mission_detail.html", context)


def _mission_for_coordinator(request: HttpRequest, pk: int, rule: Rule_) -> MissionRequest:
    mission = selectors.mission_get(request.user, pk)
    if not allowed(rule, request.user, mission):
        raise HttpForbidden(_("Only a coordinator of the region may edit the team."))
    return mission


@access(Rule.SERVICE)
@login_required
@require_POST
def mission_propose(request: HttpRequest, pk: int) -> HttpResponse:
    mission = _mission_for_coordinator(request, pk, rules.may_propose_team)
    return post_action(
        request,
        redirect("experts:mission_detail", pk=mission.pk),
        lambda _data: services.mission_team_propose(actor=user_of(request), mission=mission),
        _("A team was proposed. Check why each expert was chosen, edit and confirm."),
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def mission_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    mission = _mission_for_coordinator(request, pk, rules.may_edit_team)
    return post_action(
        request,
        redirect("experts:mission_detail", pk=mission.pk),
        lambda data: services.team_member_add(
            actor=user_of(request), mission=mission, profile=data["profile"]
        ),
        lambda data: _("%(name)s was added to the team.") % {"name": data["profile"].name},
        form=MemberAddForm(request.POST, profiles=selectors.profiles_for(request.user)),
        invalid=_("Choose an expert."),
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def mission_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    mission = _mission_for_coordinator(request, pk, rules.may_edit_team)
    member = mission.team.filter(pk=member_pk).select_related("mission").first()
    if member is None:
        raise Http404
    return post_action(
        request,
        redirect("experts:mission_detail", pk=mission.pk),
        lambda _data: services.team_member_remove(actor=user_of(request), member=member),
        _("The expert was removed from the team."),
    )


@access(Rule.SERVICE)
@login_required
@require_POST
def mission_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    mission = _mission_for_coordinator(request, pk, rules.may_confirm_team)
    return post_action(
        request,
        redirect("experts:mission_detail", pk=mission.pk),
        lambda _data: services.mission_team_confirm(actor=user_of(request), mission=mission),
        _("The team is confirmed and its members were told."),
    )
