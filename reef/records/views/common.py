"""What the pages of the record share: the signed-in actor, the create rule asked for the
user's owners, pagination, a safe download, and the create and upload pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reef.accounts.models import User
from reef.core.access import scope_for
from reef.core.roles import Action
from reef.core.rules import Rule as WriteRule
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.directory.selectors import owner_choices, owner_from_choice
from reef.records.models import Event, Publication

PAGE_SIZE = 25


def actor_of(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise Http404
    return user


def _may_create(user: Any, rule: WriteRule, model: type[Any]) -> bool:
    """Whether `user` may create a `model` for at least one owner: the create rule asked
    for each country and organisation the user edits for, as the form would offer them
    (unsaved records carrying only the owner's id: no query per owner)."""
    if not user.is_authenticated:
        return False
    scope = scope_for(user)
    candidates = [model(owner_country_id=pk) for pk in scope.country_ids(Action.EDIT)] + [
        model(owner_organisation_id=pk) for pk in scope.organisation_ids(Action.EDIT)
    ]
    return any(allowed(rule, user, candidate) for candidate in candidates)


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _download(stored: Any, content_type: str, filename: str) -> FileResponse:
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _create(
    request: HttpRequest,
    form_class: type[Any],
    template: str,
    make: Any,
    initial: dict[str, Any] | None = None,
    *,
    saved: str | None = None,
    **form_kwargs: Any,
) -> HttpResponse:
    """A create page for editors: the owner is chosen among the user's own. `make(data,
    owner_country, owner_organisation)` writes; `saved` is said when it did."""
    owners = owner_choices(request.user)
    if not owners:
        raise DjangoPermissionDenied(_("You are an editor of no country or organisation."))
    form = form_class(request.POST or None, owners=owners, initial=initial or {}, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        owner_country, owner_organisation = owner_from_choice(form.cleaned_data["owner"])
        done = call_service(
            request,
            lambda: make(form.cleaned_data, owner_country, owner_organisation),
            saved or _("Saved as a draft."),
            form=form,
        )
        if done.result is not None:
            return redirect(done.result.get_absolute_url())
    return render(request, template, {"form": form})


def _upload(
    request: HttpRequest,
    target: Event | Publication,
    form: forms.Form,
    write: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """The upload page of an event or a publication: `write(cleaned_data)` stores the file."""
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(request, lambda: write(form.cleaned_data), done, form=form)
    ):
        return redirect(target.get_absolute_url())
    return render(request, "records/upload.html", {"form": form, "target": target})
