"""Reads of frameworks, through the access layer."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from reef.core.access import LabelledQuerySet
from reef.frameworks import formats
from reef.frameworks.models import Framework, Indicator

_PARSED: dict[tuple[int, str, str], formats.Framework] = {}


def frameworks_for(user: Any) -> LabelledQuerySet:
    return Framework.objects.for_user(user).defer("document").order_by("slug", "-created_at")


def framework_get(user: Any, slug: str, version: str | None = None) -> Framework:
    """A framework version the user may see (the latest imported when no version); else 404."""
    qs = Framework.objects.for_user(user).filter(slug=slug)
    if version:
        qs = qs.filter(release=version)
    fw: Framework | None = qs.order_by("-created_at", "-pk").first()
    if fw is None:
        raise Http404
    return fw


def framework_by_ref(user: Any, ref: str) -> Framework:
    """`SLUG` or `SLUG@VERSION`."""
    slug, _, version = ref.partition("@")
    return framework_get(user, slug.strip(), version.strip() or None)


def parsed(framework: Framework) -> formats.Framework:
    """The framework document as the pure model, parsed once per process."""
    key = (framework.pk, framework.slug, framework.release)
    cached = _PARSED.get(key)
    if cached is None:
        cached = formats.parse(framework.document, f"{framework.slug}.json")
        _PARSED[key] = cached
    return cached


def indicators_of(framework: Framework) -> Any:
    return Indicator.objects.filter(framework=framework).order_by("position")


def framework_document(ref: str) -> formats.Framework | None:
    """The parsed framework named by `SLUG[@VERSION]` (the latest version without one), or
    None. Framework texts are reference data: a record that carries a key may show its name."""
    slug, _sep, release = ref.partition("@")
    found = Framework.objects.filter(slug=slug.strip())
    if release.strip():
        found = found.filter(release=release.strip())
    record = found.order_by("-created_at", "-pk").first()
    return parsed(record) if record is not None else None


def element_text(document: formats.Framework | None, key: str, language: str) -> str:
    """The name of a dimension, factor, aspect or pillar, or an indicator's statement, in
    `language`; the key itself when the framework does not know it."""
    item = formats.element(document, key) if document is not None and key else None
    if item is None:
        return key
    field = "text" if isinstance(item, formats.Indicator) else "name"
    return formats.localized(item, field, language) or key
