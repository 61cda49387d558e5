from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests_support.world import PERSONAS, ensure_world, persona

# Shared machines run slowly at times: judge properties, not speed (benchmarks do that).
hypothesis_settings.register_profile(
    "reef", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("reef")

# Argon2 at its smallest costs: the same algorithm and format, without the deliberate
# cost that production pays on every password (tests create and sign in many users).
django_settings.PASSWORD_HASHERS = [
    "tests_support.hashers.QuickArgon2PasswordHasher",
    *django_settings.PASSWORD_HASHERS,
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        ensure_world()


# Fixtures that reach the database: a test that uses none of them (and has no django_db
# mark) cannot touch it, since pytest-django refuses database access without them.
# (django_db_blocker is in every test's closure through pytest-django's autouse fixtures.)
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "live_server",
        "django_db_setup",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "world",
        "users",
        "clients",
        "route_world",
    }
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark `nodb` every test that needs no database: `make test-fast` runs only those."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") is None and not fixtures & DATABASE_FIXTURES:
            item.add_marker(pytest.mark.nodb)


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


@pytest.fixture(scope="session", autouse=True)
def _media_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Uploads made by tests never land in the project's var/media (session-wide, so that
    files saved by fixtures built once per module are found by every test)."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.getbasetemp() / "media"):
        yield


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
