"""Framework keys are shown as names: `{% framework_text %}` and the pages that use it."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from reef.core.rules import DEMO
from reef.frameworks import demo
from reef.frameworks.selectors import element_text, framework_document


@pytest.mark.django_db
def test_keys_become_names_and_unknown_keys_stay(world: None) -> None:
    demo.load(lambda _line: None)
    document = framework_document("reef-cmm")
    assert document is not None
    assert element_text(document, "1.2", "en") == "Incident Response and Crisis Management"
    assert element_text(document, "1.2.a", "en") == "Identification and Categorisation"
    assert element_text(document, "1.2.a.2.1", "en").endswith(".")  # a statement
    assert element_text(document, "no-such-key", "en") == "no-such-key"
    assert element_text(None, "1.2", "en") == "1.2"
    assert framework_document("no-such-framework") is None
    assert framework_document("reef-cmm@1.0") is not None
    template = Template(
        "{% load frameworks %}{% framework_text ref key %}|{% factor_text refs key %}"
    )
    with translation.override("en"):
        shown = template.render(
            Context({"ref": "reef-cmm", "refs": {"1.2": "reef-cmm"}, "key": "1.2"})
        )
        assert (
            shown
            == "Incident Response and Crisis Management|Incident Response and Crisis Management"
        )
        unknown = template.render(Context({"ref": "", "refs": {}, "key": "x-y-z"}))
        assert unknown == "x-y-z|x-y-z"


@pytest.mark.django_db
def test_need_page_shows_the_gap_by_name(world: None, clients: dict[str, Client]) -> None:
    from reef.directory.models import Country
    from reef.planning import services

    demo.load(lambda _line: None)
    need: Any = services.need_create_from_gap(
        actor=DEMO,
        country=Country.objects.get(code="GD"),
        framework="reef-cmm",
        gap={"factor_key": "1.2", "aspect_key": "1.2.a", "missing": ["1.2.a.2.1"]},
        assessment_id=None,
    )
    page = clients["focal_point"].get(f"/planning/needs/{need.pk}/").content.decode()
    assert "Incident Response and Crisis Management" in page
    assert "Identification and Categorisation" in page
