from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from reef.testing import PERSONAS, ensure_world, persona

# Shared machines run slowly at times: judge properties, not speed (benchmarks do that).
hypothesis_settings.register_profile(
    "reef", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("reef")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        ensure_world()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A transactional test ends with a flush that empties every table, reference data from
    data migrations included: put the world back once the flush is done, so that the next
    test in this worker sees the same database whichever test ran before it."""
    result = yield
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    # After the last test the test database is already gone.
    if nextitem is None:
        return result
    if transactional or "transactional_db" in getattr(item, "fixturenames", ()):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            ensure_world()
    return result


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploads made by tests never land in the project's var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's language: a request with another Accept-Language
    leaves that language active in the thread, and later tests would read it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def world(db: Any) -> None:
    ensure_world()


@pytest.fixture
def users(world: None) -> dict[str, Any]:
    return {name: persona(name) for name in PERSONAS}


@pytest.fixture
def clients(users: dict[str, Any]) -> dict[str, Client]:
    """A client per persona, signed in, plus 'anonymous'."""
    result = {"anonymous": Client()}
    for name, user in users.items():
        c = Client()
        c.force_login(user)
        result[name] = c
    return result
