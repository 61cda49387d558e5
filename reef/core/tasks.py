"""Background tasks of the core: long checks that should not block a request."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from reef.core.audit import audit_append, audit_verify


@task()
def audit_verify_task() -> dict[str, Any]:
    """Verify the audit chain and record the outcome in the chain itself."""
    result = audit_verify()
    audit_append(
        action="audit_verified",
        detail={"entries": result.entries, "problems": len(result.problems)},
    )
    return {"entries": result.entries, "ok": result.ok, "problems": result.problems[:20]}
