"""Reads of single records, always through the access layer."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from reef.core.access import LabelledQuerySet
from reef.core.audit import audit_read
from reef.core.roles import Action

M = TypeVar("M", bound=models.Model)


def get_for_user(
    queryset: QuerySet[Any],
    user: Any,
    *,
    action: str = Action.VIEW,
    audit: bool = True,
    **lookup: Any,
) -> Any:
    """The record matching `lookup` if `user` may `action` it; otherwise Http404.

    A missing record and a forbidden one are indistinguishable to the caller.
    Reads of restricted records are written to the audit trail.
    """
    if not isinstance(queryset, LabelledQuerySet):
        raise TypeError(f"{queryset.model.__name__} is not a labelled model")
    try:
        obj = queryset.for_user(user, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if audit:
        audit_read(actor=user, obj=obj)
    return obj
