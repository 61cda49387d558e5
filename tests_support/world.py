"""Shared test support: the fixed world, personas and small factories.

The world is the demo directory (countries, groupings, organisations) and the
demo personas, each with TOTP set up so that MFA enrolment does not block them.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import Any

from reef.accounts.models import User

PERSONA_EMAILS = {
    "focal_point": "focal.grenada@demo.reef",  # manager in Grenada
    "coordinator": "coordinator@demo.reef",  # coordinator of CARICOM, editor at IMPACS
    "donor": "oas.officer@demo.reef",  # editor at the OAS
    "expert": "expert.tt@demo.reef",  # editor at a Trinidad and Tobago company
    "public": "public@demo.reef",  # signed in, no role
    "outsider": "focal.barbados@demo.reef",  # manager in Barbados: no access to Grenada
    "admin": "admin@demo.reef",  # platform administrator: manages people, reads no AMBER
}
PERSONAS = list(PERSONA_EMAILS)


def totp_secret_for(email: str) -> str:
    """A fixed TOTP seed per persona, so that browser tests can compute codes."""
    raw = (email.encode() * 4)[:20]
    return base64.b32encode(raw).decode().rstrip("=")


def ensure_world() -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from reef.accounts import demo as accounts_demo
    from reef.directory import demo as directory_demo
    from reef.directory.models import Organisation

    if not Organisation.objects.filter(slug="oas").exists():
        directory_demo.load(lambda _line: None)
    from reef.experts.models import ExpertiseTag
    from reef.experts.taxonomy import seed_tags

    # Reference data from data migrations is gone after a transactional test's flush.
    if not ExpertiseTag.objects.exists():
        seed_tags(ExpertiseTag)
    if not User.objects.filter(email=PERSONA_EMAILS["admin"]).exists():
        accounts_demo.load(lambda _line: None)
    for email in PERSONA_EMAILS.values():
        user = User.objects.get(email=email)
        if user.demo_mfa_exempt:
            User.objects.filter(pk=user.pk).update(demo_mfa_exempt=False)
        if (
            user.memberships.exists()
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, totp_secret_for(email))


def persona(name: str) -> User:
    return User.objects.get(email=PERSONA_EMAILS[name])


@dataclass
class Counter:
    n: int = 0

    def next(self) -> int:
        self.n += 1
        return self.n


_seq = Counter()


def make_user(*, verified: bool = True, **kwargs: Any) -> User:
    """A user whose e-mail address is verified unless `verified=False` (then no role they
    are given takes effect)."""
    from allauth.account.models import EmailAddress

    email = kwargs.pop("email", f"user{_seq.next()}-{secrets.token_hex(3)}@test.reef")
    user = User(email=email, **kwargs)
    user.set_password("a long test password 123")
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


def reauthenticated_session(user: User) -> dict[str, Any]:
    """Test-client extras for a session of `user` that re-authenticated just now.

    Creating an API token needs that (or the password in the body); a Bearer
    token may not create tokens.
    """
    import time

    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return {"HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}
