"""Pages of expert profiles: the directory, a profile, its growth timeline, and the expert's
own page (profile, availability, conflicts of interest, export, deletion)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from reef.accounts.models import User
from reef.core.access import scope_for
from reef.core.http import paginate
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.experts import rules, selectors, services
from reef.experts.forms import ActivityForm, AvailabilityForm, ConflictForm, ProfileForm
from reef.experts.models import (
    CONSENT_TEXT,
    CONSENT_VERSION,
    ExpertProfile,
    MentoringActivity,
    Sector,
)
from reef.experts.views.common import post_action, user_of

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
                    actor=user_of(request),
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


def _save_profile(
    request: HttpRequest, user: User, profile: ExpertProfile | None, form: ProfileForm
) -> bool:
    """Create the user's profile (with their consent), or save their changes to it."""
    data = form.cleaned_data
    fields: dict[str, Any] = {
        "name": data["name"],
        "sector": data["sector"],
        "organisation": data["organisation"],
        "expertise": list(data["expertise"]),
        "languages": form.languages_list(),
        "seniority": data["seniority"],
        "bio": data["bio"],
        "max_reviews_per_quarter": data["max_reviews_per_quarter"],
        "is_public": data["is_public"],
        "contact_email": data["contact_email"],
        "contact_phone": data["contact_phone"],
        "contact_tlp": data["contact_tlp"],
    }
    if profile is None:
        return bool(
            call_service(
                request,
                lambda: services.profile_create(
                    actor=user,
                    user=user,
                    country=data["country"],
                    consent=data["consent"],
                    **fields,
                ),
                _("Your expert profile was created."),
            )
        )
    current = profile
    return bool(
        call_service(
            request,
            lambda: services.profile_update(
                actor=user,
                profile=current,
                clear_organisation=data["organisation"] is None,
                **fields,
            ),
            _("Your expert profile was saved."),
        )
    )


@access(Rule.SIGNED_IN)
@login_required
def me(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    profile = selectors.own_profile(user)
    if profile is None:
        form = ProfileForm(request.POST or None)
    else:
        form = ProfileForm(
            request.POST or None, editing=True, initial=ProfileForm.initial_for(profile)
        )
    if request.method == "POST" and form.is_valid() and _save_profile(request, user, profile, form):
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
    return post_action(
        request,
        redirect("experts:me"),
        lambda data: services.availability_add(
            actor=user_of(request),
            profile=profile,
            start=data["start"],
            end=data["end"],
            note=data["note"],
        ),
        _("Availability added."),
        form=AvailabilityForm(request.POST),
        invalid=_("Give a start and an end date."),
    )


@access(Rule.SIGNED_IN)
@login_required
@require_POST
def me_conflict(request: HttpRequest) -> HttpResponse:
    profile = _own_or_404(request)
    return post_action(
        request,
        redirect("experts:me"),
        lambda data: services.conflict_declare(
            actor=user_of(request),
            profile=profile,
            kind=data["kind"],
            organisation=data["organisation"],
            country=data["country"],
            person_name=data["person_name"],
            note=data["note"],
        ),
        _("Conflict of interest declared."),
        form=ConflictForm(request.POST),
        invalid=_("The declaration is incomplete."),
    )


@access(Rule.SIGNED_IN)
@login_required
@require_POST
def me_availability_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_or_404(request).availability.filter(pk=pk).first()
    if item is None:
        raise Http404
    return post_action(
        request,
        redirect("experts:me"),
        lambda _data: services.availability_remove(actor=user_of(request), availability=item),
        _("Availability removed."),
    )


@access(Rule.SIGNED_IN)
@login_required
@require_POST
def me_conflict_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_or_404(request).conflicts.filter(pk=pk).first()
    if item is None:
        raise Http404
    return post_action(
        request,
        redirect("experts:me"),
        lambda _data: services.conflict_remove(actor=user_of(request), conflict=item),
        _("Declaration removed."),
    )


@access(Rule.SIGNED_IN)
@login_required
def me_export(request: HttpRequest) -> HttpResponse:
    profile = _own_or_404(request)
    data = services.profile_export(actor=user_of(request), profile=profile)
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
        summary = services.profile_delete(actor=user_of(request), profile=profile)
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
