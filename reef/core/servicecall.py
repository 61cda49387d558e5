"""Calling a service from a page: one translation of service refusals into HTTP.

A permission refusal is a 403, a record the service could not find a 404; any
other refusal is shown to the user, on the form's field when there is a form,
else as a message. Views in every app use this instead of their own try/except.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest

from reef.core.errors import PermissionDenied, ServiceError


@dataclass(frozen=True)
class Outcome[T]:
    """What the service returned, and whether it accepted (truthy when it did).

    On a refusal, `code` and `message` are the service's, for views that act on
    one (a consultation sends a reader who has not joined to the join page).
    """

    ok: bool
    result: T | None = None
    code: str = ""
    message: str = ""

    def __bool__(self) -> bool:
        return self.ok


def call_service[T](
    request: HttpRequest,
    call: Callable[[], T],
    success: str = "",
    *,
    form: forms.Form | None = None,
) -> Outcome[T]:
    try:
        result = call()
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except ServiceError as exc:
        if exc.code == "not_found":
            raise Http404 from None
        if form is not None:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.error(request, exc.message)
        return Outcome(ok=False, code=exc.code, message=exc.message)
    if success:
        messages.success(request, success)
    return Outcome(ok=True, result=result)
