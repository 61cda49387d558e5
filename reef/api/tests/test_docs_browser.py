"""Browser test: /api/v1/docs renders the vendored Swagger UI under the real CSP."""

from __future__ import annotations

from typing import Any

import pytest

from tests_support.browser import browser_page, chromium_available, screenshot

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
            # Swagger UI draws only the operations near the viewport (a virtualised list),
            # so the test scrolls to the end and collects every operation it has seen.
            schema = page.request.get(f"{live_server.url}/api/v1/openapi.json").json()
            expected = {
                op["operationId"]
                for item in schema["paths"].values()
                for op in item.values()
                if isinstance(op, dict) and "operationId" in op
            }
            seen: set[str] = set()
            links = page.locator(".swagger-ui .opblock-summary a.nostyle")
            for _ in range(400):
                before = len(seen)
                seen.update(
                    href.rsplit("/", 1)[-1]
                    for href in links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
                    if href
                )
                if seen >= expected:
                    break
                page.mouse.wheel(0, 900)
                page.wait_for_timeout(50 if len(seen) > before else 250)
            assert len(expected) > 100
            assert expected - seen == set(), sorted(expected - seen)[:20]
            screenshot(page, "api-docs")
        except Exception:
            screenshot(page, "api-docs-failure")
            raise
        assert not [p for p in problems if "Content Security Policy" in p], problems
        assert problems == []
        assert requests and all(url.startswith(live_server.url) for url in requests), requests
