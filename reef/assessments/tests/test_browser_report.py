"""Browser test (issue 15, a): a focal point finds their country's three largest gaps from
their home page, opens them, and downloads the report as PDF; in English and in Spanish.
Screenshots and the PDFs are saved as test artefacts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from reef.assessments.tests.helpers import with_gaps
from reef.assessments.tests.test_report_files import _pdf_text
from reef.hub import selectors as hub_selectors
from tests_support.browser import ARTIFACTS, browser_page, chromium_available, screenshot, sign_in
from tests_support.world import PERSONAS, ensure_world, persona

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_focal_point_finds_largest_gaps_and_downloads_the_pdf(live_server: Any) -> None:
    ensure_world()
    users = {name: persona(name) for name in PERSONAS}
    a = with_gaps(users)
    focal = users["focal_point"]
    cycle = next(c for c in hub_selectors.home_for(focal).cycles if c.country.code == "GD")
    expected = [g.key for g in cycle.gaps]
    assert len(expected) == 3
    base = live_server.url
    with browser_page() as page:
        # Selectors by structure, not words: the Spanish page words them differently.
        for language in ("en", "es"):
            focal.language = language
            focal.save(update_fields=["language"])
            page.context.clear_cookies()
            sign_in(page, base, focal)
            page.goto(f"{base}/")
            assert page.locator("html").get_attribute("lang") == language
            card = page.locator("section.hub-card", has=page.locator("#gaps-GD"))
            links = card.locator("ol.hub-gaps li a")
            assert links.count() == 3
            shown = [links.nth(i).inner_text().split(" ", 1)[0] for i in range(3)]
            assert shown == expected  # largest distance first
            screenshot(page, f"report-home-gaps-{language}")

            links.first.click()
            page.wait_for_url(re.compile(rf"/assessments/{a.pk}/results/#gap-"))
            assert page.locator(f"[id='gap-{expected[0]}']").is_visible()
            screenshot(page, f"report-largest-gap-{language}")

            page.goto(f"{base}/")
            card = page.locator("section.hub-card", has=page.locator("#gaps-GD"))
            card.locator(f'a[href="/assessments/{a.pk}/report/"]').click()
            page.wait_for_url(re.compile(rf"/assessments/{a.pk}/report/"))
            page.locator("#download-pdf form button[type=submit]").click()
            download_link = page.locator("#download-pdf a.button")
            download_link.wait_for()
            screenshot(page, f"report-ready-{language}")
            with page.expect_download() as info:
                download_link.click()
            target = ARTIFACTS / f"report-{language}.pdf"
            info.value.save_as(str(target))
            pdf = target.read_bytes()
            assert pdf.startswith(b"%PDF")
            assert re.search(rf"/Lang\s*\({language}\)".encode(), _pdf_text(pdf))
