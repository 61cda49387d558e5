"""Browser test, persona task (b): a donor finds an unfunded need in Grenada by the
country's name, commits to it, and finds the commitment in "my commitments"; in English
and Spanish (asserted on page structure and URLs, not on wording)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from reef.core.tlp import TLP
from reef.directory.models import Country
from reef.hub.tests.world import area, grenada
from reef.planning.models import Commitment, Need, Plan
from tests_support.browser import browser_page, chromium_available, screenshot, sign_in
from tests_support.world import PERSONAS, ensure_world, persona

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed"),
]

#: Grenada's name as the country filter shows it to the reader.
GRENADA = {"en": "Grenada", "es": "Granada"}


def _barbados_need() -> Need:
    """An unfunded need elsewhere, which the country filter must leave out."""
    bb = Country.objects.get(code="BB")
    own = {"tlp": TLP.GREEN, "owner_country": bb}
    plan = Plan.objects.create(
        kind=Plan.Kind.NATIONAL, title="Barbados plan", cycle="2026-2028", country=bb, **own
    )
    need: Need = Need.objects.create(
        plan=plan,
        country=bb,
        area=area(),
        title="Barbados SOC analysts",
        cost_amount=Decimal(70000),
        published_at=timezone.now(),
        **own,
    )
    return need


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_donor_finds_an_unfunded_need_in_grenada_and_commits(
    live_server: Any, language: str
) -> None:
    ensure_world()
    users = {name: persona(name) for name in PERSONAS}
    world = grenada(users, tlp=TLP.GREEN)  # one unfunded need, one funded
    elsewhere = _barbados_need()
    donor = users["donor"]
    donor.language = language
    donor.save(update_fields=["language"])
    base = live_server.url
    with browser_page() as page:
        sign_in(page, base, donor)
        page.goto(f"{base}/planning/needs/")
        assert page.locator("html").get_attribute("lang") == language
        filters = page.locator("form.filters")
        filters.locator("select[name=country]").select_option(label=GRENADA[language])
        filters.locator("select[name=funding]").select_option("unfunded")
        filters.locator("button[type=submit]").click()
        page.wait_for_url("**/planning/needs/?*country=GD*funding=unfunded*")
        listed = page.locator("table a[href^='/planning/needs/']")
        hrefs = [listed.nth(i).get_attribute("href") for i in range(listed.count())]
        assert hrefs == [f"/planning/needs/{world.need.pk}/"]
        assert f"/planning/needs/{world.funded.pk}/" not in hrefs
        assert f"/planning/needs/{elsewhere.pk}/" not in hrefs
        screenshot(page, f"donor-unfunded-needs-grenada-{language}")
        listed.first.click()
        page.wait_for_url(f"**/planning/needs/{world.need.pk}/")
        offer = page.locator(f"form[action='/planning/needs/{world.need.pk}/offer/']")
        offer.locator("select[name=organisation]").select_option("oas")
        offer.locator("select[name=kind]").select_option("money")
        offer.locator("input[name=amount]").fill("45000")
        offer.locator("textarea[name=description]").fill("Two incident handlers for a year")
        offer.locator("button[type=submit]").click()
        page.wait_for_url("**/planning/commitments/*/")
        commitment = Commitment.objects.get(
            need=world.need, description="Two incident handlers for a year"
        )
        assert commitment.status == Commitment.Status.OFFERED
        assert commitment.amount == Decimal(45000)
        # It is in "my commitments", linked from the needs page.
        page.goto(f"{base}/planning/needs/")
        page.locator("main a[href='/planning/my-commitments/']").click()
        page.wait_for_url("**/planning/my-commitments/")
        row = page.locator(
            "tr", has=page.locator(f"a[href='/planning/commitments/{commitment.pk}/']")
        )
        assert row.count() == 1
        assert row.locator(f"a[href='/planning/needs/{world.need.pk}/']").count() == 1
        assert "45" in row.inner_text() and "USD" in row.inner_text()
        screenshot(page, f"donor-my-commitments-{language}")
