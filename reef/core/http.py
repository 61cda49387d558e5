"""Small request helpers shared by views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
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


def paginate(request: HttpRequest, items: Any, per_page: int) -> tuple[Page[Any], str]:
    """The page of `items` the request asks for (`?page=`, the last for one past it), and
    the request's other parameters (filters) for the pager's links (`_pagination.html`)."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
