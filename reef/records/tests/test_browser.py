"""Browser tests: switch to Spanish and read an event page; find a publication by search."""

from __future__ import annotations

from typing import Any

import pytest

from reef.core.rules import DEMO
from reef.records import services
from reef.records.tests.conftest import make_event, make_publication
from tests_support.browser import browser_page, chromium_available, screenshot
from tests_support.world import ensure_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_switch_to_spanish_and_read_an_event(live_server: Any) -> None:
    ensure_world()
    event = make_event(slug="csmii", title="Caribbean Stakeholders' Meeting II")
    services.event_set_translation(
        actor=DEMO,
        event=event,
        language="es",
        title="Segunda Reunión de Partes Interesadas del Caribe",
        report="La reunión elaboró un plan de acción regional.",
    )
    with browser_page() as page:
        page.goto(f"{live_server.url}/records/events/csmii/")
        assert page.get_by_role("heading", name="Caribbean Stakeholders' Meeting II").is_visible()
        page.get_by_label("Language").select_option("es")
        page.wait_for_url("**/records/events/csmii/")
        page.get_by_role(
            "heading", name="Segunda Reunión de Partes Interesadas del Caribe"
        ).wait_for()
        assert page.get_by_text("La reunión elaboró un plan de acción regional.").is_visible()
        assert page.locator("html").get_attribute("lang") == "es"
        screenshot(page, "event-in-spanish")


@pytest.mark.django_db(transaction=True)
def test_find_a_publication_by_search(live_server: Any) -> None:
    ensure_world()
    make_publication(slug="hygiene", title="Cyber hygiene for small businesses")
    make_publication(slug="hidden-draft", title="Cyber hygiene draft", publish=False)
    with browser_page() as page:
        page.goto(f"{live_server.url}/records/search/")
        page.get_by_role("searchbox").or_(page.get_by_label("Search")).first.fill("hygiene")
        page.keyboard.press("Enter")
        link = page.get_by_role("link", name="Cyber hygiene for small businesses")
        link.wait_for()
        assert page.get_by_text("Cyber hygiene draft").count() == 0
        screenshot(page, "search-results")
        link.click()
        page.wait_for_url("**/records/publications/hygiene/")


@pytest.mark.django_db(transaction=True)
def test_editor_builds_the_agenda_and_records_an_outcome(live_server: Any) -> None:
    from tests_support.browser import sign_in
    from tests_support.world import persona

    ensure_world()
    make_event(slug="csmii", title="Caribbean Stakeholders' Meeting II")
    with browser_page() as page:
        sign_in(page, live_server.url, persona("focal_point"))
        page.goto(f"{live_server.url}/records/events/csmii/")
        page.get_by_role("link", name="Add a participant").click()
        page.get_by_label("Name", exact=False).first.fill("Ana Joseph")
        page.get_by_label("Sector").select_option("government")
        page.get_by_label("Role").select_option("speaker")
        page.get_by_label("The participant agreed to be named in the public record").check()
        page.get_by_role("button", name="Save").click()
        page.wait_for_url("**/records/events/csmii/")
        page.get_by_role("link", name="Add a session").click()
        page.get_by_label("Title", exact=False).first.fill("Regional incident response")
        page.get_by_label("Speakers").select_option(label="Ana Joseph")
        page.get_by_role("button", name="Save").click()
        page.wait_for_url("**/records/events/csmii/")
        page.get_by_role("link", name="Record an outcome").click()
        page.get_by_label("Outcome", exact=False).first.fill("A regional CSIRT network was agreed.")
        page.get_by_role("button", name="Save").click()
        page.wait_for_url("**/records/events/csmii/")
        for text in ("Regional incident response", "Ana Joseph", "A regional CSIRT network"):
            assert page.get_by_text(text).first.is_visible()
        screenshot(page, "event-agenda-built-by-editor")
