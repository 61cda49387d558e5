"""Amendment services: decisions with reasons, stale amendments re-based."""

from __future__ import annotations

from typing import Any

import pytest

from reef.consultations import services
from reef.consultations.models import Amendment, Consultation, Section, Sector
from reef.consultations.tests.helpers import community_consultation, join, section
from reef.core.errors import Conflict, PermissionDenied, ServiceError
from reef.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(users: dict[str, Any]) -> Consultation:
    return community_consultation(users["coordinator"])


def test_amendment_decision_needs_reason_and_the_author(
    c: Consultation, users: dict[str, Any]
) -> None:
    sec = section(users["coordinator"], c)
    join(users["expert"], c, sector=Sector.PRIVATE)
    a = services.amendment_propose(
        actor=users["expert"], section=sec, proposed_text="Better text.", rationale="Clearer."
    )
    with pytest.raises(ServiceError, match="reason"):
        services.amendment_decide(actor=users["coordinator"], amendment=a, accept=True, reason=" ")
    with pytest.raises(PermissionDenied):
        services.amendment_decide(actor=users["expert"], amendment=a, accept=True, reason="Mine.")
    with pytest.raises(PermissionDenied):
        services.amendment_decide(
            actor=users["focal_point"], amendment=a, accept=True, reason="Not the author."
        )
    a.refresh_from_db()
    sec.refresh_from_db()
    assert a.status == Amendment.Status.PENDING and sec.text == "Original text."
    services.amendment_decide(
        actor=users["coordinator"], amendment=a, accept=True, reason="It is clearer."
    )
    a.refresh_from_db()
    sec.refresh_from_db()
    assert a.status == Amendment.Status.ACCEPTED and a.decision_reason == "It is clearer."
    assert sec.text == "Better text."
    with pytest.raises(Conflict):
        services.amendment_decide(
            actor=users["coordinator"], amendment=a, accept=False, reason="Again."
        )


def test_amendment_rejected_with_reason_and_stale_accept(
    c: Consultation, users: dict[str, Any]
) -> None:
    sec = section(users["coordinator"], c)
    join(users["expert"], c)
    first = services.amendment_propose(actor=users["expert"], section=sec, proposed_text="One.")
    second = services.amendment_propose(actor=users["expert"], section=sec, proposed_text="Two.")
    services.amendment_decide(
        actor=users["coordinator"], amendment=first, accept=True, reason="Fine."
    )
    with pytest.raises(Conflict, match="changed"):
        services.amendment_decide(
            actor=users["coordinator"], amendment=second, accept=True, reason="Fine too."
        )
    services.amendment_decide(
        actor=users["coordinator"],
        amendment=second,
        accept=False,
        reason="Superseded by the first.",
    )
    assert Section.objects.get(pk=sec.pk).text == "One."


def test_stale_amendment_is_flagged_and_accepted_once_rebased(
    c: Consultation, users: dict[str, Any]
) -> None:
    sec = section(users["coordinator"], c)
    join(users["expert"], c)
    join(users["focal_point"], c)
    first = services.amendment_propose(
        actor=users["focal_point"], section=sec, proposed_text="One."
    )
    second = services.amendment_propose(actor=users["expert"], section=sec, proposed_text="Two.")
    assert not second.is_stale
    with pytest.raises(ServiceError, match="not stale"):
        services.amendment_rebase(actor=users["expert"], amendment=second, proposed_text="2.")
    services.amendment_decide(
        actor=users["coordinator"], amendment=first, accept=True, reason="Fine."
    )
    second.refresh_from_db()
    assert second.is_stale
    # Only its proposer re-bases it; the owner's editors decide, they do not rewrite.
    for other in ("focal_point", "coordinator"):
        with pytest.raises(PermissionDenied):
            services.amendment_rebase(
                actor=users[other], amendment=second, proposed_text="One, and two."
            )
    with pytest.raises(ServiceError, match="same as the section"):
        services.amendment_rebase(actor=users["expert"], amendment=second, proposed_text="One.")
    second.refresh_from_db()
    assert second.is_stale and second.proposed_text == "Two."
    services.amendment_rebase(
        actor=users["expert"], amendment=second, proposed_text="One, and two.", rationale="Both."
    )
    second.refresh_from_db()
    assert not second.is_stale and second.original_text == "One."
    assert AuditEntry.objects.filter(action="amendment_rebase").count() == 1
    services.amendment_decide(
        actor=users["coordinator"], amendment=second, accept=True, reason="Now on the new text."
    )
    assert Section.objects.get(pk=sec.pk).text == "One, and two."
    with pytest.raises(Conflict):
        services.amendment_rebase(actor=users["expert"], amendment=second, proposed_text="3.")
