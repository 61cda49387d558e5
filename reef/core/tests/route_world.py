"""Route samples built once per app in a test module, not once per route.

The authorisation and read-only tests try every route as every persona. Building an app's
samples (assessments, plans, consultations...) for each route made those tests a fifth of
the suite's time. Here the personas, their sessions and one app's samples are built once,
inside a transaction that is rolled back when the module moves to the next app; each test
runs in a savepoint inside it (pytest-django's own per-test transaction), so what one test
writes never reaches the next.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from reef.core.tests.routes import Sample
from tests_support.world import PERSONAS, ensure_world, persona

# URL namespaces that are not an app's name: where their samples live.
SAMPLE_MODULES = {"people": "reef.accounts.tests.people_routes"}


def app_of(route_name: str) -> str:
    """The app whose tests/routes.py holds the sample of route `route_name`."""
    return route_name.split(":", 1)[0] if ":" in route_name else "core"


def app_samples(users: dict[str, Any], app: str) -> dict[str, Sample]:
    try:
        module = importlib.import_module(SAMPLE_MODULES.get(app, f"reef.{app}.tests.routes"))
    except ModuleNotFoundError:
        return {}
    result: dict[str, Sample] = module.samples(users) if hasattr(module, "samples") else {}
    return result


@dataclass
class RouteWorld:
    users: dict[str, Any]
    samples: dict[str, Sample]
    session_keys: dict[str, str]

    def clients(self) -> dict[str, Client]:
        """A fresh client per persona on its session, plus 'anonymous'.

        Fresh for every test: a test that signs out, changes language or rotates the
        session key leaves its cookies behind in its own client only; the session rows
        themselves come back with the savepoint's rollback.
        """
        result = {"anonymous": Client()}
        for name, key in self.session_keys.items():
            client = Client()
            client.cookies[settings.SESSION_COOKIE_NAME] = key
            result[name] = client
        return result


def build_route_world(app: str, django_db_blocker: Any) -> Iterator[RouteWorld]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            ensure_world()
            users = {name: persona(name) for name in PERSONAS}
            keys = {}
            for name, user in users.items():
                client = Client()
                client.force_login(user)
                keys[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield RouteWorld(users=users, samples=app_samples(users, app), session_keys=keys)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def by_app(routes: Iterable[tuple[str, str, Any]]) -> list[Any]:
    """Test parameters (app, pattern, name, view), the app first so that pytest groups the
    tests of one app and builds its samples once."""
    return [
        pytest.param(app_of(name), pattern, name, view, id=name or pattern)
        for pattern, name, view in routes
    ]
