"""Security defaults: headers, CSP, CSRF, MFA, throttling, sessions, passwords."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from reef.accounts.middleware import SESSION_STARTED
from reef.core.rules import OPERATOR_IMPORT
from tests_support.world import make_user


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/directory/countries/", "/api/v1/countries", "/nope/"])
def test_security_headers_on_every_response(client: Client, path: str) -> None:
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "charset=utf-8" in response["Content-Type"].lower() or path.startswith("/api/")


def test_csp_is_not_empty() -> None:
    assert settings.SECURE_CSP
    for directive in ("default-src", "script-src", "object-src", "base-uri", "frame-ancestors"):
        assert settings.SECURE_CSP[directive], directive


@pytest.mark.django_db
def test_script_tags_carry_the_nonce(client: Client) -> None:
    response = client.get("/")
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


@pytest.mark.django_db
def test_csrf_is_enforced_on_state_changes(users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["focal_point"])
    response = client.post("/profile/", {"name": "token"})
    assert response.status_code == 403
    assert not users["focal_point"].api_tokens.exists()


@pytest.mark.django_db
def test_csrf_is_enforced_on_session_api_writes(users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["focal_point"])
    response = client.post("/api/v1/organisations", {}, content_type="application/json")
    assert response.status_code in {403, 405}


@pytest.mark.django_db
def test_role_holder_without_mfa_is_sent_to_set_it_up(users: dict[str, Any], world: None) -> None:
    from reef.accounts.services import membership_grant
    from reef.directory.models import Country

    user = make_user()
    membership_grant(
        user=user, role="viewer", actor=OPERATOR_IMPORT, country=Country.objects.get(code="GD")
    )
    client = Client()
    client.force_login(user)
    response = client.get("/directory/countries/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate")
    api = client.get("/api/v1/me")
    assert api.status_code == 403
    assert "Multi-factor" in api.json()["detail"]
    # Setting up MFA is reachable.
    # Setting up MFA asks to re-authenticate first (ASVS: re-authentication before MFA changes).
    setup = client.get("/accounts/2fa/totp/activate/")
    assert setup.status_code == 302
    assert setup["Location"].startswith("/accounts/reauthenticate/")


@pytest.mark.django_db
def test_user_without_role_needs_no_mfa(world: None) -> None:
    client = Client()
    client.force_login(make_user())
    assert client.get("/directory/countries/").status_code == 200


@pytest.mark.django_db
def test_demo_exemption_only_in_demo_mode(settings: Any, world: None) -> None:
    from reef.accounts.middleware import mfa_required
    from reef.accounts.services import membership_grant
    from reef.directory.models import Country

    user = make_user(demo_mfa_exempt=True)
    membership_grant(
        user=user, role="viewer", actor=OPERATOR_IMPORT, country=Country.objects.get(code="GD")
    )
    settings.REEF_DEMO = False
    assert mfa_required(user)
    settings.REEF_DEMO = True
    assert not mfa_required(user)


@pytest.mark.django_db
def test_sign_in_with_mfa_asks_for_the_code(users: dict[str, Any]) -> None:
    user = users["focal_point"]
    user.set_password("a long test password 123")
    user.save()
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": "a long test password 123"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # Not signed in until the code is given.
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_totp_code_completes_sign_in_and_rotates_the_session(users: dict[str, Any]) -> None:
    import pyotp

    from tests_support.world import totp_secret_for

    user = users["focal_point"]
    user.set_password("a long test password 123")
    user.save()
    client = Client()
    client.get("/accounts/login/")
    before = client.session.session_key
    client.post("/accounts/login/", {"login": user.email, "password": "a long test password 123"})
    code = pyotp.TOTP(totp_secret_for(user.email)).now()
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != before
    # The same code cannot be used twice.
    other = Client()
    other.post("/accounts/login/", {"login": user.email, "password": "a long test password 123"})
    again = other.post("/accounts/2fa/authenticate/", {"code": code})
    assert "_auth_user_id" not in other.session
    assert again.status_code == 200


@pytest.mark.django_db
def test_totp_accepts_one_step_of_drift_and_no_more(users: dict[str, Any]) -> None:
    import time

    import pyotp

    from tests_support.world import totp_secret_for

    user = users["focal_point"]
    user.set_password("a long test password 123")
    user.save()
    totp = pyotp.TOTP(totp_secret_for(user.email))

    def attempt(steps_back: int) -> bool:
        client = Client()
        client.post(
            "/accounts/login/", {"login": user.email, "password": "a long test password 123"}
        )
        # The code is taken just before it is sent: a slow sign-in (Argon2 under load)
        # must not move the clock a step between the two.
        code = totp.at(time.time() - 30 * steps_back)
        client.post("/accounts/2fa/authenticate/", {"code": code})
        return "_auth_user_id" in client.session

    # Typed as the step turned: the previous step's code still signs in.
    assert attempt(1)
    # Two steps back: refused.
    assert not attempt(2)


@pytest.mark.django_db
def test_failed_sign_ins_are_throttled(world: None) -> None:
    user = make_user()
    client = Client()
    messages = []
    for _ in range(6):
        response = client.post("/accounts/login/", {"login": user.email, "password": "wrong pw"})
        messages.append(b"Too many failed login attempts" in response.content)
    assert messages[:5] == [False] * 5
    assert messages[5]
    # Throttled even with the right password: the attacker cannot keep trying.
    right = client.post(
        "/accounts/login/", {"login": user.email, "password": "a long test password 123"}
    )
    assert b"Too many failed login attempts" in right.content
    assert "_auth_user_id" not in client.session
    # Another account is not locked out by this (no lock-out of other users).
    other = make_user()
    ok = Client().post(
        "/accounts/login/", {"login": other.email, "password": "a long test password 123"}
    )
    assert ok.status_code == 302


@pytest.mark.django_db
def test_absolute_session_timeout(users: dict[str, Any], settings: Any) -> None:
    client = Client()
    client.force_login(users["public"])
    assert client.get("/profile/").status_code == 200
    session = client.session
    session[SESSION_STARTED] = time.time() - settings.REEF_SESSION_ABSOLUTE_SECONDS - 5
    session.save()
    response = client.get("/profile/")
    assert response.status_code == 302
    assert client.get("/profile/").status_code == 302


def test_idle_timeout_is_configured() -> None:
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_AGE <= 3600


@pytest.mark.django_db
def test_deactivating_a_user_ends_their_sessions(users: dict[str, Any]) -> None:
    from reef.accounts.services import user_deactivate

    client = Client()
    client.force_login(users["public"])
    assert client.get("/profile/").status_code == 200
    user_deactivate(user=users["public"], actor=OPERATOR_IMPORT)
    assert client.get("/profile/").status_code == 302


def test_passwords_use_argon2_and_length_rules() -> None:
    from django.contrib.auth.hashers import get_hasher

    from reef import settings as product_settings

    # Production hashes with Django's Argon2id costs; the suite's quicker hasher is the
    # same algorithm and is named only by the test configuration.
    assert product_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )
    assert not any("tests_support" in h for h in product_settings.PASSWORD_HASHERS)
    assert get_hasher().algorithm == "argon2"
    names = [str(v["NAME"]).rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]  # type: ignore[index]
    assert "NumericPasswordValidator" not in names
    assert "CommonPasswordValidator" in names


@pytest.mark.django_db
def test_mfa_secrets_are_encrypted_at_rest(users: dict[str, Any]) -> None:
    from allauth.mfa.models import Authenticator

    from tests_support.world import totp_secret_for

    auth = Authenticator.objects.get(user=users["focal_point"], type=Authenticator.Type.TOTP)
    stored = auth.data["secret"]
    assert stored.startswith("fernet:")
    assert totp_secret_for(users["focal_point"].email) not in stored


@pytest.mark.django_db
def test_signed_in_pages_are_not_cached(clients: dict[str, Any]) -> None:
    assert clients["focal_point"].get("/profile/")["Cache-Control"] == "no-store"
    assert "no-store" in clients["anonymous"].get("/api/v1/countries")["Cache-Control"]


@pytest.mark.django_db
def test_errors_never_show_a_trace(client: Client) -> None:
    response = client.get("/directory/organisations/%00/")
    assert response.status_code == 404
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_not_found_offers_a_signed_out_visitor_to_sign_in(users: dict[str, Any]) -> None:
    # The same 404 whether or not the record exists; only the way to sign in is added.
    anonymous = Client().get("/planning/needs/999999/?tab=actions")
    assert anonymous.status_code == 404
    assert b"/accounts/login/?next=/planning/needs/999999/%3Ftab%3Dactions" in anonymous.content
    signed_in = Client()
    signed_in.force_login(users["public"])
    assert b"/accounts/login/?next=" not in signed_in.get("/planning/needs/999999/").content


@pytest.mark.django_db
def test_changing_email_asks_to_reauthenticate(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["public"])
    response = client.post("/accounts/email/", {"action_add": "", "email": "new@example.org"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not users["public"].emailaddress_set.filter(email="new@example.org").exists()
