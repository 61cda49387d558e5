from __future__ import annotations

from typing import Any

from reef.accounts.services import api_token_create
from reef.core.tests.routes import Sample, only


def samples(users: dict[str, Any]) -> dict[str, Sample]:
    token, _ = api_token_create(user=users["focal_point"], name="route test")
    everyone_else = only(["focal_point"], ok=302, denied=404, anonymous=302)
    return {
        "accounts:token_revoke": Sample(
            kwargs={"pk": token.pk}, method="post", expect=everyone_else
        ),
    }
