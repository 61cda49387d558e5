"""Small request helpers shared by views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from reef.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, in a view that requires sign-in."""
    from reef.accounts.models import User

    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionError("this view requires a signed-in user")
    return user
