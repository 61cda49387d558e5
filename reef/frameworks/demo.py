"""Demo frameworks: the two frameworks shipped with Reef."""

from __future__ import annotations

import json
from collections.abc import Callable

from reef.core.errors import ServiceError
from reef.core.rules import DEMO
from reef.frameworks import formats, services
from reef.frameworks.models import Framework


def load(say: Callable[[str], None]) -> None:
    for slug in formats.shipped_slugs():
        path = formats.SHIPPED_DIR / f"{slug}.json"
        head = json.loads(path.read_text(encoding="utf-8"))
        stored = Framework.objects.filter(slug=head["slug"], release=head["version"]).first()
        if stored is None:
            services.framework_import(actor=DEMO, source=path)
        elif stored.document != formats.to_data(formats.load(path)):
            # Same version with new translations: they are refreshed in place. A changed
            # content under the same version is the file's mistake; the stored one stays.
            try:
                services.framework_import(actor=DEMO, source=path)
            except ServiceError as exc:
                say(f"frameworks: {slug}: kept the stored version ({exc.message})")
    say(f"frameworks: {Framework.objects.count()}")
