"""Pages: the inbox, mark read (one or all), and mail preferences. Thin: services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reef.core.routes import Rule, access
from reef.core.servicecall import call_service
from reef.notifications import selectors, services
from reef.notifications.models import Delivery
from reef.notifications.render import render_all

PAGE_SIZE = 25


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label=gettext_lazy("E-mail"), choices=Delivery.choices, widget=forms.RadioSelect
    )
    need_areas = forms.MultipleChoiceField(
        label=gettext_lazy("Areas you follow (new needs in them are announced to you)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need_areas"].choices = areas  # type: ignore[attr-defined]


def _areas(user: Any) -> list[tuple[str, str]]:
    from reef.planning.models import Area

    seen: dict[str, str] = {}
    for area in Area.objects.for_user(user).order_by("taxonomy", "position", "name"):
        seen.setdefault(area.key, area.label)
    return list(seen.items())


def _back(request: HttpRequest) -> HttpResponse:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(nxt)
    return redirect("notifications:inbox")


@access(Rule.SIGNED_IN)
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(
        selectors.inbox_for(request.user, unread_only=unread_only), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    items = list(zip(shown, render_all(shown, request.user), strict=True))
    selectors.unread_count_cached(request.user)  # the header shows the exact count here
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "items": items, "unread_only": unread_only},
    )


@access(Rule.SIGNED_IN)
@login_required
def unread(request: HttpRequest) -> HttpResponse:
    """The header's unread count (a fragment), counted and cached for the next pages."""
    return render(
        request,
        "notifications/_unread.html",
        {"unread": selectors.unread_count_cached(request.user)},
    )


@access(Rule.LABELLED)
@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_for(request.user, pk)
    call_service(
        request,
        lambda: services.notification_mark_read(actor=request.user, notification=notification),  # type: ignore[arg-type]
    )
    return _back(request)


@access(Rule.SIGNED_IN)
@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    outcome = call_service(
        request,
        lambda: services.notification_mark_all_read(actor=request.user),  # type: ignore[arg-type]
    )
    if outcome:
        from django.contrib import messages

        messages.success(request, _("All notifications marked read."))
    return _back(request)


@access(Rule.SIGNED_IN)
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    pref = selectors.preference_for(request.user)
    areas = _areas(request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST, areas=areas)
        if form.is_valid():
            data = form.cleaned_data
            outcome = call_service(
                request,
                lambda: services.notification_preference_set(
                    actor=request.user,  # type: ignore[arg-type]
                    delivery=data["delivery"],
                    need_areas=data["need_areas"],
                ),
                _("Your notification preferences are saved."),
                form=form,
            )
            if outcome:
                return redirect("notifications:preferences")
    else:
        form = PreferenceForm(
            initial={"delivery": pref.delivery, "need_areas": pref.need_areas}, areas=areas
        )
    return render(request, "notifications/preferences.html", {"form": form})
