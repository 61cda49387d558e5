from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from reef.core.tests.route_world import RouteWorld, build_route_world


@pytest.fixture(scope="module")
def route_world(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[RouteWorld]:
    """One app's samples (the parameter), built once for the tests of a module."""
    yield from build_route_world(request.param, django_db_blocker)
