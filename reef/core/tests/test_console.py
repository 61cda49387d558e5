"""A clean browser console: no inline style for the CSP to refuse, a favicon for every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client

FAVICON = "reef/favicon.svg"


@pytest.mark.django_db
def test_htmx_is_told_not_to_inject_its_indicator_style(client: Client) -> None:
    page = client.get("/").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in page
    # The CSP allows styles only from our own files: the indicator style must be in one.
    assert "unsafe-inline" not in str(settings.SECURE_CSP["style-src"])
    path = finders.find("reef/reef.css")
    assert path is not None
    with open(path, encoding="utf-8") as css:
        assert ".htmx-indicator { opacity: 0; }" in css.read()


@pytest.mark.django_db
def test_every_page_links_the_favicon(clients: dict[str, Client]) -> None:
    for who in ("anonymous", "focal_point"):
        page = clients[who].get("/directory/countries/").content.decode()
        assert f'<link rel="icon" href="{static(FAVICON)}" type="image/svg+xml">' in page, who


def test_the_favicon_is_an_svg_file() -> None:
    path = finders.find(FAVICON)
    assert path is not None
    with open(path, encoding="utf-8") as svg:
        assert svg.read().startswith("<svg")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "outsider", "focal_point"])
def test_favicon_ico_is_not_missing(clients: dict[str, Any], who: str) -> None:
    response = clients[who].get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static(FAVICON)
    # The test server serves no static files; the file itself is checked above.
