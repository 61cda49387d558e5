"""Setting up (editors): create a consultation, its window, statements, rounds, sections."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reef.consultations import rules as R
from reef.consultations import selectors, services
from reef.consultations.forms import (
    ConsultationForm,
    RoundForm,
    SectionForm,
    StatementForm,
    WindowForm,
)
from reef.consultations.models import Consultation
from reef.consultations.views.common import _context, _require_signed_in, _user
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.directory.selectors import owner_choices, owner_from_choice


@access(Rule.SERVICE)
def window(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    if (login := _require_signed_in(request)) is not None:
        return login
    if not allowed(R.may_set_window, request.user, consultation):
        raise DjangoPermissionDenied(_("Only the owner's editors change the window."))
    form = WindowForm(
        request.POST or None,
        initial={"opens_at": consultation.opens_at, "closes_at": consultation.closes_at},
    )
    if consultation.has_opened():
        form.fields["opens_at"].disabled = True  # an open window's opening cannot move
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            request,
            lambda: services.consultation_set_window(
                actor=_user(request),
                consultation=consultation,
                opens_at=form.cleaned_data["opens_at"],
                closes_at=form.cleaned_data["closes_at"],
            ),
            _("Window saved."),
            form=form,
        )
    ):
        return redirect("consultations:detail", pk=pk)
    return render(request, "consultations/window.html", _context(request, consultation, form=form))


@access(Rule.SIGNED_IN)
@login_required
def consultation_create(request: HttpRequest) -> HttpResponse:
    """A new consultation, owned by an organisation or country where the user is an editor."""
    owners = owner_choices(request.user)
    form = ConsultationForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        owner_country, owner_organisation = owner_from_choice(form.cleaned_data["owner"])
        outcome = call_service(
            request,
            lambda: services.consultation_create(
                actor=_user(request),
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                owner_organisation=owner_organisation,
                owner_country=owner_country,
                tlp=form.cleaned_data["tlp"],
                participation=form.cleaned_data["participation"],
                community_grouping=form.cleaned_data["community_grouping"],
                opens_at=form.cleaned_data["opens_at"],
                closes_at=form.cleaned_data["closes_at"],
                document_title=form.cleaned_data["document_title"],
            ),
            form=form,
        )
        if outcome.result is not None:
            return redirect("consultations:manage", pk=outcome.result.pk)
    return render(request, "consultations/create.html", {"form": form, "may_create": bool(owners)})


@access(Rule.SERVICE)
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Editors add statements, Delphi rounds and draft sections."""
    consultation = selectors.consultation_get(request.user, pk)
    if (login := _require_signed_in(request)) is not None:
        return login
    if not (
        allowed(R.may_create_round, request.user, consultation)
        or allowed(R.may_create_section, request.user, consultation)
    ):
        raise DjangoPermissionDenied(_("Only the owner's editors set up the consultation."))
    kind = request.POST.get("kind", "")
    statement_form = StatementForm(request.POST if kind == "statement" else None)
    round_form = RoundForm(request.POST if kind == "round" else None)
    section_form = SectionForm(request.POST if kind == "section" else None)
    if request.method == "POST":
        write, bound = _manage_write(
            request, consultation, kind, statement_form, round_form, section_form
        )
        if write is None:
            messages.error(request, _("Check the form."))
        elif call_service(request, write, _("Saved."), form=bound):
            return redirect("consultations:manage", pk=pk)
    return render(
        request,
        "consultations/manage.html",
        _context(
            request,
            consultation,
            statement_form=statement_form,
            round_form=round_form,
            section_form=section_form,
            rounds=selectors.delphi_rounds(request.user, consultation),
        ),
    )


def _manage_write(
    request: HttpRequest,
    consultation: Consultation,
    kind: str,
    statement_form: StatementForm,
    round_form: RoundForm,
    section_form: SectionForm,
) -> tuple[Callable[[], object] | None, forms.Form | None]:
    """The write the posted form asks for and that form (None: nothing valid was posted)."""
    user = _user(request)
    if statement_form.is_bound and statement_form.is_valid():
        body = statement_form.cleaned_data["body"]
        return partial(
            services.statement_submit, actor=user, consultation=consultation, body=body
        ), statement_form
    if round_form.is_bound and round_form.is_valid():
        data = round_form.cleaned_data
        return partial(
            services.delphi_round_create,
            actor=user,
            consultation=consultation,
            title=data["title"],
            items=data["items"].splitlines(),
            scale=(1, data["scale_max"]),
            rule=data["rule"],
        ), round_form
    if kind == "close_round":
        number = request.POST.get("number", "")
        rnd = selectors.delphi_round_get(
            request.user, consultation, int(number) if number.isdigit() else 0
        )
        return partial(services.delphi_round_close, actor=user, round=rnd), None
    if section_form.is_bound and section_form.is_valid():
        section = section_form.cleaned_data
        return partial(
            services.section_create,
            actor=user,
            consultation=consultation,
            heading=section["heading"],
            text=section["text"],
        ), section_form
    return None, None
