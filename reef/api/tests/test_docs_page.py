"""The API docs page works under the CSP: vendored Swagger UI, same-origin assets only."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("src", "href"):
            if found.get(name) and tag in {"script", "link", "img", "iframe"}:
                self.urls.append(str(found[name]))
        if tag == "script":
            self._in_script = found

    def handle_data(self, data: str) -> None:
        script = self._in_script
        if (
            script is not None
            and not script.get("src")
            and data.strip()
            and script.get("type") != "application/json"
        ):
            self.inline_scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "focal_point"])
def test_api_docs_page_uses_only_same_origin_assets(who: str, clients: dict[str, Any]) -> None:
    response = clients[who].get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    parser = _Assets()
    parser.feed(html)
    assert parser.urls, "the page loads Swagger UI"
    for url in parser.urls:
        if url == "data:,":  # the empty icon: no request at all
            continue
        assert url.startswith("/") and not url.startswith("//"), url
        if url.startswith(settings.STATIC_URL):
            assert finders.find(url.removeprefix(settings.STATIC_URL)), url
    assert any(u.endswith("vendor/swagger-ui/swagger-ui-bundle.js") for u in parser.urls)
    assert any(u.endswith("reef/api-docs.js") for u in parser.urls)
    # No inline script: the CSP (script-src 'self' + nonce) need not change.
    assert parser.inline_scripts == []
    # Over the addresses the page loads, not the whole page: the CSRF token in it is random
    # text and held "CdN" once.
    assert not re.search(r"cdn|unpkg|jsdelivr", " ".join(parser.urls), re.IGNORECASE)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    # The settings it reads point to this server's schema.
    assert '"url": "/api/v1/openapi.json"' in html


def test_vendored_swagger_ui_calls_no_third_party_at_start() -> None:
    init = finders.find("reef/api-docs.js")
    assert init is not None
    with open(init, encoding="utf-8") as handle:
        assert "validatorUrl = null" in handle.read()


def test_openapi_schema_answers(client: Client) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 200
