"""Every derivation in the code keeps at least its source's label (reef/core/derivation.py).

For each declared derivation a builder makes a source and derives a record from it
through the real service, asking for a wider label where the service allows one.
Then, for every derivation:

- at creation, the derived record is at least as strict as its source;
- lowering the derived record below its source is refused, and nothing changes;
- a source made stricter (record_set_label) passes its label on to what was derived.

A test also checks that every declared derivation has a builder (derivation_pairs.py,
beside this module), so a new derivation cannot be declared untested.
"""

from __future__ import annotations

from typing import Any

import pytest

from reef.core import derivation, sharing
from reef.core.errors import ServiceError
from reef.core.rules import DEMO
from reef.core.tests.derivation_pairs import (
    BUILDERS,
    _assessment,
    _fresh,
    _raise,
    assessment_to_report,
    planning_to_publication,
)
from reef.core.tlp import TLP

pytestmark = pytest.mark.django_db


def test_every_derivation_has_a_test() -> None:
    declared = {d.name for d in derivation.DERIVATIONS}
    assert declared == set(BUILDERS), (declared - set(BUILDERS), set(BUILDERS) - declared)


def _rank(label: str) -> int:
    return derivation.rank(label)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_derived_record_is_never_wider_than_its_source(users: dict[str, Any], name: str) -> None:
    decl = next(d for d in derivation.DERIVATIONS if d.name == name)
    source, derived = BUILDERS[name](users)
    assert derived is not None, name
    if decl.computed:
        _check_report(users, source, derived)
        return
    derived = _fresh(derived)
    source = _fresh(source)
    # At creation: at least the source's label.
    assert _rank(derived.tlp) >= _rank(source.tlp), (derived.tlp, source.tlp)
    # Lowering below the source is refused, and nothing changes.
    version = derived.version
    with pytest.raises(ServiceError) as refused:
        sharing.record_set_label(
            actor=DEMO, record=derived, tlp=TLP.CLEAR, expected_version=version
        )
    assert refused.value.code == "below_source"
    assert _fresh(derived).tlp == derived.tlp and _fresh(derived).version == version
    # A source made stricter is passed on.
    if source.tlp != TLP.RED:
        _raise(source, TLP.RED)
        assert _fresh(derived).tlp == TLP.RED


def _check_report(users: dict[str, Any], rating: Any, assessment: Any) -> None:
    """The report's label is at least the assessment's and every rating it prints."""
    from reef.assessments import report

    rating = _raise(rating, TLP.RED)
    # The expert rated it: the RED rating is theirs (its author stays a reader).
    context = report.report_context(users["expert"], assessment)
    assert context["tlp"] == TLP.RED
    assert derivation.label_of_computed("rating -> result", assessment) == TLP.RED


def test_a_released_assessment_report_may_be_published_wider(users: dict[str, Any]) -> None:
    from reef.records import services

    assessment, report = assessment_to_report(users)
    report = _fresh(report)
    assert report.tlp == TLP.AMBER_STRICT
    services.publication_submit(actor=users["focal_point"], publication=report)
    services.publication_release(actor=users["focal_point"], publication=_fresh(report))
    report = _fresh(report)
    sharing.record_set_label(
        actor=users["focal_point"], record=report, tlp=TLP.CLEAR, expected_version=report.version
    )
    assert _fresh(report).tlp == TLP.CLEAR
    # The assessment itself keeps its label.
    assert _fresh(assessment).tlp == TLP.AMBER_STRICT


def test_a_lower_label_through_another_service_is_refused(users: dict[str, Any]) -> None:
    from reef.records import services

    _, publication = planning_to_publication(users)
    with pytest.raises(ServiceError, match="derived from"):
        services.publication_update(
            actor=users["focal_point"], publication=_fresh(publication), tlp=TLP.GREEN
        )
    assert _fresh(publication).tlp == TLP.AMBER


def test_floor_helpers() -> None:
    assert derivation.at_least(TLP.GREEN, TLP.AMBER) == TLP.AMBER
    assert derivation.at_least(TLP.RED, TLP.AMBER, "") == TLP.RED
    assert derivation.strictest([]) is None
    assert derivation.strictest([TLP.CLEAR, TLP.AMBER_STRICT, TLP.GREEN]) == TLP.AMBER_STRICT


def test_bulk_paths_keep_the_floor(users: dict[str, Any]) -> None:
    """Ratings written by raw SQL and decisions and targets by bulk_create skip pre_save."""
    from reef.assessments import services
    from reef.assessments.models import Decision, Rating, Target
    from reef.assessments.tests.helpers import example_framework
    from reef.assessments.tests.test_import_export import DOC

    assessment = _raise(_assessment(users, until="rating"), TLP.RED)
    keys = [i.key for i in assessment.framework.indicators.order_by("position")][:2]
    services.ratings_bulk_submit(
        actor=users["expert"], assessment=assessment, ratings=[(k, "met", "") for k in keys]
    )
    assert set(Rating.objects.filter(assessment=assessment).values_list("tlp", flat=True)) == {
        TLP.RED
    }
    example_framework()
    imported = services.assessment_import(actor=users["coordinator"], data={**DOC, "tlp": TLP.RED})
    for model in (Rating, Decision, Target):
        labels = set(model.objects.filter(assessment=imported).values_list("tlp", flat=True))
        assert labels == {TLP.RED}, model


def test_docs_sharing_table_matches_the_derivations() -> None:
    import re
    from pathlib import Path

    doc = Path(__file__).resolve().parents[3] / "docs" / "sharing.md"
    found = re.search(
        r"<!-- derivations:begin -->\n(.*?)<!-- derivations:end -->",
        doc.read_text(encoding="utf-8"),
        re.S,
    )
    assert found, "docs/sharing.md lost its derivations markers"
    assert found.group(1) == derivation.derivations_markdown()
