"""Browser test: a country manager shares an AMBER need with another country and names
the readers of a RED one; the readers see them, everyone else gets 404."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from reef.browser import browser_page, chromium_available, screenshot, sign_in
from reef.core.tlp import TLP
from reef.directory.models import Country
from reef.planning import services
from reef.planning.models import Need
from reef.testing import PERSONAS, ensure_world, persona

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed"),
]


def _status(who: str, url: str) -> int:
    client = Client()
    client.force_login(persona(who))
    return client.get(url).status_code


@pytest.mark.django_db(transaction=True)
def test_share_amber_with_a_country_and_name_red_readers(live_server: Any) -> None:
    ensure_world()
    manager = persona("focal_point")
    plan = services.plan_create(
        actor=manager,
        country=Country.objects.get(code="GD"),
        title="Grenada national plan",
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
    base = live_server.url
    with browser_page() as page:
        try:
            _flow(page, base, manager, amber, red)
        except Exception:
            screenshot(page, "sharing-failure")
            raise
    amber_url, red_url = f"/planning/needs/{amber.pk}/", f"/planning/needs/{red.pk}/"
    # The AMBER need: Grenada's members and Barbados's (shared); not the others.
    for who in PERSONAS:
        allowed = who in {"focal_point", "outsider", "coordinator"}  # coordinator: CARICOM
        assert _status(who, amber_url) == (200 if allowed else 404), who
    # The RED need: its named reader and Grenada's manager (always a reader) only.
    for who in PERSONAS:
        allowed = who in {"focal_point", "donor"}
        assert _status(who, red_url) == (200 if allowed else 404), who
    assert Client().get(red_url).status_code in (302, 404)


def _flow(page: Any, base: str, manager: Any, amber: Need, red: Need) -> None:
    sign_in(page, base, manager)
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
    # The Barbados manager, in the browser, reads the shared need but not the RED one.
    page.context.clear_cookies()
    sign_in(page, base, persona("outsider"))
    page.goto(f"{base}/planning/needs/{amber.pk}/")
    assert page.get_by_role("heading", name="Harbour CSIRT").is_visible()
    assert page.get_by_role("link", name="Sharing", exact=True).count() == 0
    response = page.goto(f"{base}/planning/needs/{red.pk}/")
    assert response is not None and response.status == 404
