from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from reef.accounts.services import api_token_create
from reef.api.auth import require_user
from reef.core.idempotency import idempotent

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


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    expires_at: datetime | None = None


class TokenCreated(Schema):
    name: str
    prefix: str
    secret: str
    created_at: datetime
    expires_at: datetime | None


@router.post(
    "/tokens",
    response={201: TokenCreated},
    summary="Create a personal API token",
    description=(
        "The secret is shown once. Send `Idempotency-Key` to retry safely: a retry "
        "answers the first response, the same key with another body 422, a retry "
        "while the first runs 409."
    ),
)
@idempotent
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenCreated]:
    user = require_user(request)
    token, secret = api_token_create(user=user, name=payload.name, expires_at=payload.expires_at)
    return Status(
        201,
        TokenCreated(
            name=token.name,
            prefix=token.prefix,
            secret=secret,
            created_at=token.created_at,
            expires_at=token.expires_at,
        ),
    )
