from __future__ import annotations

from typing import Any

import pytest

from reef.core.tlp import TLP
from reef.records import search
from reef.records.tests.conftest import make_event, make_publication


def test_highlight_escapes_text() -> None:
    html = search.highlight("<script>alert('cyber')</script> cyber hygiene", ["cyber"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "<mark>cyber</mark>" in html


def test_terms_are_limited() -> None:
    assert search.terms_of("A cyber CYBER hygiene; x") == ["cyber", "hygiene"]
    assert len(search.terms_of(" ".join(f"w{i}" for i in range(50)))) == search.MAX_TERMS


@pytest.mark.django_db
def test_ranking_prefers_title_matches(users: dict[str, Any]) -> None:
    make_publication(slug="a", title="Something else")
    make_publication(slug="b", title="Incident response in the Caribbean")
    results = search.search(None, "incident response")
    assert results.hits[0].url == "/records/publications/b/"
    assert results.hits[0].kind == "publication"


@pytest.mark.django_db
def test_every_term_must_match(users: dict[str, Any]) -> None:
    make_event(slug="e1", title="Cyber drill")
    make_event(slug="e2", title="Cyber hygiene")
    found = search.search(None, "cyber hygiene")
    assert [h.title for h in found.hits if h.kind == "event"] == ["Cyber hygiene"]


@pytest.mark.django_db
def test_results_and_counts_follow_access(users: dict[str, Any]) -> None:
    make_event(slug="e1", title="Pelican meeting", tlp=TLP.AMBER_STRICT)
    assert search.search(None, "pelican").counts == {}
    assert search.search(users["outsider"], "pelican").total == 0
    found = search.search(users["focal_point"], "pelican")
    assert found.counts == {"event": 1} and found.hits[0].tlp == TLP.AMBER_STRICT


@pytest.mark.django_db
def test_organisations_are_searched(users: dict[str, Any]) -> None:
    found = search.search(None, "telecommunications union")
    assert any(
        h.kind == "organisation" and "Caribbean Telecommunications Union" in h.title
        for h in found.hits
    )


def test_registry_skips_unknown_models() -> None:
    search.register(search.Entry("nowhere.Thing", ("title",), "title", "thing"))
    try:
        assert search._resolve(search.REGISTRY[-1]) is None
    finally:
        search.REGISTRY[:] = [e for e in search.REGISTRY if e.label != "nowhere.Thing"]
