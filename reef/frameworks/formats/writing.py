"""Writing a framework back as a plain document, JSON or YAML."""

from __future__ import annotations

import json
from typing import Any, Literal

import yaml

from reef.frameworks.formats.model import Framework, Indicator


def _indicator_data(i: Indicator) -> dict[str, Any]:
    if i.stage is not None:
        return {"key": i.key, "stage": i.stage, "text": i.text, **i.extra}
    return {"key": i.key, "points": i.points, "weight": i.weight, "text": i.text, **i.extra}


def to_data(fw: Framework) -> dict[str, Any]:
    """The framework as a plain document (known fields first, extra fields kept)."""
    if fw.language:
        # A translated copy would write its translations over the original texts.
        raise ValueError(f"{fw.slug}: a copy translated to {fw.language!r} cannot be dumped")
    out: dict[str, Any] = {"slug": fw.slug, "version": fw.version, "name": fw.name, "kind": fw.kind}
    # Extras go before the long lists so a human reading the file sees them first.
    out.update(fw.extra)
    if fw.kind == "staged":
        out["stages"] = [{"level": s.level, "name": s.name, **s.extra} for s in fw.stages]
        dims = []
        for d in fw.dimensions:
            factors = []
            for f in d.factors:
                fd: dict[str, Any] = {"key": f.key, "name": f.name, **f.extra}
                if f.direct:
                    fd["indicators"] = [_indicator_data(i) for i in f.aspects[0].indicators]
                else:
                    fd["aspects"] = [
                        {
                            "key": a.key,
                            "name": a.name,
                            **a.extra,
                            "indicators": [_indicator_data(i) for i in a.indicators],
                        }
                        for a in f.aspects
                    ]
                factors.append(fd)
            dims.append({"key": d.key, "name": d.name, **d.extra, "factors": factors})
        out["dimensions"] = dims
    else:
        out["tiers"] = [{"tier": t.tier, "name": t.name, "min": t.min, **t.extra} for t in fw.tiers]
        out["pillars"] = [
            {
                "key": p.key,
                "name": p.name,
                "max": p.max,
                **p.extra,
                "indicators": [_indicator_data(i) for i in p.indicators],
            }
            for p in fw.pillars
        ]
    return out


def dump(fw: Framework, fmt: Literal["json", "yaml"] = "json") -> str:
    """Serialise a framework as JSON (2-space indent) or YAML (block style)."""
    data = to_data(fw)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    raise ValueError(f"unknown format {fmt!r}: use 'json' or 'yaml'")
