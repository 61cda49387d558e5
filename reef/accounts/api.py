from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from reef.api.auth import require_user

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    role: str
    country: str | None
    organisation: str | None
    grouping: str | None


class MeOut(Schema):
    email: str
    name: str
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    user = require_user(request)
    return MeOut(
        email=user.email,
        name=user.display_name,
        memberships=[
            MembershipOut(
                role=m.role,
                country=m.country.code if m.country else None,
                organisation=m.organisation.slug if m.organisation else None,
                grouping=m.grouping.slug if m.grouping else None,
            )
            for m in user.memberships.select_related("country", "organisation", "grouping")
        ],
    )
