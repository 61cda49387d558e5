from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def reef(request: HttpRequest) -> dict[str, Any]:
    return {"REEF_DEMO": settings.REEF_DEMO}
