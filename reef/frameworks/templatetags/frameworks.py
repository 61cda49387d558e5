"""`{% load frameworks %}`: framework keys shown as their names in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from reef.frameworks import formats
from reef.frameworks.models import Framework
from reef.frameworks.selectors import element_text, framework_document, shown

register = template.Library()


def _document(context: template.Context, ref: str) -> formats.Framework | None:
    # One query per framework and page, however many keys the page shows.
    render_context: Any = context.render_context
    memo: dict[str, Any] = render_context.setdefault("framework_documents", {})
    if ref not in memo:
        memo[ref] = framework_document(ref) if ref else None
    document: formats.Framework | None = memo[ref]
    return document


@register.simple_tag(takes_context=True)
def framework_text(context: template.Context, ref: str, key: str) -> str:
    """`{% framework_text need.framework need.factor_key %}`: the element's name (an
    indicator's statement), or the key when the framework does not know it."""
    return element_text(_document(context, str(ref or "")), str(key or ""), get_language() or "en")


@register.simple_tag(takes_context=True)
def factor_text(context: template.Context, frameworks: dict[str, str], key: str) -> str:
    """`{% factor_text themes.factor_frameworks key %}`: as framework_text, for keys that may
    come from different frameworks (`frameworks` maps each key to its framework)."""
    return framework_text(context, frameworks.get(key, ""), key)


@register.simple_tag
def framework_name(framework: Framework) -> str:
    """`{% framework_name assessment.framework %}`: the framework's name in the reader's
    language (the stored name when the file carries no translation)."""
    return shown(framework).name
