"""Errors raised by services, shown to users as clear messages."""

from __future__ import annotations

from django.utils.translation import gettext as _


class ServiceError(Exception):
    """A request a service refuses, with a message fit for the user."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class PermissionDenied(ServiceError):
    """The actor may not do this. Views turn it into 404 where the object is hidden."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("You may not do this."), code="forbidden")


class Conflict(ServiceError):
    """The record changed since the actor read it (optimistic locking)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("This record was changed by someone else."), code="conflict")
