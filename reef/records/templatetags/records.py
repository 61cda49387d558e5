"""`{% load records %}{% public_record %}`: the public record on the home page."""

from __future__ import annotations

from typing import Any

from django import template

from reef.records import selectors

register = template.Library()


@register.inclusion_tag("records/_home_record.html")
def public_record(limit: int = 3) -> dict[str, Any]:
    """The latest public items only (TLP:CLEAR and published), whoever is reading."""
    return {
        "record_upcoming": list(selectors.upcoming_public_events()[:limit]),
        "record_events": list(selectors.public_events()[:limit]),
        "record_publications": list(selectors.public_publications()[:limit]),
    }
