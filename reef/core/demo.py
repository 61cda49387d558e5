"""Loads the illustrative demo data. Idempotent: a second run adds nothing."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from django.db import transaction

from reef.apps_list import REEF_APPS

#: Shared password of the printed demo accounts (demo mode only).
# Demo accounts, printed on purpose.
DEMO_PASSWORD = "reef-demo-only"  # noqa: S105  # nosec B105


def load_all(say: Callable[[str], None] = print) -> None:
    from reef.core.progress import Progress

    apps = [app for app in REEF_APPS if app.demo]
    progress = Progress("demo data", len(apps))
    for app in apps:
        progress.advance()
        module = importlib.import_module(f"{app.module}.demo")
        with transaction.atomic():
            module.load(say)
