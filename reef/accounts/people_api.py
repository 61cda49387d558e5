"""People API: the places a user manages, their members and invitations, roles, leaving,
and accounts for administrators. The same selectors and services as the /people/ pages.

Accepting an invitation stays a page: it sets a password and enrols MFA in the browser.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from reef.accounts import rules
from reef.accounts.models import Invitation, Membership, User
from reef.accounts.people import (
    invitation_create,
    invitation_revoke,
    membership_grant,
    membership_revoke,
)
from reef.accounts.selectors import (
    PLACE_KINDS,
    Place,
    invitation_visible,
    managed_place,
    membership_visible,
    place_kwargs,
    place_members,
    place_pending_invitations,
    place_ref,
    places_managed,
)
from reef.accounts.services import user_deactivate
from reef.api.auth import require_user
from reef.api.pagination import MAX_OFFSET, PAGE_HEADERS, PageQuery, paginate
from reef.core.idempotency import idempotent
from reef.core.rules import allowed
from reef.core.scope import email_verified

router = Router(tags=["people"])

MAX_PAGE = 200


class Error(Schema):
    detail: str


class PlaceOut(Schema):
    kind: str = Field(description="country, organisation or grouping")
    key: str = Field(description="ISO 3166 code of a country, or the slug")
    name: str


class MemberOut(Schema):
    id: int
    email: str
    name: str
    role: str
    email_verified: bool
    active: bool
    since: datetime


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    expires_at: datetime


class MembersOut(Schema):
    place: PlaceOut
    members: list[MemberOut]
    invitations: list[InvitationOut]


class InviteIn(Schema):
    email: str = Field(max_length=254, examples=["new.colleague@ministry.example"])
    role: str = Field(
        description="viewer, editor or manager (coordinator in a grouping)", examples=["editor"]
    )


class RoleIn(Schema):
    role: str = Field(examples=["manager"])


class UserOut(Schema):
    id: int
    email: str
    name: str
    active: bool
    roles: int


class UsersOut(Schema):
    count: int = Field(description="accounts matching, on every page")
    next_offset: int | None = Field(description="offset of the next page; null on the last")
    items: list[UserOut]


class UsersQuery(Schema):
    q: str = Field("", max_length=100, description="part of an e-mail address or a name")
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _place_out(place: Place) -> PlaceOut:
    kind, key = place_ref(place)
    return PlaceOut(kind=kind, key=key, name=str(place))


def _member_out(m: Membership, verified: bool) -> MemberOut:
    return MemberOut(
        id=m.pk,
        email=m.user.email,
        name=m.user.display_name,
        role=m.role,
        email_verified=verified,
        active=m.user.is_active,
        since=m.created_at,
    )


def _invitation_out(i: Invitation) -> InvitationOut:
    return InvitationOut(id=i.pk, email=i.email, role=i.role, expires_at=i.expires_at)


def _managed(request: HttpRequest, kind: str, key: str) -> Place:
    if kind not in PLACE_KINDS:
        raise Http404
    place = managed_place(require_user(request), kind, key)
    if place is None:
        raise Http404
    return place


@router.get(
    "/people/places",
    response={200: list[PlaceOut], 401: Error},
    openapi_extra=PAGE_HEADERS,
)
def places(request: HttpRequest, response: HttpResponse, page: Query[PageQuery]) -> list[PlaceOut]:
    """The places whose members you manage (every place, for an administrator)."""
    countries, organisations, groupings = places_managed(require_user(request))
    found: list[Place] = [*countries, *organisations, *groupings]
    return [_place_out(p) for p in paginate(request, response, page, found)]


@router.get(
    "/people/places/{kind}/{key}/members",
    response={200: MembersOut, 401: Error, 404: Error},
)
def members(request: HttpRequest, kind: str, key: str) -> MembersOut:
    """A place's members and pending invitations, for its managers and administrators."""
    place = _managed(request, kind, key)
    return MembersOut(
        place=_place_out(place),
        members=[
            _member_out(m, bool(m.user_verified))  # type: ignore[attr-defined]
            for m in place_members(place)
        ],
        invitations=[_invitation_out(i) for i in place_pending_invitations(place)],
    )


@router.post(
    "/people/places/{kind}/{key}/invitations",
    response={201: InvitationOut, 400: Error, 401: Error, 403: Error, 404: Error},
)
@idempotent
def invite(request: HttpRequest, kind: str, key: str, payload: InviteIn) -> Status[InvitationOut]:
    """Invite an address to a role in the place: a single-use link is mailed to it (never
    returned here); the role takes effect once the invitee has accepted and enrolled MFA."""
    place = _managed(request, kind, key)
    invitation, _secret = invitation_create(
        actor=require_user(request), email=payload.email, role=payload.role, **place_kwargs(place)
    )
    return Status(201, _invitation_out(invitation))


@router.delete(
    "/people/invitations/{invitation_id}",
    response={204: None, 400: Error, 401: Error, 404: Error},
)
def withdraw(request: HttpRequest, invitation_id: int) -> Status[None]:
    """Withdraw a pending invitation (its link stops working)."""
    user = require_user(request)
    invitation = invitation_visible(user, invitation_id)
    if invitation is None:
        raise Http404
    invitation_revoke(invitation=invitation, actor=user)
    return Status(204, None)


def _membership(request: HttpRequest, membership_id: int) -> tuple[User, Membership]:
    user = require_user(request)
    m = membership_visible(user, membership_id)
    if m is None:
        raise Http404
    return user, m


@router.put(
    "/people/memberships/{membership_id}",
    response={200: MemberOut, 400: Error, 401: Error, 403: Error, 404: Error},
)
def change_role(request: HttpRequest, membership_id: int, payload: RoleIn) -> MemberOut:
    """Give a member another role in the same place."""
    user, m = _membership(request, membership_id)
    held = membership_grant(
        user=m.user,
        role=payload.role,
        actor=user,
        country=m.country,
        organisation=m.organisation,
        grouping=m.grouping,
    )
    return _member_out(held, email_verified(held.user))


@router.delete(
    "/people/memberships/{membership_id}",
    response={204: None, 400: Error, 401: Error, 403: Error, 404: Error},
)
def remove(request: HttpRequest, membership_id: int) -> Status[None]:
    """Revoke a member's role, or leave (your own membership; the last manager may not)."""
    user, m = _membership(request, membership_id)
    membership_revoke(membership=m, actor=user)
    return Status(204, None)


@router.get("/people/users", response={200: UsersOut, 401: Error, 404: Error})
def users(request: HttpRequest, query: Query[UsersQuery]) -> UsersOut:
    """Every account, for administrators (404 for everyone else), paginated."""
    user = require_user(request)
    if not allowed(rules.may_list_users, user):
        raise Http404
    qs = User.objects.annotate(roles=Count("memberships")).order_by("email")
    if query.q.strip():
        qs = qs.filter(Q(email__icontains=query.q.strip()) | Q(display_name__icontains=query.q))
    page: list[Any] = list(qs[query.offset : query.offset + query.limit])
    count = qs.count()
    after = query.offset + len(page)
    return UsersOut(
        count=count,
        next_offset=after if after < count else None,
        items=[
            UserOut(id=u.pk, email=u.email, name=u.display_name, active=u.is_active, roles=u.roles)
            for u in page
        ],
    )


@router.post(
    "/people/users/{user_id}/deactivate",
    response={200: UserOut, 400: Error, 401: Error, 403: Error, 404: Error},
)
def deactivate(request: HttpRequest, user_id: int) -> UserOut:
    """Deactivate an account (administrators): its sessions and API tokens end at once."""
    me = require_user(request)
    if not allowed(rules.may_list_users, me):
        raise Http404
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        raise Http404
    user_deactivate(user=target, actor=me)
    return UserOut(
        id=target.pk,
        email=target.email,
        name=target.display_name,
        active=target.is_active,
        roles=target.memberships.count(),
    )
