"""Briefing pages: the list, one briefing, and the pages that write and change one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.core.concurrency import render_conflict
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.records import rules as R
from reef.records import selectors, services
from reef.records.forms import BriefingEditForm, BriefingForm, sources_to_text
from reef.records.models import Briefing
from reef.records.views.common import _create, _may_create, _page, actor_of


@access(Rule.LABELLED)
def briefing_list(request: HttpRequest) -> HttpResponse:
    briefings = selectors.briefings_for(request.user)
    code = request.GET.get("country", "").upper()
    if code:
        briefings = briefings.filter(countries__code=code)
    return render(
        request,
        "records/briefing_list.html",
        {
            "page": _page(request, briefings),
            "country": code,
            "may_create": _may_create(request.user, R.may_create_briefing, Briefing),
        },
    )


@access(Rule.LABELLED)
def briefing_detail(request: HttpRequest, slug: str) -> HttpResponse:
    briefing = selectors.briefing_get(request.user, slug)
    user = request.user
    return render(
        request,
        "records/briefing_detail.html",
        {
            "briefing": briefing,
            "needs": selectors.briefing_needs(user, briefing),
            "may_edit": allowed(R.may_update_briefing, user, briefing),
        },
    )


@access(Rule.SIGNED_IN)
@login_required
def briefing_create(request: HttpRequest) -> HttpResponse:
    def make(d: dict[str, Any], country: Any, organisation: Any) -> Any:
        return services.briefing_create(
            actor=actor_of(request),
            title=d["title"],
            threat=d["threat"],
            published_on=d["published_on"],
            summary=d["summary"],
            sources=d["sources"],
            countries=d["countries"],
            needs=_needs(request, d["needs"]),
            tlp=d["tlp"],
            owner_country=country,
            owner_organisation=organisation,
        )

    return _create(
        request,
        BriefingForm,
        "records/briefing_form.html",
        make,
        initial={"published_on": timezone.localdate()},
        saved=_("The briefing is saved."),
        need_choices=selectors.need_choices(request.user),
    )


def _needs(request: HttpRequest, ids: list[str]) -> list[Any]:
    """The chosen needs, among those the user may see (the service checks again)."""
    from reef.planning.selectors import needs_for

    return list(needs_for(request.user).filter(pk__in=[int(i) for i in ids]))


_BRIEFING_FIELDS = ["title", "threat", "published_on", "summary", "sources"]


@access(Rule.SERVICE)
@login_required
def briefing_edit(request: HttpRequest, slug: str) -> HttpResponse:
    briefing = selectors.briefing_get(request.user, slug)
    if not allowed(R.may_update_briefing, request.user, briefing):
        raise DjangoPermissionDenied(_("Only editors of the owner may change this briefing."))
    initial = _initial(briefing)
    choices = selectors.need_choices(request.user)
    form = BriefingEditForm(request.POST or None, initial=initial, need_choices=choices)
    if request.method != "POST":
        return render(request, "records/briefing_form.html", {"briefing": briefing, "form": form})
    if form.is_valid():
        d = form.cleaned_data
        done = call_service(
            request,
            lambda: services.briefing_update(
                actor=actor_of(request),
                briefing=briefing,
                expected_version=d["version"],
                title=d["title"],
                threat=d["threat"],
                published_on=d["published_on"],
                summary=d["summary"],
                sources=d["sources"],
                countries=d["countries"],
                needs=_needs(request, d["needs"]),
            ),
            _("The briefing is saved."),
            form=form,
        )
        if done:
            return redirect(briefing.get_absolute_url())
        if done.code == "conflict":
            return _conflict(request, briefing, d, choices)
    context = {"briefing": briefing, "form": form}
    return render(request, "records/briefing_form.html", context, status=400)


def _initial(briefing: Briefing) -> dict[str, Any]:
    return {
        "title": briefing.title,
        "threat": briefing.threat,
        "published_on": briefing.published_on,
        "summary": briefing.summary,
        "sources": sources_to_text(briefing.sources),
        "countries": list(briefing.countries.all()),
        "needs": [str(pk) for pk in briefing.needs.values_list("pk", flat=True)],
        "version": briefing.version,
    }


def _conflict(
    request: HttpRequest, briefing: Briefing, yours: dict[str, Any], choices: Any
) -> HttpResponse:
    """Someone saved the briefing meanwhile: theirs beside yours, the form on the new version."""
    fresh = Briefing.objects.get(pk=briefing.pk)
    data = request.POST.copy()
    data["version"] = str(fresh.version)
    return render_conflict(
        request,
        current=fresh,
        yours={k: yours.get(k) for k in _BRIEFING_FIELDS},
        fields=_BRIEFING_FIELDS,
        template="records/briefing_form.html",
        context={
            "briefing": briefing,
            "form": BriefingEditForm(data, need_choices=choices),
            "conflict": True,
        },
    )
