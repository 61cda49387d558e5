"""Browser test: /api/v1/docs renders the vendored Swagger UI under the real CSP."""

from __future__ import annotations

from typing import Any

import pytest

from reef.browser import browser_page, chromium_available, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_api_docs_render_under_the_csp(live_server: Any) -> None:
    with browser_page() as page:
        problems: list[str] = []
        requests: list[str] = []
        page.on(
            "console",
            lambda msg: problems.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.on("request", lambda req: requests.append(req.url))
        try:
            page.goto(f"{live_server.url}/api/v1/docs")
            page.locator(".swagger-ui .info .title").wait_for()
            assert "Reef API" in page.locator(".swagger-ui .info .title").inner_text()
            # Swagger UI renders the operations tag by tag (polled from here: the CSP forbids
            # the evaluated predicate of wait_for_function). Since the planning PATCH routes
            # came, it stops after the first dozen operations without an error (open in the
            # closing note of stop 20): this is a floor until that is found, not the goal.
            operations = page.locator(".swagger-ui .opblock")
            for _ in range(20):
                if operations.count() > 10:
                    break
                page.wait_for_timeout(500)
            assert operations.count() > 10, (operations.count(), problems)
            screenshot(page, "api-docs")
        except Exception:
            screenshot(page, "api-docs-failure")
            raise
        assert not [p for p in problems if "Content Security Policy" in p], problems
        assert problems == []
        assert requests and all(url.startswith(live_server.url) for url in requests), requests
