"""Sign-in, sign-up and token creation in the browser (issue 13 items 2, 11, 13, 15)."""

from __future__ import annotations

import re
import smtplib
from typing import Any

import pyotp
import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from reef.accounts import throttle
from reef.accounts.models import ApiToken, User
from tests_support.world import make_user, totp_secret_for

PASSWORD = "a long test password 123"  # nosec B105


class DownMailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPConnectError(421, "mail server down")


class RefusedMailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError(111, "Connection refused")


def _comparable(html: bytes, email: str) -> bytes:
    """A page without what differs on every request (nonces, CSRF tokens) or the address."""
    html = re.sub(rb'nonce="[^"]*"', b"", html)
    html = re.sub(rb'"X-CSRFToken": "[^"]*"', b"", html)
    html = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", html)
    return html.replace(email.encode(), b"ADDRESS")


def _login(client: Client, email: str, password: str) -> Any:
    return client.post("/accounts/login/", {"login": email, "password": password})


class Clock:
    """Stands in for time.time() in the throttle."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(throttle, "_now", c)
    return c


# Item 2: re-authentication before a token is made on the profile page.


@pytest.mark.django_db
def test_profile_token_creation_asks_to_reauthenticate_first(world: None) -> None:
    user = make_user()
    client = Client()
    client.force_login(user)
    asked = client.post("/profile/", {"name": "laptop", "scope": "read"})
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    assert not ApiToken.objects.filter(user=user).exists()
    # A wrong password makes nothing.
    wrong = client.post(asked["Location"], {"password": "not it at all"})
    assert wrong.status_code == 200
    assert not ApiToken.objects.filter(user=user).exists()
    # The right password replays the form: the token is made and shown once.
    done = client.post(asked["Location"], {"password": PASSWORD}, follow=True)
    token = ApiToken.objects.get(user=user)
    assert token.name == "laptop" and token.scope == ApiToken.Scope.READ
    assert b"Copy this token now" in done.content
    # Within the re-authentication window no second prompt.
    again = client.post("/profile/", {"name": "ci", "scope": "read-write"})
    assert again.status_code == 200
    assert ApiToken.objects.get(user=user, name="ci").scope == ApiToken.Scope.READ_WRITE


@pytest.mark.django_db
def test_profile_shows_scope_expiry_and_last_use(world: None) -> None:
    from django.utils import timezone

    from reef.accounts.services import api_token_create

    user = make_user()
    token, _secret = api_token_create(user=user, name="used one", scope="read")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    api_token_create(user=user, name="fresh one")
    client = Client()
    client.force_login(user)
    page = client.get("/profile/").content.decode()
    assert "used one" in page and "last used" in page
    assert "never used" in page
    assert "read only" in page and "expires" in page


# Item 11: sign-up and password reset answer the same for known and unknown addresses.


@pytest.mark.django_db
def test_signup_does_not_reveal_whether_an_address_is_registered(world: None) -> None:
    known = make_user(email="known@test.reef")
    answers: list[tuple[int, str | bytes]] = []
    for email in ("known@test.reef", "unknown@test.reef"):
        client = Client()
        response = client.post(
            "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        )
        answers.append((response.status_code, response["Location"]))
        # Neither is signed in: a new account waits for its address to be verified.
        assert "_auth_user_id" not in client.session
        page = client.get(response["Location"])
        answers.append((page.status_code, _comparable(page.content, email)))
    assert answers[0] == answers[2] and answers[1] == answers[3]
    assert answers[0] == (302, "/accounts/confirm-email/")
    # The known address's owner is told someone tried; the new one gets a confirmation.
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "already" in by_address["known@test.reef"].body.lower()
    assert "confirm" in by_address["unknown@test.reef"].body.lower()
    assert User.objects.filter(email="unknown@test.reef").exists()
    assert User.objects.filter(email="known@test.reef").get() == known


@pytest.mark.django_db
def test_password_reset_does_not_reveal_whether_an_address_is_registered(world: None) -> None:
    make_user(email="known@test.reef")
    answers = []
    for email in ("known@test.reef", "unknown@test.reef"):
        response = Client().post("/accounts/password/reset/", {"email": email})
        answers.append((response.status_code, response.get("Location")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 302


# Item 13: throttling by account and address, a delay and never a lock.


@pytest.mark.django_db
def test_wrong_passwords_slow_the_attacker_without_locking_the_owner_out(
    world: None, clock: Clock, settings: Any
) -> None:
    settings.REEF_SIGNIN_THRESHOLD = 3
    settings.REEF_SIGNIN_FIRST_DELAY_SECONDS = 10
    settings.REEF_SIGNIN_MAX_DELAY_SECONDS = 60
    owner = make_user()
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(3):
        assert b"Too many failed" not in _login(attacker, owner.email, "guess").content
    # Third failure: wait 10 s; attempts meanwhile are refused unchecked and not counted.
    refused = _login(attacker, owner.email, PASSWORD)
    assert b"Too many failed login attempts. Try again in 10 seconds" in refused.content
    assert "_auth_user_id" not in attacker.session
    clock.now += 11
    _login(attacker, owner.email, "guess")  # fourth failure: 20 s
    assert throttle.signin_wait("198.51.100.7", owner.email) == 20
    clock.now += 21
    for _ in range(5):
        _login(attacker, owner.email, "guess")
        clock.now += 61
    # Capped: the owner waits at most REEF_SIGNIN_MAX_DELAY_SECONDS, never for ever.
    _login(attacker, owner.email, "guess")
    assert throttle.signin_wait("203.0.113.9", owner.email) == 60
    clock.now += 61
    owner_client = Client(REMOTE_ADDR="203.0.113.9")
    assert _login(owner_client, owner.email, PASSWORD).status_code == 302
    assert owner_client.session["_auth_user_id"] == str(owner.pk)
    # The successful sign-in lifted the account's delay.
    assert throttle.signin_wait("198.51.100.7", owner.email) == 0


@pytest.mark.django_db
def test_password_reset_lifts_the_sign_in_delay(world: None, clock: Clock, settings: Any) -> None:
    settings.REEF_SIGNIN_THRESHOLD = 1
    owner = make_user()
    # make_user() gives a verified primary address already.
    _login(Client(REMOTE_ADDR="198.51.100.7"), owner.email, "guess")
    assert throttle.signin_wait("203.0.113.9", owner.email) > 0
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.post("/accounts/password/reset/", {"email": owner.email})
    link = next(
        line for line in mail.outbox[-1].body.splitlines() if "/password/reset/key/" in line
    )
    path = link[link.index("/accounts/") :].strip()
    form = client.get(path, follow=True)
    new = "another long password 456"
    client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert throttle.signin_wait("203.0.113.9", owner.email) == 0
    assert _login(client, owner.email, new).status_code == 302


@pytest.mark.django_db
def test_mfa_sign_in_lifts_the_sign_in_delay(
    users: dict[str, Any], clock: Clock, settings: Any
) -> None:
    settings.REEF_SIGNIN_THRESHOLD = 2
    owner = users["focal_point"]
    owner.set_password(PASSWORD)
    owner.save()
    for _ in range(2):
        _login(Client(REMOTE_ADDR="198.51.100.7"), owner.email, "guess")
    assert throttle.signin_wait("203.0.113.9", owner.email) == 16
    clock.now += 17
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert _login(client, owner.email, PASSWORD)["Location"] == "/accounts/2fa/authenticate/"
    # Password right, MFA pending: the delay stays until the code is given.
    assert throttle.signin_wait("203.0.113.9", owner.email) == 0  # (expired, not lifted)
    assert throttle.signin_failures(owner.email) == 2
    code = pyotp.TOTP(totp_secret_for(owner.email)).now()
    done = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert done.status_code == 302
    assert throttle.signin_failures(owner.email) == 0


@pytest.mark.django_db
def test_sign_in_throttle_counts_by_address_too(world: None, clock: Clock, settings: Any) -> None:
    settings.REEF_SIGNIN_ADDRESS_THRESHOLD = 4
    spray = Client(REMOTE_ADDR="198.51.100.7")
    victims = [make_user() for _ in range(4)]
    for victim in victims:
        _login(spray, victim.email, "guess")
    fresh = make_user()
    # The address waits even for an account it never tried...
    assert b"Too many failed" in _login(spray, fresh.email, PASSWORD).content
    # ...while the accounts' owners elsewhere are not held up.
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert _login(elsewhere, victims[0].email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_sign_in_throttle_lives_in_the_shared_cache(world: None, clock: Clock) -> None:
    from django.core.cache import cache

    # What one worker counts, another (any process on the same cache) sees.
    throttle.signin_failed("198.51.100.7", "someone@test.reef")
    assert throttle.signin_failures("someone@test.reef") == 1
    assert any(key.startswith("reef:signin:") for key in _cache_keys(cache))


def test_ipv6_addresses_count_by_their_64_network(clock: Clock, settings: Any) -> None:
    settings.REEF_SIGNIN_ADDRESS_THRESHOLD = 2
    throttle.signin_failed("2001:db8:1:2::1", "")
    throttle.signin_failed("2001:db8:1:2:ffff::9", "")
    assert throttle.signin_wait("2001:db8:1:2::77", "") > 0
    assert throttle.signin_wait("2001:db8:1:3::1", "") == 0


def _cache_keys(cache: Any) -> list[str]:
    return [key.split(":", 2)[-1] for key in getattr(cache, "_cache", {})]


def test_delay_doubles_from_the_first_and_is_capped(settings: Any) -> None:
    settings.REEF_SIGNIN_FIRST_DELAY_SECONDS = 16
    settings.REEF_SIGNIN_MAX_DELAY_SECONDS = 900
    delays = [throttle.delay_after(n, 5) for n in range(1, 14)]
    assert delays == [0, 0, 0, 0, 16, 32, 64, 128, 256, 512, 900, 900, 900]
    assert throttle.delay_after(10**6, 5) == 900


# Item 15: a mail server that is down does not fail sign-up or reset.


@pytest.mark.django_db
@pytest.mark.parametrize("backend", ["DownMailBackend", "RefusedMailBackend"])
def test_signup_with_the_mail_server_down_answers_and_says_so(
    world: None, settings: Any, backend: str
) -> None:
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.{backend}"}}
    client = Client(raise_request_exception=False)
    response = client.post(
        "/accounts/signup/",
        {"email": "new@test.reef", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert User.objects.filter(email="new@test.reef").exists()
    assert b"could not send you an e-mail" in response.content
    # A known address (the "account already exists" mail) answers the same.
    again = Client(raise_request_exception=False).post(
        "/accounts/signup/",
        {"email": "new@test.reef", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    assert again.status_code == 200
    reset = Client(raise_request_exception=False).post(
        "/accounts/password/reset/", {"email": "new@test.reef"}, follow=True
    )
    assert reset.status_code == 200
