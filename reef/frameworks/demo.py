"""Demo frameworks: the two frameworks shipped with Reef."""

from __future__ import annotations

import json
from collections.abc import Callable

from reef.core.rules import DEMO
from reef.frameworks import formats, services
from reef.frameworks.models import Framework


def load(say: Callable[[str], None]) -> None:
    for slug in formats.shipped_slugs():
        path = formats.SHIPPED_DIR / f"{slug}.json"
        head = json.loads(path.read_text(encoding="utf-8"))
        if not Framework.objects.filter(slug=head["slug"], release=head["version"]).exists():
            services.framework_import(actor=DEMO, source=path)
    say(f"frameworks: {Framework.objects.count()}")
