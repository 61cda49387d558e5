from __future__ import annotations

from typing import Any

from reef.core.tests.routes import Sample
from reef.hub.tests.world import grenada


def samples(users: dict[str, Any]) -> dict[str, Sample]:
    grenada(users)
    # Every country has a hub, whoever reads it (sections filter by access).
    return {"hub:country": Sample(kwargs={"code": "GD"})}
