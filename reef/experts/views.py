"""Pages of the expert network. Thin: reads through selectors, writes through services."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from reef.accounts.models import User
from reef.core.access import scope_for
from reef.core.http import paginate
from reef.core.routes import Rule, access
from reef.core.rules import Rule as Rule_
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.directory.models import Country, Grouping
from reef.experts import rules, selectors, services
from reef.experts.forms import (
    ActivityForm,
    AvailabilityForm,
    ConflictForm,
    MemberAddForm,
    MissionRequestForm,
    ProfileForm,
    ProposalForm,
    ReviewForm,
    RoundForm,
    WindowForm,
)
from reef.experts.models import (
    CONSENT_TEXT,
    CONSENT_VERSION,
    ExpertProfile,
    MentoringActivity,
    MissionRequest,
    ReviewAssignment,
    ReviewRound,
    Sector,
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  (views behind login_required)
    return user


# --------------------------------------------------------------------------- profiles


#: Experts listed per page of the network's directory.
PROFILES_PER_PAGE = 50


@access(Rule.LABELLED)
def home(request: HttpRequest) -> HttpResponse:
    profiles = selectors.profiles_for(request.user)
    sector = request.GET.get("sector", "")
    country = request.GET.get("country", "").upper()
    if sector:
        profiles = profiles.filter(sector=sector)
    if country:
        profiles = profiles.filter(country__code=country)
    template = (
        "experts/_profile_list.html" if getattr(request, "htmx", False) else "experts/home.html"
    )
    # A region has hundreds of experts: a page at a time.
    page, query = paginate(request, profiles, PROFILES_PER_PAGE)
    return render(
        request,
        template,
        {
            "profiles": page.object_list,
            "page": page,
            "query": query,
            "sectors": Sector.choices,
            "sector": sector,
            "country": country,
            "own": selectors.own_profile(request.user),
        },
    )


@access(Rule.LABELLED)
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.profile_get(request.user, pk)
    return render(
        request,
        "experts/profile_detail.html",
        {
            "profile": profile,
            "contact_visible": selectors.contact_visible(request.user, profile),
            "is_self": request.user.is_authenticated and profile.user_id == request.user.pk,
            "can_see_growth": _can_see_growth(request.user, profile),
        },
    )


def _can_see_growth(user: Any, profile: ExpertProfile) -> bool:
    if user.is_authenticated and profile.user_id == user.pk:
        return True
    scope = scope_for(user)
    if scope.coordinates_country(profile.country_id) or profile.country_id in scope.countries:
        return True
    return bool(user.is_authenticated and profile.mentors.filter(mentor__user_id=user.pk).exists())


@access(Rule.LABELLED)
def growth(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.profile_get(request.user, pk)
    if not _can_see_growth(request.user, profile):
        raise Http404
    form = ActivityForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            if call_service(
                request,
                lambda: services.activity_record(
                    actor=_user(request),
                    specialist=profile,
                    kind=data["kind"],
                    on=data["on"],
                    description=data["description"],
                ),
                _("The activity was recorded."),
            ):
                return redirect("experts:growth", pk=profile.pk)
    return render(
        request,
        "experts/growth.html",
        {
            "profile": profile,
            "timeline": selectors.growth_timeline(profile),
            "form": form,
            "may_record": allowed(
                rules.may_record_activity,
                request.user,
                MentoringActivity(specialist=profile, pair=selectors.active_pair(profile)),
            ),
        },
    )


@access(Rule.SIGNED_IN)
@login_required
def me(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    profile = selectors.own_profile(user)
    if profile is None:
        form = ProfileForm(request.POST or None)
    else:
        form = ProfileForm(
            request.POST or None, editing=True, initial=ProfileForm.initial_for(profile)
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if profile is None:
            ok = call_service(
                request,
                lambda: services.profile_create(
                    actor=user,
                    user=user,
                    name=data["name"],
                    sector=data["sector"],
                    country=data["country"],
                    organisation=data["organisation"],
                    expertise=list(data["expertise"]),
                    languages=form.languages_list(),
                    seniority=data["seniority"],
                    bio=data["bio"],
                    max_reviews_per_quarter=data["max_reviews_per_quarter"],
                    is_public=data["is_public"],
                    contact_email=data["contact_email"],
                    contact_phone=data["contact_phone"],
                    contact_tlp=data["contact_tlp"],
                    consent=data["consent"],
                ),
                _("Your expert profile was created."),
            )
        else:
            current = profile
            ok = call_service(
                request,
                lambda: services.profile_update(
                    actor=user,
                    profile=current,
                    name=data["name"],
                    sector=data["sector"],
                    organisation=data["organisation"],
                    clear_organisation=data["organisation"] is None,
                    expertise=list(data["expertise"]),
                    languages=form.languages_list(),
                    seniority=data["seniority"],
                    bio=data["bio"],
                    max_reviews_per_quarter=data["max_reviews_per_quarter"],
                    is_public=data["is_public"],
                    contact_email=data["contact_email"],
                    contact_phone=data["contact_phone"],
                    contact_tlp=data["contact_tlp"],
                ),
                _("Your expert profile was saved."),
            )
        if ok:
            return redirect("experts:me")
    context: dict[str, Any] = {
        "profile": profile,
        "form": form,
        "consent_text": CONSENT_TEXT,
        "consent_version": CONSENT_VERSION,
        "assignments": selectors.my_assignments(user),
    }
    if profile is not None:
        context.update(
            {
                "availability_form": AvailabilityForm(),
                "conflict_form": ConflictForm(),
                "availability": profile.availability.all(),
                "conflicts": profile.conflicts.select_related("organisation", "country"),
                "missions": profile.missions.select_related("mission__country"),
            }
        )
    return render(request, "experts/me.html", context)


def _own_or_404(request: HttpRequest) -> ExpertProfile:
    profile = selectors.own_profile(request.user)
    if profile is None:
        raise Http404
    return profile


@access(Rule.SIGNED_IN)
@login_required
@require_POST
def me_availability(request: HttpRequest) -> HttpResponse:
    profile = _own_or_404(request)
    form = AvailabilityForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        call_service(
            request,
            lambda: services.availability_add(
                actor=_user(request),
                profile=profile,
                start=data["start"],
                end=data["end"],
                note=data["note"],
            ),
            _("Availability added."),
        )
    else:
        messages.error(request, _("Give a start and an end date."))
    return redirect("experts:me")


@access(Rule.SIGNED_IN)
@login_required
@require_POST
def me_conflict(request: HttpRequest) -> HttpResponse:
    profile = _own_or_404(request)
    form = ConflictForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        call_service(
            request,
            lambda: services.conflict_declare(
                actor=_user(request),
                profile=profile,
                kind=data["kind"],
                organisation=data["organisation"],
                country=data["country"],
                person_name=data["person_name"],
                note=data["note"],
            ),
            _("Conflict of interest declared."),
        )
    else:
        messages.error(request, _("The declaration is incomplete."))
    return redirect("experts:me")


@access(Rule.SIGNED_IN)
@login_required
@require_POST
def me_availability_remove(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _own_or_404(request)
    item = profile.availability.filter(pk=pk).first()
    if item is None:
        raise Http404
    call_service(
        request,
        lambda: services.availability_remove(actor=_user(request), availability=item),
        _("Availability removed."),
    )
    return redirect("experts:me")


@access(Rule.SIGNED_IN)
@login_required
@require_POST
def me_conflict_remove(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _own_or_404(request)
    item = profile.conflicts.filter(pk=pk).first()
    if item is None:
        raise Http404
    call_service(
        request,
        lambda: services.conflict_remove(actor=_user(request), conflict=item),
        _("Declaration removed."),
    )
    return redirect("experts:me")


@access(Rule.SIGNED_IN)
@login_required
def me_export(request: HttpRequest) -> HttpResponse:
    profile = _own_or_404(request)
    data = services.profile_export(actor=_user(request), profile=profile)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="reef-expert-data.json"'
    return response


@access(Rule.SIGNED_IN)
@login_required
def me_delete(request: HttpRequest) -> HttpResponse:
    profile = _own_or_404(request)
    if request.method == "POST":
        summary = services.profile_delete(actor=_user(request), profile=profile)
        messages.success(
            request,
            ngettext(
                "Your expert data was deleted. %(n)s submitted review was kept anonymised.",
                "Your expert data was deleted. %(n)s submitted reviews were kept anonymised.",
                summary["reviews_anonymised"],
            )
            % {"n": summary["reviews_anonymised"]},
        )
        return redirect("experts:home")
    return render(request, "experts/me_delete.html", {"profile": profile})


@access(Rule.SIGNED_IN)
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    # The experts' own inbox became the shared one (issue 14); old links keep working.
    return redirect("notifications:inbox")


# --------------------------------------------------------------------------- missions


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
    user = _user(request)
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
    call_service(
        request,
        lambda: services.mission_team_propose(actor=_user(request), mission=mission),
        _("A team was proposed. Check why each expert was chosen, edit and confirm."),
    )
    return redirect("experts:mission_detail", pk=mission.pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def mission_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    mission = _mission_for_coordinator(request, pk, rules.may_edit_team)
    form = MemberAddForm(request.POST, profiles=selectors.profiles_for(request.user))
    if form.is_valid():
        profile = form.cleaned_data["profile"]
        call_service(
            request,
            lambda: services.team_member_add(
                actor=_user(request), mission=mission, profile=profile
            ),
            _("%(name)s was added to the team.") % {"name": profile.name},
        )
    else:
        messages.error(request, _("Choose an expert."))
    return redirect("experts:mission_detail", pk=mission.pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def mission_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    mission = _mission_for_coordinator(request, pk, rules.may_edit_team)
    member = mission.team.filter(pk=member_pk).select_related("mission").first()
    if member is None:
        raise Http404
    call_service(
        request,
        lambda: services.team_member_remove(actor=_user(request), member=member),
        _("The expert was removed from the team."),
    )
    return redirect("experts:mission_detail", pk=mission.pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def mission_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    mission = _mission_for_coordinator(request, pk, rules.may_confirm_team)
    call_service(
        request,
        lambda: services.mission_team_confirm(actor=_user(request), mission=mission),
        _("The team is confirmed and its members were told."),
    )
    return redirect("experts:mission_detail", pk=mission.pk)


# --------------------------------------------------------------------------- reviews


@access(Rule.LABELLED)
def round_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "experts/round_list.html",
        {
            "rounds": selectors.rounds_for(request.user),
            "assignments": selectors.my_assignments(request.user),
            "can_run": scope_for(request.user).is_coordinator,
        },
    )


@access(Rule.LABELLED)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get(request.user, pk)
    runner = selectors.can_run_round(request.user, round_)
    proposals = list(selectors.proposals_for(request.user).filter(round=round_))
    rows = []
    for proposal in proposals:
        assignments = list(proposal.assignments.select_related("reviewer")) if runner else []
        rows.append(
            {
                "proposal": proposal,
                "assignments": assignments,
                "feedback": selectors.proposal_feedback(request.user, proposal),
            }
        )
    mine = [a for a in selectors.my_assignments(request.user) if a.proposal.round_id == round_.pk]
    return render(
        request,
        "experts/round_detail.html",
        {
            "round": round_,
            "rows": rows,
            "runner": runner,
            "may_add_proposal": allowed(rules.may_add_proposal, request.user, round_),
            "may_open": allowed(rules.may_open_round, request.user, round_),
            "may_assign": allowed(rules.may_assign_round, request.user, round_),
            "may_close": allowed(rules.may_close_round, request.user, round_),
            "may_set_window": allowed(rules.may_set_window, request.user, round_),
            "mine": mine,
            "window_form": WindowForm(initial={"closes_on": round_.closes_on}),
            "working_days": services.working_days(round_.opens_on, round_.closes_on),
        },
    )


@access(Rule.SERVICE)
@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    groupings = Grouping.objects.filter(pk__in=list(scope_for(user).groupings))
    if not groupings.exists():
        raise HttpForbidden(_("Only a regional coordinator may run a review round."))
    form = RoundForm(request.POST or None, groupings=groupings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created: list[ReviewRound] = []
        organisation = None
        membership = user.memberships.filter(organisation__isnull=False).first()
        if membership is not None:
            organisation = membership.organisation
        if call_service(
            request,
            lambda: created.append(
                services.round_create(
                    actor=user,
                    title=data["title"],
                    description=data["description"],
                    grouping=data["grouping"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    reviewers_per_proposal=data["reviewers_per_proposal"],
                    objective=data["objective"],
                    exclude_government_of_country=data["exclude_government_of_country"],
                    organisation=organisation,
                )
            ),
            _("The review round was created. Add the proposals, then open it."),
        ):
            return redirect("experts:round_detail", pk=created[0].pk)
    return render(
        request,
        "experts/round_new.html",
        {"form": form, "minimum": services.min_working_days()},
    )


@access(Rule.SERVICE)
@login_required
def proposal_new(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for_runner(request, pk, rules.may_add_proposal)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            request,
            lambda: services.proposal_add(
                actor=_user(request),
                round=round_,
                title=data["title"],
                text=data["text"],
                author_organisation=data["author_organisation"],
                author_name=data["author_name"],
                implementers=list(data["implementers"]),
                country=data["country"],
            ),
            _("The proposal was added."),
        ):
            return redirect("experts:round_detail", pk=round_.pk)
    return render(request, "experts/proposal_new.html", {"round": round_, "form": form})


def _round_for_runner(request: HttpRequest, pk: int, rule: Rule_) -> ReviewRound:
    round_ = selectors.round_get(request.user, pk)
    if not allowed(rule, request.user, round_):
        raise HttpForbidden(_("Only a coordinator of the region may run the round."))
    return round_


@access(Rule.SERVICE)
@login_required
@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for_runner(request, pk, rules.may_open_round)
    call_service(
        request,
        lambda: services.round_open(actor=_user(request), round=round_),
        _("The round is open and reviewers were invited."),
    )
    return redirect("experts:round_detail", pk=round_.pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def round_assign(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for_runner(request, pk, rules.may_assign_round)
    call_service(
        request,
        lambda: services.round_assign(actor=_user(request), round=round_),
        _("Empty reviewer seats were filled where possible."),
    )
    return redirect("experts:round_detail", pk=round_.pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for_runner(request, pk, rules.may_close_round)
    call_service(
        request,
        lambda: services.round_close(actor=_user(request), round=round_),
        _("The round is closed."),
    )
    return redirect("experts:round_detail", pk=round_.pk)


@access(Rule.SERVICE)
@login_required
@require_POST
def round_window(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for_runner(request, pk, rules.may_set_window)
    form = WindowForm(request.POST)
    if form.is_valid():
        closes_on = form.cleaned_data["closes_on"]
        call_service(
            request,
            lambda: services.round_set_window(
                actor=_user(request), round=round_, closes_on=closes_on
            ),
            _("The window was changed."),
        )
    else:
        messages.error(request, _("Give a closing date."))
    return redirect("experts:round_detail", pk=round_.pk)


def _own_assignment(request: HttpRequest, pk: int) -> ReviewAssignment:
    assignment = selectors.assignment_get(request.user, pk)
    reviewer = assignment.reviewer
    if reviewer is None or reviewer.user_id != request.user.pk:
        raise Http404
    return assignment


@access(Rule.SERVICE)
@login_required
@require_POST
def assignment_respond(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    answer = request.POST.get("answer", "")
    user = _user(request)
    if answer == "accept":
        call_service(
            request,
            lambda: services.assignment_accept(actor=user, assignment=assignment),
            _("Thank you: the invitation is accepted."),
        )
    elif answer == "decline":
        call_service(
            request,
            lambda: services.assignment_decline(
                actor=user, assignment=assignment, reason=request.POST.get("reason", "")
            ),
            _("The invitation is declined; another reviewer was invited."),
        )
    else:
        messages.error(request, _("Answer accept or decline."))
    return redirect("experts:round_detail", pk=assignment.proposal.round_id)


@access(Rule.SERVICE)
@login_required
def review_form(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    initial = {"score": assignment.score, "comments": assignment.comments}
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            request,
            lambda: services.review_submit(
                actor=_user(request),
                assignment=assignment,
                score=data["score"],
                comments=data["comments"],
            ),
            _("Your review was submitted."),
        ):
            return redirect("experts:round_detail", pk=assignment.proposal.round_id)
    return render(request, "experts/review_form.html", {"assignment": assignment, "form": form})


@access(Rule.LABELLED)
def proposal_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(request.user, pk)
    return render(
        request,
        "experts/proposal_feedback.html",
        {"proposal": proposal, "feedback": selectors.proposal_feedback(request.user, proposal)},
    )


# --------------------------------------------------------------------------- mentoring


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
    user = _user(request)
    pairs: list[Any] = []
    call_service(
        request,
        lambda: pairs.extend(services.mentoring_pairs_propose(actor=user)),
        _("Mentoring pairs were proposed."),
    )
    return redirect("experts:mentoring")
