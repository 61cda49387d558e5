"""System checks that keep production settings honest."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def reef_deploy_checks(app_configs: Any, **kwargs: Any) -> list[Error | Warning]:
    problems: list[Error | Warning] = []
    if settings.REEF_DEMO:
        problems.append(Error("REEF_DEMO is on: demo accounts may skip MFA.", id="reef.E001"))
    if not settings.SECURE_CSP or not settings.SECURE_CSP.get("default-src"):
        problems.append(Error("The Content-Security-Policy is empty.", id="reef.E002"))
    if settings.REEF_AUDIT_KEY == settings.SECRET_KEY:
        problems.append(
            Warning(
                "REEF_AUDIT_KEY is not set: the audit anchor uses SECRET_KEY.",
                hint="Set REEF_AUDIT_KEY to a key kept outside the database.",
                id="reef.W001",
            )
        )
    if settings.REEF_FIELD_KEY == settings.SECRET_KEY:
        problems.append(
            Warning(
                "REEF_FIELD_KEY is not set: MFA secrets are encrypted with SECRET_KEY.",
                id="reef.W002",
            )
        )
    if not settings.REEF_AUDIT_ANCHOR_FILE:
        problems.append(
            Warning(
                "REEF_AUDIT_ANCHOR_FILE is empty: a rolled-back audit chain cannot be detected.",
                hint="Set it to an append-only file on other storage than the database.",
                id="reef.W010",
            )
        )
    backend = str(settings.CACHES["default"]["BACKEND"])
    if backend.endswith("LocMemCache"):
        problems.append(
            Warning(
                "The cache is per-process memory: TOTP single use and rate limits need a "
                "shared cache.",
                hint="Set REEF_CACHE_URL=redis://host:6379/0",
                id="reef.W003",
            )
        )
    return problems
