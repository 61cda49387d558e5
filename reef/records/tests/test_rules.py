"""Every records rule: one persona it allows, one it refuses (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest

from reef.core.rules import DEMO, RULES, WORKER, Rule, allowed
from reef.directory.models import Country, Organisation
from reef.records import rules as R
from reef.records.models import Briefing, Event, Participant, Publication
from reef.records.tests.conftest import make_assessment

pytestmark = pytest.mark.django_db

#: rule -> (allowed persona, refused persona), on records owned by Grenada.
CASES: dict[Rule, tuple[str, str]] = {
    R.may_create_event: ("focal_point", "outsider"),
    R.may_update_event: ("focal_point", "donor"),
    R.may_translate_event: ("focal_point", "coordinator"),
    R.may_publish_event: ("focal_point", "outsider"),
    R.may_add_participant: ("focal_point", "expert"),
    R.may_record_consent: ("focal_point", "public"),
    R.may_add_session: ("focal_point", "outsider"),
    R.may_add_outcome: ("focal_point", "donor"),
    R.may_add_event_file: ("focal_point", "outsider"),
    R.may_create_publication: ("focal_point", "outsider"),
    R.may_update_publication: ("focal_point", "donor"),
    R.may_attach_file: ("focal_point", "outsider"),
    R.may_translate_publication: ("focal_point", "expert"),
    R.may_submit_publication: ("focal_point", "outsider"),
    R.may_return_publication: ("focal_point", "coordinator"),
    R.may_release: ("focal_point", "coordinator"),
    R.may_publish_publication: ("focal_point", "outsider"),
    R.may_freeze: ("coordinator", "focal_point"),
    R.may_create_briefing: ("focal_point", "outsider"),
    R.may_update_briefing: ("focal_point", "coordinator"),
}


def _target(rule: Rule) -> Any:
    gd = Country.objects.get(code="GD")
    event = Event(owner_country=gd)
    if rule is R.may_record_consent:
        return Participant(event=event)
    if rule is R.may_release:
        return Publication(kind="assessment_report", owner_country=gd, assessment=make_assessment())
    if rule is R.may_freeze:
        return None
    if "briefing" in rule.record:
        return Briefing(owner_country=gd)
    if rule.record.startswith("publication"):
        return Publication(owner_country=gd)
    return event


def test_every_records_rule_is_covered() -> None:
    assert {n for n in RULES if n.startswith("records.")} == {r.name for r in CASES}


@pytest.mark.parametrize("rule", list(CASES), ids=lambda r: r.name)
def test_rule_allows_one_persona_and_refuses_another(rule: Rule, users: dict[str, Any]) -> None:
    yes, no = CASES[rule]
    target = _target(rule)
    assert allowed(rule, users[yes], target), yes
    assert not allowed(rule, users[no], target), no
    assert allowed(rule, DEMO, target) and allowed(rule, WORKER, target)


def test_an_organisations_editor_drafts_but_does_not_publish(users: dict[str, Any]) -> None:
    oas = Publication(owner_organisation=Organisation.objects.get(slug="oas"))
    assert allowed(R.may_update_publication, users["donor"], oas)
    assert not allowed(R.may_publish_publication, users["donor"], oas)
    assert not allowed(R.may_return_publication, users["donor"], oas)


def test_release_needs_an_assessment_report_that_names_its_assessment(
    users: dict[str, Any],
) -> None:
    gd = Country.objects.get(code="GD")
    assert not allowed(R.may_release, users["focal_point"], Publication(owner_country=gd))
    unnamed = Publication(kind="assessment_report", owner_country=gd)
    assert not allowed(R.may_release, users["focal_point"], unnamed)
