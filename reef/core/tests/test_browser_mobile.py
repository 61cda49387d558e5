"""Browser test: the key pages on a 390 px phone do not scroll sideways, and axe-core finds
no serious or critical accessibility violation on them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests_support.browser import browser_page, chromium_available, screenshot, sign_in
from tests_support.world import ensure_world, persona

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed"),
]

PHONE = (390, 844)
# Vendored for the tests only: see static/vendor/axe-core/README.md.
AXE = Path(__file__).resolve().parents[3] / "static" / "vendor" / "axe-core" / "axe.min.js"
# The demo apps the key pages show (the directory and the people come from ensure_world).
DEMO_APPS = ["frameworks", "assessments", "planning", "consultations", "records"]

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""

# The widest element, to name what pushes the page sideways.
WIDEST = """() => {
  let widest = null, right = 0;
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect().right;
    if (r > right + 0.5) { right = r; widest = el; }
  }
  if (!widest) return "";
  const id = widest.id ? "#" + widest.id : "";
  const cls = widest.className && typeof widest.className === "string"
    ? "." + widest.className.trim().split(/\\s+/).join(".") : "";
  return `${widest.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(right)} px)`;
}"""


def _key_pages() -> list[tuple[str, str, str]]:
    """(name, persona, path) of the pages a person uses most."""
    from reef.assessments.models import Assessment
    from reef.consultations.models import Consultation
    from reef.planning.models import Plan

    assessment = (
        Assessment.objects.filter(country__code="GD", status="complete").order_by("-pk").first()
    )
    plan = Plan.objects.filter(country__code="GD", kind="national").order_by("-pk").first()
    consultation = Consultation.objects.order_by("pk").first()
    assert assessment and plan and consultation
    return [
        ("home", "focal_point", "/"),
        ("country-hub", "focal_point", "/hub/countries/GD/"),
        ("assessment-results", "focal_point", f"/assessments/{assessment.pk}/results/"),
        ("plan", "focal_point", f"/planning/plans/{plan.pk}/"),
        ("needs", "donor", "/planning/needs/"),
        ("consultation-vote", "expert", f"/consultations/{consultation.pk}/vote/"),
        ("public-record", "public", "/records/"),
        ("search", "public", "/records/search/?q=strategy"),
        ("people", "coordinator", "/people/"),
    ]


def _load_demo() -> None:
    import importlib

    ensure_world()
    for app in DEMO_APPS:
        importlib.import_module(f"reef.{app}.demo").load(lambda _line: None)


@pytest.mark.django_db(transaction=True)
def test_key_pages_fit_a_phone_and_pass_axe(live_server: Any) -> None:
    _load_demo()
    pages = _key_pages()
    problems: list[str] = []
    with browser_page(width=PHONE[0], height=PHONE[1], bypass_csp=True) as page:
        signed_in = ""
        for name, who, path in pages:
            if who != signed_in:
                page.context.clear_cookies()
                sign_in(page, live_server.url, persona(who))
                signed_in = who
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, (name, path)
            page.wait_for_load_state("networkidle")
            screenshot(page, f"mobile-{name}")
            problems += _sideways(page, name)
            problems += _axe(page, name)
    assert not problems, "\n".join(problems)


def _sideways(page: Any, name: str) -> list[str]:
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= PHONE[0]:
        return []
    return [f"{name}: {width} px wide at {PHONE[0]} px; widest: {page.evaluate(WIDEST)}"]


def _axe(page: Any, name: str) -> list[str]:
    page.add_script_tag(path=str(AXE))
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN)
    return [
        f"{name}: axe {v['impact']} {v['id']} ({v['help']}): {', '.join(v['targets'])}"
        for v in violations
    ]


@pytest.mark.django_db(transaction=True)
def test_the_menu_folds_behind_its_button_on_a_phone_only(live_server: Any) -> None:
    ensure_world()
    with browser_page(width=PHONE[0], height=PHONE[1]) as page:
        sign_in(page, live_server.url, persona("coordinator"))
        page.goto(f"{live_server.url}/")
        toggle = page.locator("header.site .menu-toggle")
        menu = page.locator("#site-menu")
        people = page.locator("header.site a", has_text="People")
        # Folded: the page starts near the top of the screen, the menu one press away.
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert not people.is_visible()
        assert page.locator("main h1").bounding_box()["y"] < 250
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert people.is_visible() and menu.locator("input[name=q]").is_visible()
        screenshot(page, "mobile-menu-open")
        page.keyboard.press("Escape")
        assert not people.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        # On a wide screen every link shows and there is no button.
        page.set_viewport_size({"width": 1366, "height": 900})
        assert people.is_visible() and not toggle.is_visible()
    # Without JavaScript nothing is folded.
    with browser_page(width=PHONE[0], height=PHONE[1], java_script=False) as page:
        page.goto(f"{live_server.url}/")
        assert not page.locator("header.site .menu-toggle").is_visible()
        assert page.locator("header.site a", has_text="Public record").is_visible()
