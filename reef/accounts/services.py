"""Every write to accounts: users and API tokens (roles and invitations: people.py)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.accounts.models import ApiToken, User
from reef.accounts.rules import may_deactivate_user
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import OPERATOR_IMPORT, Actor, require

# A public prefix, not a secret.
TOKEN_PREFIX = "reef_"  # noqa: S105  # nosec B105


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    display_name: str = "",
    actor: Actor = OPERATOR_IMPORT,
    email_verified: bool = False,
) -> User:
    """Create an account. `email_verified`: the address is known to be its owner's (an
    operator created it on the console, or an invitation mailed there was accepted);
    otherwise it must be verified before any role takes effect."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(
            _("“%(email)s” is not a valid e-mail address.") % {"email": email}, field="email"
        ) from None
    if User.objects.filter(email=email).exists():
        raise ServiceError(
            _("A user with the e-mail %(email)s already exists.") % {"email": email}, field="email"
        )
    user = User(email=email, display_name=display_name.strip()[:150])
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError(" ".join(exc.messages), field="password") from None
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=email_verified)
    audit_append(
        action="user_create",
        actor=actor,
        obj=user,
        detail={"email": email, "verified": email_verified},
    )
    return user


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _token_expiry(expires_at: datetime | None) -> datetime:
    """The asked expiry, or the default one; never past the longest lifetime allowed."""
    now = timezone.now()
    if expires_at is None:
        return now + timedelta(days=settings.REEF_API_TOKEN_DAYS)
    if timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    if expires_at <= now:
        raise ServiceError(_("The expiry date must be in the future."), field="expires_at")
    if expires_at > now + timedelta(days=settings.REEF_API_TOKEN_MAX_DAYS):
        raise ServiceError(
            _("A token may last at most %(days)d days.")
            % {"days": settings.REEF_API_TOKEN_MAX_DAYS},
            field="expires_at",
        )
    return expires_at


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    expires_at: datetime | None = None,
    scope: str = ApiToken.Scope.READ_WRITE,
) -> tuple[ApiToken, str]:
    """Create a token; the plain secret is returned once and never stored.

    Callers facing a person (profile page, API) re-authenticate them first and
    offer `read` as the default scope; trusted code (tests, benchmarks) gets
    read-write unless it asks otherwise. Every token expires.
    """
    name = name.strip()
    if not name or len(name) > 100:
        raise ServiceError(_("Give the token a name of 1 to 100 characters."), field="name")
    if scope not in ApiToken.Scope.values:
        raise ServiceError(
            _("The scope must be “read” or “read-write”."), field="scope", code="invalid"
        )
    if not user.is_active:
        raise ServiceError(_("This account is deactivated."), code="forbidden")
    expiry = _token_expiry(expires_at)
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"  # 256 bits of randomness
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        digest=_digest(secret),
        expires_at=expiry,
        scope=scope,
    )
    audit_append(
        action="api_token_create",
        actor=user,
        obj=token,
        detail={"name": name, "scope": scope, "expires_at": expiry.isoformat()},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> None:
    if token.user_id != actor.pk:
        raise ServiceError(_("Not found."), code="not_found")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_append(action="api_token_revoke", actor=actor, obj=token)


def api_tokens_live(user: User) -> QuerySet[ApiToken]:
    """The user's tokens that still work (not revoked, not expired), newest first."""
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def api_token_find(secret: str) -> ApiToken | None:
    """The live token (not revoked, not expired) with this secret, or None.

    Says nothing about its account: `account_refusal` does, for tokens and
    sessions alike (see reef.api.auth).
    """
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    return token


def api_token_touch(token: ApiToken) -> None:
    """Record a use (at most one write a minute per token)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_token_authenticate(secret: str) -> User | None:
    """The user this secret may act for now, or None: a live token of an account
    that passes the account rules (active; MFA set up if it holds a role)."""
    from reef.accounts.middleware import account_refusal

    token = api_token_find(secret)
    if token is None or account_refusal(token.user) is not None:
        return None
    api_token_touch(token)
    return token.user


def end_sessions(user: User) -> int:
    """Delete every server-side session of `user`."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data: dict[str, Any] = session.get_decoded()
        if str(data.get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_deactivate(*, user: User, actor: Actor) -> None:
    """Disable an account and end its sessions and tokens at once."""
    require(may_deactivate_user, actor, user)
    if not user.is_active:
        raise ServiceError(
            _("The account %(email)s is already deactivated.") % {"email": user.email}
        )
    user.is_active = False
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    end_sessions(user)
    audit_append(action="user_deactivate", actor=actor, obj=user)
    from reef.accounts.people import mail_deactivated

    mail_deactivated(user)


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Remember the interface language a user chose ("" for the site's default)."""
    known = {code for code, _name in settings.LANGUAGES}
    if language and language not in known:
        raise ServiceError(_("Unknown language %(value)s.") % {"value": language}, field="language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
        audit_append(
            action="user_set_language", actor=user, obj=user, detail={"language": language}
        )
    return user


# Roles and invitations live in people.py; these names stay importable from here.
from reef.accounts.people import membership_grant, membership_revoke  # noqa: E402

__all__ = [
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "end_sessions",
    "membership_grant",
    "membership_revoke",
    "user_create",
    "user_deactivate",
    "user_set_language",
]
