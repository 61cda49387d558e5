from __future__ import annotations

from datetime import datetime
from typing import Literal

from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from reef.accounts.adapters import wait_message
from reef.accounts.models import ApiToken, User
from reef.accounts.services import api_token_create, api_token_revoke, api_tokens_live
from reef.accounts.throttle import signin_failed, signin_lift, signin_wait
from reef.api.auth import request_token, require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.core.errors import PermissionDenied
from reef.core.idempotency import idempotent
from reef.core.middleware import client_ip

router = Router(tags=["accounts"])


class Error(Schema):
    detail: str


class MembershipOut(Schema):
    id: int = Field(description="leave with DELETE /api/v1/people/memberships/{id}")
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
                id=m.pk,
                role=m.role,
                country=m.country.code if m.country else None,
                organisation=m.organisation.slug if m.organisation else None,
                grouping=m.grouping.slug if m.grouping else None,
            )
            for m in user.memberships.select_related("country", "organisation", "grouping")
        ],
    )


TokenScope = Literal["read", "read-write"]


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    scope: TokenScope = Field(
        "read", description="`read`: GET, HEAD and OPTIONS only; `read-write`: every method."
    )
    expires_at: datetime | None = Field(
        None,
        description=(
            f"When the token stops working. Default: {settings.REEF_API_TOKEN_DAYS} days "
            f"from now (REEF_API_TOKEN_DAYS); at most {settings.REEF_API_TOKEN_MAX_DAYS} days "
            "(REEF_API_TOKEN_MAX_DAYS)."
        ),
    )
    password: str | None = Field(
        None,
        max_length=4096,
        description=(
            "Your password: needed unless this browser session re-authenticated in the "
            "last few minutes. Wrong passwords count towards the sign-in throttle."
        ),
    )
    code: str | None = Field(
        None,
        max_length=16,
        description="A current TOTP code, with `password`, when the account has MFA.",
    )


class TokenCreated(Schema):
    name: str
    prefix: str
    scope: TokenScope
    secret: str = Field(description="The token; shown once, never stored in clear.")
    created_at: datetime
    expires_at: datetime


class TokenOut(Schema):
    name: str
    prefix: str
    scope: TokenScope
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None


def _token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        name=token.name,
        prefix=token.prefix,
        scope=token.scope,  # type: ignore[arg-type]
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
    )


def _reauthenticate(request: HttpRequest, user: User, payload: TokenIn) -> HttpResponse | None:
    """Refuse (403, or 429 while throttled) unless the caller proved who they are just now.

    A Bearer token never suffices: whoever holds one must not be able to mint
    more (or longer-lived, or wider) ones.
    """
    if request_token(request) is not None:
        raise PermissionDenied(
            _("A token cannot create tokens: use a signed-in session or your password.")
        )
    if payload.password is None and did_recently_reauthenticate(request):
        return None
    if payload.password is None:
        raise PermissionDenied(
            _("Confirm it is you: send your password (and a TOTP code when MFA is set up).")
        )
    address = client_ip(request)
    wait = signin_wait(address, user.email)
    if wait:
        response = JsonResponse({"detail": wait_message(wait)}, status=429)
        response["Retry-After"] = str(wait)
        return response
    ok = user.check_password(payload.password)
    if ok and is_mfa_enabled(user, [Authenticator.Type.TOTP]):
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        ok = bool(payload.code) and totp is not None and TOTP(totp).validate_code(payload.code)
    if not ok:
        signin_failed(address, user.email)
        raise PermissionDenied(_("The password or code is not correct."))
    signin_lift(user.email)  # as a complete sign-in does
    return None


@router.post(
    "/tokens",
    response={201: TokenCreated, 400: Error, 401: Error, 403: Error, 429: Error},
    summary="Create a personal API token",
    description=(
        "Needs a browser session that re-authenticated in the last few minutes, or "
        "`password` (and `code` when MFA is set up) in the body; a Bearer token cannot "
        "create tokens (403). The secret is shown once. Tokens expire (default "
        f"{settings.REEF_API_TOKEN_DAYS} days) and are `read` unless asked otherwise; "
        "they stop at once when the account is deactivated, and are refused (403) "
        "while the account holds a role without MFA. Send `Idempotency-Key` to retry "
        "safely: a retry answers the first response, the same key with another body "
        "422, a retry while the first runs 409."
    ),
)
@idempotent
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenCreated] | HttpResponse:
    user = require_user(request)
    refused = _reauthenticate(request, user, payload)
    if refused is not None:
        return refused
    token, secret = api_token_create(
        user=user, name=payload.name, expires_at=payload.expires_at, scope=payload.scope
    )
    return Status(
        201,
        TokenCreated(
            name=token.name,
            prefix=token.prefix,
            scope=token.scope,  # type: ignore[arg-type]
            secret=secret,
            created_at=token.created_at,
            expires_at=token.expires_at,
        ),
    )


@router.get(
    "/tokens",
    response={200: list[TokenOut], 401: Error},
    summary="Your live API tokens",
    description="Tokens not revoked and not expired, newest first, with their last use.",
    openapi_extra=PAGE_HEADERS,
)
def list_tokens(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[TokenOut]:
    user = require_user(request)
    return [_token_out(t) for t in paginate(request, response, page, api_tokens_live(user))]


@router.delete(
    "/tokens/{prefix}",
    response={204: None, 401: Error, 403: Error, 404: Error},
    summary="Revoke one of your API tokens",
)
def revoke_token(request: HttpRequest, prefix: str) -> Status[None]:
    user = require_user(request)
    token = ApiToken.objects.filter(user=user, prefix=prefix, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    api_token_revoke(token=token, actor=user)
    return Status(204, None)
