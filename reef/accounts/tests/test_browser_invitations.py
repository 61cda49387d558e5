"""Browser test (issue 12): an administrator invites a country's manager, who accepts
the invitation, sets a password, enrols MFA and invites an editor."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.core import mail

from reef.browser import browser_page, chromium_available, screenshot, sign_in
from reef.testing import ensure_world, persona

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed"),
]

PASSWORD = "a long invitee password 2026"
MANAGER = "manager.dm@test.reef"
EDITOR = "editor.dm@test.reef"


def _link_to(email: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    found = re.search(r"https?://\S+/people/invitation/\S+/", str(message.body))
    assert found, message.body
    return found.group(0)


@pytest.mark.django_db(transaction=True)
def test_administrator_invites_a_manager_who_invites_an_editor(live_server: Any) -> None:
    from reef.accounts.models import Invitation, Membership, User

    ensure_world()
    base = live_server.url
    with browser_page() as page:
        try:
            sign_in(page, base, persona("admin"))
            page.goto(f"{base}/people/")
            page.get_by_role("link", name="Dominica", exact=True).click()
            page.wait_for_url("**/people/places/country/DM/")
            page.locator("#id_email").fill(MANAGER)
            page.locator("#id_role").select_option("manager")
            page.get_by_role("button", name="Send the invitation").click()
            page.wait_for_url("**/people/places/country/DM/")
            assert page.get_by_text(MANAGER).is_visible()
        except Exception:
            screenshot(page, "invitation-admin-failure")
            raise
    link = _link_to(MANAGER)
    # The link's secret is the invitee's only; it reaches the live server as the mail has it.
    link = base + link[link.index("/people/") :]
    with browser_page() as page:
        try:
            page.goto(link)
            page.locator("#id_password1").fill(PASSWORD)
            page.locator("#id_password2").fill(PASSWORD)
            page.get_by_role("button", name="Create my account and accept").click()
            # The role is granted; nothing else opens until MFA is set up, which (as
            # allauth asks before adding an authenticator) starts by confirming the password.
            page.wait_for_url("**/accounts/reauthenticate/**")
            page.locator("input[name=password]").fill(PASSWORD)
            page.get_by_role("button", name="Confirm").click()
            page.wait_for_url("**/accounts/2fa/totp/activate/")
            secret = page.locator("#authenticator_secret").input_value()
            page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
            page.get_by_role("button", name="Activate").click()
            page.wait_for_url(lambda url: "/activate" not in url)
            page.goto(f"{base}/people/places/country/DM/")
            assert page.get_by_role("heading", name="Members of Dominica").is_visible()
            page.locator("#id_email").fill(EDITOR)
            page.locator("#id_role").select_option("editor")
            page.get_by_role("button", name="Send the invitation").click()
            page.wait_for_url("**/people/places/country/DM/")
            assert page.get_by_text(EDITOR).is_visible()
            screenshot(page, "invitation-manager-invites-editor")
        except Exception:
            screenshot(page, "invitation-manager-failure")
            raise
    manager = User.objects.get(email=MANAGER)
    assert Membership.objects.filter(user=manager, role="manager", country__code="DM").exists()
    assert Invitation.objects.filter(
        email=EDITOR, role="editor", invited_by=manager, accepted_at__isnull=True
    ).exists()
