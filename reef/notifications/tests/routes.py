"""Route samples of the notifications pages for the generated authorisation test."""

from __future__ import annotations

from typing import Any

from reef.core.tests.routes import EVERYONE, Sample, only
from reef.core.tlp import TLP
from reef.notifications.models import Notification


def samples(users: dict[str, Any]) -> dict[str, Sample]:
    own = Notification.objects.create(
        recipient=users["focal_point"], kind="assessment.accepted", tlp=TLP.RED
    )
    back = {name: 302 for name in EVERYONE}
    return {
        # Only the recipient may mark it read (then is sent back); anyone else: 404.
        "notifications:mark_read": Sample(
            kwargs={"pk": own.pk},
            method="post",
            data={},
            expect=only(["focal_point"], ok=302, anonymous=302),
        ),
        "notifications:mark_all_read": Sample(method="post", data={}, expect=back),
    }
