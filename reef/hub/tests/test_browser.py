"""Browser test: the home and the country hub as the focal point and the donor, at a
desktop width and on a 390 px phone, in English and Spanish; no sideways scroll."""

from __future__ import annotations

from typing import Any

import pytest

from reef.core.tlp import TLP
from reef.hub.tests.world import grenada
from tests_support.browser import browser_page, chromium_available, screenshot, sign_in
from tests_support.world import PERSONAS, ensure_world, persona

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed"),
]

WIDTHS = (1366, 390)


def _overflow(page: Any) -> int:
    overflow: int = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return overflow


@pytest.mark.django_db(transaction=True)
def test_home_and_country_hub_fit_a_phone_in_english_and_spanish(live_server: Any) -> None:
    ensure_world()
    users = {name: persona(name) for name in PERSONAS}
    grenada(users, tlp=TLP.GREEN)
    base = live_server.url
    failures = []
    with browser_page() as page:
        for language in ("en", "es"):
            for who in ("focal_point", "coordinator", "donor", "public"):
                user = users[who]
                user.language = language
                user.save(update_fields=["language"])
                page.context.clear_cookies()
                sign_in(page, base, user)
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    for name, path in (("home", "/"), ("country", "/hub/countries/GD/")):
                        page.goto(f"{base}{path}")
                        assert page.locator("html").get_attribute("lang") == language
                        screenshot(page, f"hub-{name}-{who}-{language}-{width}")
                        if (extra := _overflow(page)) > 0:
                            failures.append(f"{path} as {who} in {language} at {width}: {extra}px")
    assert not failures, failures
