"""Authorisation test generated from the URL configuration.

Every route is tried as anonymous, as each persona (an outsider and a platform
administrator among them), and the status asserted. A route without an access
rule, or with parameters and no sample in its app's tests/routes.py, fails.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from reef.core.routes import Rule, rule_of
from reef.core.tests.route_world import RouteWorld, app_of, app_samples, by_app
from reef.core.tests.routes import EVERYONE, Sample

# Third-party route trees with their own access handling; tried for "no 5xx" only.
THIRD_PARTY_PREFIXES = ("accounts/",)
# The API is covered operation by operation elsewhere: every GET as anonymous and each
# persona in test_reads_never_write.py, the whole API in api/tests/test_schemathesis.py.
API_PREFIX = "api/v1/"


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str, Any]]:
    found: list[tuple[str, str, Any]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            found += _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}{p.name}" if p.name else ""
            found.append((prefix + str(p.pattern), name, p.callback))
    return found


ROUTES = _walk(get_resolver().url_patterns)
OWN_ROUTES = [
    r
    for r in ROUTES
    if not r[0].startswith(THIRD_PARTY_PREFIXES) and not r[0].startswith(API_PREFIX)
]


def _samples(users: dict[str, Any], name: str) -> dict[str, Sample]:
    """The samples of the app that owns route `name` (only that app's fixtures are built)."""
    return app_samples(users, app_of(name))


def _default(rule: Rule, client: str, method: str) -> int:
    if rule == Rule.SIGNED_IN and client == "anonymous":
        return 302
    return 200


def test_every_route_has_an_access_rule() -> None:
    missing = [f"{pattern} ({name})" for pattern, name, view in OWN_ROUTES if rule_of(view) is None]
    assert not missing, f"routes without an access rule: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route_world", "pattern", "name", "view"), by_app(OWN_ROUTES), indirect=["route_world"]
)
def test_route_access(route_world: RouteWorld, pattern: str, name: str, view: Any) -> None:
    from django.urls import reverse

    rule = rule_of(view)
    assert rule is not None, f"{pattern} has no access rule"
    clients = route_world.clients()
    sample = route_world.samples.get(name)
    has_params = "<" in pattern or "(?P" in pattern
    if sample is None:
        assert not has_params, f"{pattern} ({name}) has parameters but no sample in tests/routes.py"
        sample = Sample()
    url = reverse(name, kwargs=sample.kwargs) + (f"?{sample.query}" if sample.query else "")
    failures = []
    for who in EVERYONE:
        expected = sample.expect.get(who)
        if expected is None and who == "admin" and "public" in sample.expect:
            # An administrator holds no role in any place: unless the sample says
            # otherwise, they get what a signed-in user without a role gets.
            expected = sample.expect["public"]
        if expected is None:
            expected = _default(rule, who, sample.method)
        client = clients[who]
        if sample.method == "post":
            response = client.post(url, sample.data or {})
        else:
            response = client.get(url)
        if response.status_code != expected:
            failures.append(f"{who}: {response.status_code} (expected {expected})")
    assert not failures, f"{url}: " + "; ".join(failures)


THIRD_PARTY = [r for r in ROUTES if r[0].startswith(THIRD_PARTY_PREFIXES) and "<" not in r[0]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pattern", "name", "view"), THIRD_PARTY, ids=[r[1] or r[0] for r in THIRD_PARTY]
)
def test_third_party_routes_never_fail(
    pattern: str, name: str, view: Any, clients: dict[str, Any]
) -> None:
    from django.urls import reverse

    url = reverse(name)
    for who in EVERYONE:
        response = clients[who].get(url)
        assert response.status_code < 500, f"{url} as {who}: {response.status_code}"
