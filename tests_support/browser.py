"""Playwright driving Debian's Chromium, for browser tests (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

CHROMIUM: str = settings.REEF_CHROMIUM
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


@contextmanager
def browser_page(
    *, width: int = 1280, height: int = 900, bypass_csp: bool = False, java_script: bool = True
) -> Iterator[Any]:
    """A page of a fresh headless Chromium. `bypass_csp` only for tests that inject their own
    script (axe-core): the site's Content Security Policy would block it, as it should.
    `java_script=False` for what must work without scripts."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django's async-safety check must allow ORM
    # calls made by the test itself in the same thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(
                viewport={"width": width, "height": height},
                bypass_csp=bypass_csp,
                java_script_enabled=java_script,
            )
            page = context.new_page()
            page.set_default_timeout(45_000)
            page.set_default_navigation_timeout(60_000)
            yield page
        finally:
            browser.close()


def screenshot(page: Any, name: str) -> Path:
    """Save the page as a test artefact. Chromium sometimes cannot capture a whole tall page
    ("Unable to capture screenshot"): then the visible part is saved instead. A screenshot is
    evidence, not an assertion: when even that fails, the test's own outcome stands."""
    from playwright.sync_api import Error as PlaywrightError

    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    for full_page in (True, False):
        try:
            page.screenshot(path=str(path), full_page=full_page)
            return path
        except PlaywrightError:
            continue
    return path


def sign_in(page: Any, live_server_url: str, user: Any) -> None:
    """Put a signed-in session for `user` into the browser (sign-in itself is tested apart)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server_url}]
    )
