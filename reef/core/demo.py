"""Loads the illustrative demo data. Idempotent: a second run adds nothing."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from django.db import transaction

DEMO_APPS = [
    "directory",
    "accounts",
    "frameworks",
    "assessments",
    "planning",
    "experts",
    "consultations",
    "records",
]

#: Shared password of the printed demo accounts (demo mode only).
# Demo accounts, printed on purpose.
DEMO_PASSWORD = "reef-demo-only"  # noqa: S105  # nosec B105


def load_all(say: Callable[[str], None] = print) -> None:
    from reef.core.progress import Progress

    progress = Progress("demo data", len(DEMO_APPS))
    for app in DEMO_APPS:
        progress.advance()
        try:
            module = importlib.import_module(f"reef.{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"reef.{app}.demo":
                raise
            continue
        with transaction.atomic():
            module.load(say)
