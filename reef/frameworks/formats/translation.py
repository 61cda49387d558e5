"""Texts in other languages: an item's name or statement by key and language, and a
translated copy of a whole framework."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from reef.frameworks.formats.model import Aspect, Dimension, Factor, Framework, Indicator, Pillar

Element = Dimension | Factor | Aspect | Pillar | Indicator


def element(fw: Framework, key: str) -> Element | None:
    """The dimension, factor, aspect, pillar or indicator with this key (keys are unique)."""
    for d in fw.dimensions:
        if d.key == key:
            return d
        for f in d.factors:
            if f.key == key:
                return f
            for a in f.aspects:
                if a.key == key and not a.implicit:
                    return a
    for p in fw.pillars:
        if p.key == key:
            return p
    for i in fw.indicators:
        if i.key == key:
            return i
    return None


def _code(language: str) -> str:
    # "pt_BR", "pt-BR" and "pt-br" are one language.
    return language.strip().lower().replace("_", "-")


def _translation(extra: Mapping[str, Any], field: str, language: str) -> str | None:
    """`extra["translations"][language][field]` when it is a non-empty string; "fr-ca"
    falls back to "fr". Language codes match whatever their case."""
    translations = extra.get("translations")
    if not isinstance(translations, Mapping) or not language:
        return None
    by_code = {_code(str(c)): texts for c, texts in translations.items()}
    code = _code(language)
    for candidate in dict.fromkeys((code, code.split("-")[0])):
        texts = by_code.get(candidate)
        if isinstance(texts, Mapping):
            text = texts.get(field)
            if isinstance(text, str) and text.strip():
                return text.strip()
    return None


def localized(item: Element, field: str, language: str) -> str:
    """`field` ("name" or "text") of `item` in `language` when the framework carries a
    translation (`"translations": {"fr": {"name": ...}}`, the optional field of the
    format), else as written. "fr-ca" falls back to "fr"."""
    original = str(getattr(item, field, "") or "")
    return _translation(item.extra, field, language) or original


# ------------------------------------------------------------------- translated copy


def _extra_in(extra: dict[str, Any], language: str) -> dict[str, Any]:
    # Any string field the file translates is replaced (description, guidance, tier_note...).
    translations = extra.get("translations")
    if not isinstance(translations, Mapping):
        return extra
    out = dict(extra)
    for name, value in extra.items():
        if name != "translations" and isinstance(value, str):
            out[name] = _translation(extra, name, language) or value
    return out


def _has_language(fw: Framework, language: str) -> bool:
    items: list[Any] = [fw, *fw.stages, *fw.tiers, *fw.dimensions, *fw.pillars]
    items += [*fw.factors, *fw.aspects, *fw.indicators]
    for item in items:
        translations = item.extra.get("translations")
        if isinstance(translations, Mapping) and translations:
            codes = {_code(str(c)) for c in translations}
            code = _code(language)
            if code in codes or code.split("-")[0] in codes:
                return True
    return False


def _name_in(item: Any, language: str) -> str:
    return _translation(item.extra, "name", language) or str(item.name)


def _indicator_in(i: Indicator, language: str) -> Indicator:
    text = _translation(i.extra, "text", language) or i.text
    return replace(i, text=text, extra=_extra_in(i.extra, language))


def _aspect_in(a: Aspect, factor: Factor, language: str) -> Aspect:
    # An implicit aspect is the factor itself: it shows the factor's name.
    source = factor if a.implicit else a
    return replace(
        a,
        name=_name_in(source, language),
        indicators=tuple(_indicator_in(i, language) for i in a.indicators),
        extra=_extra_in(a.extra, language),
    )


def _factor_in(f: Factor, language: str) -> Factor:
    return replace(
        f,
        name=_name_in(f, language),
        aspects=tuple(_aspect_in(a, f, language) for a in f.aspects),
        extra=_extra_in(f.extra, language),
    )


def translated(fw: Framework, language: str | None) -> Framework:
    """A copy of `fw` whose names, indicator statements and string fields of `extra`
    (description, guidance, ...) are in `language` wherever the file carries a
    translation (the optional `translations` field of every item), and as written
    elsewhere. Keys, stages, points, weights and cut-offs are the same. `fw` itself when
    there is nothing to translate. A copy is for reading: `to_data` refuses it."""
    if not language or fw.language or not _has_language(fw, language):
        return fw

    def name(item: Any) -> str:
        return _name_in(item, language)

    return replace(
        fw,
        name=name(fw),
        stages=tuple(
            replace(s, name=name(s), extra=_extra_in(s.extra, language)) for s in fw.stages
        ),
        dimensions=tuple(
            replace(
                d,
                name=name(d),
                factors=tuple(_factor_in(f, language) for f in d.factors),
                extra=_extra_in(d.extra, language),
            )
            for d in fw.dimensions
        ),
        tiers=tuple(replace(t, name=name(t), extra=_extra_in(t.extra, language)) for t in fw.tiers),
        pillars=tuple(
            replace(
                p,
                name=name(p),
                indicators=tuple(_indicator_in(i, language) for i in p.indicators),
                extra=_extra_in(p.extra, language),
            )
            for p in fw.pillars
        ),
        extra=_extra_in(fw.extra, language),
        cache={},
        language=_code(language),
    )
