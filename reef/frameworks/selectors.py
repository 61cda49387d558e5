"""Reads of frameworks, through the access layer."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils.translation import get_language

from reef.core.access import LabelledQuerySet
from reef.frameworks import formats
from reef.frameworks.models import Framework, Indicator

# (pk, slug, release, record version, last change, language) -> parsed framework. The record
# changes when its translations are refreshed in place (services.framework_import); the time
# also tells apart a record imported again under a reused pk.
_PARSED: dict[tuple[int, str, str, int, str, str], formats.Framework] = {}


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


def parsed(framework: Framework, language: str | None = None) -> formats.Framework:
    """The framework document as the pure model, parsed once per process.

    Without `language`, the texts as written (what scoring, exports and the API use);
    with one (pages and reports pass `get_language()`), a copy in that language wherever
    the file carries a translation (`formats.translated`), made once per language.
    """
    code = (language or "").lower()
    changed = f"{framework.created_at}/{framework.updated_at}"
    key = (framework.pk, framework.slug, framework.release, framework.version, changed, code)
    cached = _PARSED.get(key)
    if cached is None:
        if code:
            cached = formats.translated(parsed(framework), code)
        else:
            cached = formats.parse(framework.document, f"{framework.slug}.json")
        _PARSED[key] = cached
    return cached


def shown(framework: Framework) -> formats.Framework:
    """The framework in the active language: what pages and reports show."""
    return parsed(framework, get_language() or settings.LANGUAGE_CODE)


def indicator_texts(document: formats.Framework) -> dict[str, str]:
    """Indicator key -> statement of a parsed (possibly translated) framework."""
    texts: dict[str, str] | None = document.cache.get("indicator_texts")
    if texts is None:
        texts = {i.key: i.text for i in document.indicators}
        document.cache["indicator_texts"] = texts
    return texts


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
