"""Browser test (issue 12), one continuous story on a live server: an administrator invites
a country's manager, who accepts the invitation, sets a password, enrols MFA, invites an
editor, shares an AMBER need with another country and names the readers of a RED one; the
readers see them, everyone else gets 404."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pyotp
import pytest
from django.core import mail
from django.test import Client

from reef.core.tlp import TLP
from tests_support.browser import browser_page, chromium_available, screenshot, sign_in
from tests_support.world import PERSONAS, ensure_world, persona

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
def test_administrator_onboards_a_manager_who_invites_and_shares(live_server: Any) -> None:
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
            amber, red = _needs_of(User.objects.get(email=MANAGER))
            _share(page, base, amber, red)
        except Exception:
            screenshot(page, "invitation-manager-failure")
            raise
    manager = User.objects.get(email=MANAGER)
    assert Membership.objects.filter(user=manager, role="manager", country__code="DM").exists()
    assert Invitation.objects.filter(
        email=EDITOR, role="editor", invited_by=manager, accepted_at__isnull=True
    ).exists()
    _readers_see_them_and_nobody_else(manager, amber, red)


def _needs_of(manager: Any) -> tuple[Any, Any]:
    """Two needs in Dominica's plan, made by the new manager (plans are tested elsewhere)."""
    from reef.directory.models import Country
    from reef.planning import services

    plan = services.plan_create(
        actor=manager,
        country=Country.objects.get(code="DM"),
        title="Dominica national plan",
        cycle="2026-2028",
        tlp=TLP.AMBER,
        start=date(2026, 1, 1),
        end=date(2028, 12, 31),
    )
    amber = services.need_create(
        actor=manager, plan=plan, area="incident-response", title="Harbour CSIRT"
    )
    red = services.need_create(
        actor=manager, plan=plan, area="incident-response", title="Ministry breach follow-up"
    )
    return amber, red


def _share(page: Any, base: str, amber: Any, red: Any) -> None:
    from reef.planning.models import Need

    # Share the AMBER need with Barbados.
    page.goto(f"{base}/planning/needs/{amber.pk}/")
    page.get_by_role("link", name="Sharing", exact=True).click()
    page.wait_for_url(f"**/sharing/planning.need/{amber.pk}/")
    page.get_by_label("Share with countries (TLP:AMBER only)").select_option(label="Barbados")
    page.get_by_role("button", name="Save sharing").click()
    page.get_by_text("Sharing saved.").wait_for()
    assert Need.objects.get(pk=amber.pk).shared_with_countries.filter(code="BB").exists()
    # Make the other need RED, for the OAS officer only.
    page.goto(f"{base}/planning/needs/{red.pk}/")
    page.get_by_role("link", name="Sharing", exact=True).click()
    page.get_by_label("TLP label").select_option(TLP.RED)
    page.get_by_label("Named readers (e-mail addresses, one a line)").fill(persona("donor").email)
    page.get_by_role("button", name="Save sharing").click()
    page.get_by_text("Sharing saved.").wait_for()
    assert Need.objects.get(pk=red.pk).tlp == TLP.RED
    screenshot(page, "sharing-red-readers")
    # Barbados's manager, in the browser, reads the shared need but not the RED one, and
    # is offered no sharing of a record they may not edit.
    page.context.clear_cookies()
    sign_in(page, base, persona("outsider"))
    page.goto(f"{base}/planning/needs/{amber.pk}/")
    assert page.get_by_role("heading", name="Harbour CSIRT").is_visible()
    assert page.get_by_role("link", name="Sharing", exact=True).count() == 0
    response = page.goto(f"{base}/planning/needs/{red.pk}/")
    assert response is not None and response.status == 404


def _status(user: Any, url: str) -> int:
    client = Client()
    client.force_login(user)
    return client.get(url).status_code


def _readers_see_them_and_nobody_else(manager: Any, amber: Any, red: Any) -> None:
    amber_url, red_url = f"/planning/needs/{amber.pk}/", f"/planning/needs/{red.pk}/"
    assert _status(manager, amber_url) == 200 and _status(manager, red_url) == 200
    # AMBER: Dominica's members, Barbados's (shared) and CARICOM's coordinator; no one else,
    # not Grenada's manager nor the platform administrator.
    for who in PERSONAS:
        allowed = who in {"outsider", "coordinator"}
        assert _status(persona(who), amber_url) == (200 if allowed else 404), who
    # RED: its named reader and Dominica's manager (always a reader) only.
    for who in PERSONAS:
        assert _status(persona(who), red_url) == (200 if who == "donor" else 404), who
    assert Client().get(red_url).status_code == 404
