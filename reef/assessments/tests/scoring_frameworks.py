"""Small frameworks the scoring tests score, and shortcuts to score them."""

from __future__ import annotations

from typing import Any

from reef.assessments import scoring
from reef.assessments.scoring import score
from reef.frameworks import formats
from reef.frameworks.formats import Framework, load, parse

EXAMPLES = formats.SHIPPED_DIR.parent / "examples"


def staged_framework() -> Framework:
    """Aspect A: two indicators per stage 2..5; aspect B (direct factor): one per stage."""
    inds = [
        {"key": f"A.{s}.{n}", "stage": s, "text": f"Indicator {s}.{n}."}
        for s in (2, 3, 4, 5)
        for n in (1, 2)
    ]
    doc: dict[str, Any] = {
        "slug": "t",
        "version": "1",
        "name": "Test",
        "kind": "staged",
        "stages": [{"level": i, "name": f"S{i}"} for i in range(1, 6)],
        "dimensions": [
            {
                "key": "D",
                "name": "Dim",
                "factors": [
                    {
                        "key": "F",
                        "name": "Factor",
                        "aspects": [{"key": "A", "name": "Aspect A", "indicators": inds}],
                    },
                    {
                        "key": "B",
                        "name": "Factor B",
                        "indicators": [
                            {"key": f"B.{s}", "stage": s, "text": f"B {s}."} for s in (2, 3, 4, 5)
                        ],
                    },
                ],
            },
            {
                "key": "E",
                "name": "Dim E",
                "factors": [
                    {
                        "key": "G",
                        "name": "Factor G",
                        "indicators": [{"key": "G.2", "stage": 2, "text": "G 2."}],
                    }
                ],
            },
        ],
    }
    return parse(doc, "t.json")


STAGED = staged_framework()
A_KEYS = [i.key for i in STAGED.dimensions[0].factors[0].aspects[0].indicators]


def decided(values: dict[str, str], **kwargs: Any) -> scoring.Result:
    """Score with every value given as a decision (no individual ratings)."""
    return score(STAGED, [], values, **kwargs)


def aspect(result: scoring.Result, key: str) -> scoring.AspectResult:
    return next(a for a in result.aspects if a.key == key)


SCORED = load(EXAMPLES / "scored-example.json")
