"""Browser test: sign in with a password and a TOTP code, then open a country page."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from tests_support.browser import browser_page, chromium_available, screenshot
from tests_support.world import PERSONA_EMAILS, ensure_world, persona, totp_secret_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_sign_in_with_totp_and_open_a_country_page(live_server: Any) -> None:
    ensure_world()
    email = PERSONA_EMAILS["focal_point"]
    user = persona("focal_point")
    user.set_password("a long test password 123")
    user.save()
    with browser_page() as page:
        try:
            _flow(page, live_server.url, email)
        except Exception:
            screenshot(page, "sign-in-totp-failure")
            raise


def _flow(page: Any, base: str, email: str) -> None:
    if True:
        live_server_url = base
        page.goto(f"{live_server_url}/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill("a long test password 123")
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.get_by_label("Code").fill(pyotp.TOTP(totp_secret_for(email)).now())
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(f"{live_server_url}/")
        page.get_by_role("link", name="Countries", exact=True).first.click()
        page.get_by_role("link", name="Grenada", exact=True).first.click()
        page.wait_for_url("**/directory/countries/GD/")
        assert page.get_by_role("heading", name="Grenada").is_visible()
        # The AMBER contact is visible to Grenada's focal point.
        assert page.get_by_text("Incident lead, Grenada").is_visible()
        screenshot(page, "sign-in-totp-country-page")
