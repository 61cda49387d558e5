"""Checks the edit tests share: was a change audited, what a record holds now."""

from __future__ import annotations

from typing import Any

from reef.core.models import AuditEntry

#: The need fields an edit may change, compared before and after a refused one.
NEED_FIELDS = ["title", "description", "area_id", "cost_amount", "cost_currency", "impact"]


def audited(action: str, obj: Any) -> bool:
    return AuditEntry.objects.filter(action=action, object_id=str(obj.pk)).exists()


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    """The fields (and version) of the record as stored now."""
    fresh = type(obj)._base_manager.get(pk=obj.pk)
    return {name: getattr(fresh, name) for name in [*fields, "version"]}
