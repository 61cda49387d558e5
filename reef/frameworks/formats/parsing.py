"""From a valid document to a :class:`Framework`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reef.frameworks.formats.model import (
    Aspect,
    Dimension,
    Factor,
    Framework,
    Indicator,
    Pillar,
    Stage,
    Tier,
)
from reef.frameworks.formats.validation import FrameworkFormatError, validate


def _extra(obj: Mapping[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in known}


_IND_STAGED = ("key", "stage", "text")
_IND_SCORED = ("key", "points", "weight", "text")


def _staged_indicator(d: Mapping[str, Any]) -> Indicator:
    return Indicator(key=d["key"], text=d["text"], stage=d["stage"], extra=_extra(d, _IND_STAGED))


def _factor(f: Mapping[str, Any]) -> Factor:
    if "aspects" in f:
        aspects = tuple(
            Aspect(
                key=a["key"],
                name=a["name"],
                indicators=tuple(_staged_indicator(i) for i in a["indicators"]),
                extra=_extra(a, ("key", "name", "indicators")),
            )
            for a in f["aspects"]
        )
    else:
        # Indicators straight under the factor: one aspect, the factor itself.
        aspects = (
            Aspect(
                key=f["key"],
                name=f["name"],
                indicators=tuple(_staged_indicator(i) for i in f["indicators"]),
                implicit=True,
            ),
        )
    return Factor(f["key"], f["name"], aspects, _extra(f, ("key", "name", "aspects", "indicators")))


def _staged(data: Mapping[str, Any], filename: str, top: dict[str, Any]) -> Framework:
    stages = tuple(
        sorted(
            (Stage(s["level"], s["name"], _extra(s, ("level", "name"))) for s in data["stages"]),
            key=lambda s: s.level,
        )
    )
    dims = tuple(
        Dimension(
            d["key"],
            d["name"],
            tuple(_factor(f) for f in d["factors"]),
            _extra(d, ("key", "name", "factors")),
        )
        for d in data["dimensions"]
    )
    return Framework(
        slug=data["slug"],
        version=data["version"],
        name=data["name"],
        kind="staged",
        stages=stages,
        dimensions=dims,
        extra=top,
        filename=filename,
    )


def _scored(data: Mapping[str, Any], filename: str, top: dict[str, Any]) -> Framework:
    tiers = tuple(
        sorted(
            (
                Tier(t["tier"], t["name"], t["min"], _extra(t, ("tier", "name", "min")))
                for t in data["tiers"]
            ),
            key=lambda t: t.tier,
        )
    )
    pillars = tuple(
        Pillar(
            key=p["key"],
            name=p["name"],
            max=p["max"],
            indicators=tuple(
                Indicator(
                    key=i["key"],
                    text=i["text"],
                    points=i["points"],
                    weight=i["weight"],
                    extra=_extra(i, _IND_SCORED),
                )
                for i in p["indicators"]
            ),
            extra=_extra(p, ("key", "name", "max", "indicators")),
        )
        for p in data["pillars"]
    )
    return Framework(
        slug=data["slug"],
        version=data["version"],
        name=data["name"],
        kind="scored",
        tiers=tiers,
        pillars=pillars,
        extra=top,
        filename=filename,
    )


def parse(data: Any, filename: str = "<data>") -> Framework:
    """Validate a decoded document (dict) and build a :class:`Framework`.

    Raises :class:`FrameworkFormatError` listing every problem found.
    """
    problems = validate(data, filename)
    if problems:
        raise FrameworkFormatError.from_problems(problems)
    top = _extra(
        data, ("slug", "version", "name", "kind", "stages", "dimensions", "tiers", "pillars")
    )
    build = _staged if data["kind"] == "staged" else _scored
    return build(data, filename, top)
