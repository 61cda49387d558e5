"""The published schema is valid JSON for strict parsers: no key twice in one object.

Swagger UI refused the whole schema ("duplicated mapping key") when an operation's
`openapi_extra` named a response "200" beside ninja's own 200.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client


@pytest.mark.django_db
def test_openapi_schema_has_no_duplicated_keys() -> None:
    duplicated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        duplicated.extend(k for k in set(keys) if keys.count(k) > 1)
        return dict(items)

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    json.loads(response.content, object_pairs_hook=pairs)
    assert duplicated == []
