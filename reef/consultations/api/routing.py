"""The one router every consultations endpoint is on (reef/api/api.py mounts it)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["consultations"])
