"""Route samples for the authorisation test: how to reach each route and who may.

Each app lists its routes in `<app>/tests/routes.py` as `samples(users) -> dict`.
A route with no access rule, or with URL parameters but no sample, fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests_support.world import PERSONAS

EVERYONE = ["anonymous", *PERSONAS]


@dataclass
class Sample:
    kwargs: dict[str, Any] = field(default_factory=dict)
    # Expected status per client name; missing names use the rule's default.
    expect: dict[str, int] = field(default_factory=dict)
    method: str = "get"
    data: dict[str, Any] | None = None
    query: str = ""


def only(
    allowed: list[str], ok: int = 200, denied: int = 404, anonymous: int | None = None
) -> dict[str, int]:
    """Expectations where `allowed` get `ok` and everyone else `denied`."""
    result = {name: (ok if name in allowed else denied) for name in EVERYONE}
    if anonymous is not None:
        result["anonymous"] = anonymous
    return result


SampleFactory = Callable[[dict[str, Any]], dict[str, Sample]]


def _shared_record(users: dict[str, Any]) -> Any:
    """A Grenada TLP:AMBER publication: its sharing is for Grenada's editors and managers."""
    from reef.directory.models import Country
    from reef.records import services

    return services.publication_create(
        actor=users["focal_point"],
        title="Route sharing sample",
        owner_country=Country.objects.get(code="GD"),
    )


def samples(users: dict[str, Any]) -> dict[str, Sample]:
    everyone_redirected = {name: 302 for name in EVERYONE}
    shared = _shared_record(users)
    return {
        "sharing": Sample(
            kwargs={"kind": "records.publication", "pk": shared.pk},
            expect=only(["focal_point"], anonymous=302),
        ),
        "favicon": Sample(expect=everyone_redirected),
        "set_language": Sample(
            method="post", data={"language": "es", "next": "/"}, expect=everyone_redirected
        ),
    }
