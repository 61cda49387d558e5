"""A need from a gap is titled from the framework's own texts and waits for a cost before
donors see it (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest

from reef.core.errors import ServiceError
from reef.core.models import AuditEntry
from reef.directory.models import Country
from reef.frameworks import formats
from reef.hub.selectors import unfunded_needs
from reef.notifications.models import Notification
from reef.notifications.services import notification_preference_set
from reef.planning import services
from reef.planning.models import Need, Plan
from reef.planning.tests.edit_checks import audited

pytestmark = pytest.mark.django_db


def test_gap_texts_come_from_the_framework_in_the_readers_language():
    fw = formats.load(formats.SHIPPED_DIR.parent / "examples" / "staged-example.json")
    title, description = services.gap_texts(
        framework=fw, factor="P.1", aspect="P.1.b", missing=["P.1.b.2.1"], language="en"
    ) or ("", "")
    assert title == "National strategy: Review"
    assert "A date for the first review of the strategy has been set. (P.1.b.2.1)" in description
    title_fr, _ = services.gap_texts(
        framework=fw, factor="P.1", aspect="P.1.b", missing=[], language="fr-ca"
    ) or ("", "")
    assert title_fr == "National strategy: Revue"  # the framework's own translation
    # A factor without aspects is named alone; an unknown one gives no text.
    direct = services.gap_texts(framework=fw, factor="S.1", aspect="S.1", missing=[], language="en")
    assert direct is not None and direct[0] == "Reporting mechanisms"
    assert (
        services.gap_texts(framework=fw, factor="Z", aspect="", missing=[], language="en") is None
    )


def test_gap_need_is_readable_and_a_draft_until_it_has_a_cost(users: dict[str, Any], gd_plan: Plan):
    from reef.assessments.tests.helpers import example_framework

    fp, donor = users["focal_point"], users["donor"]
    fp.language = "fr"
    fp.save(update_fields=["language"])
    framework = example_framework("staged")
    notification_preference_set(actor=donor, delivery="immediate", need_areas=["public-awareness"])
    need = services.need_create_from_gap(
        actor=fp,
        country=Country.objects.get(code="GD"),
        gap={"factor_key": "P.1", "aspect_key": "P.1.b", "missing": ["P.1.b.2.1"]},
        framework=framework.slug,
        assessment_id=None,
        area="public-awareness",
    )
    assert need.title == "National strategy: Revue"  # in the creator's language
    assert "A date for the first review" in need.description
    assert "Close the gap" not in need.title
    # No cost: a draft, announced to nobody, not on the donor's funding desk.
    assert need.published_at is None
    assert not Notification.objects.filter(kind="planning.need_published").exists()
    assert need not in unfunded_needs(donor)
    with pytest.raises(ServiceError) as refused:
        services.need_publish(actor=fp, need=need)
    assert refused.value.code == "cost_required" and refused.value.field == "cost_amount"
    assert Need.objects.get(pk=need.pk).published_at is None
    need = services.need_update(actor=fp, need=need, cost_amount="40000")
    with pytest.raises(ServiceError, match="editors"):
        services.need_publish(actor=users["coordinator"], need=need)
    services.need_publish(actor=fp, need=need, expected_version=need.version)
    assert Need.objects.get(pk=need.pk).published_at is not None
    assert audited("need_publish", need)
    assert Notification.objects.filter(
        kind="planning.need_published", recipient=donor, subject_id=need.pk
    ).exists()
    assert need in unfunded_needs(donor)
    with pytest.raises(ServiceError, match="already published"):
        services.need_publish(actor=fp, need=need)


def test_a_need_entered_with_a_cost_is_published_at_once(users: dict[str, Any], green_need: Need):
    assert green_need.published_at is not None
    entry = AuditEntry.objects.get(action="need_create", object_id=str(green_need.pk))
    assert entry.detail["published"] is True
