"""Mentoring services, and the engine's explanations in the reader's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from reef.core.errors import PermissionDenied
from reef.core.rules import DEMO
from reef.experts import services
from reef.experts.tests.helpers import expert

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- mentoring


def test_mentoring_pairs_and_growth(users: dict[str, Any]) -> None:
    n1 = expert("Nascent One", seniority="nascent", roles=("digital_forensics",), country="GD")
    n2 = expert("Nascent Two", seniority="nascent", roles=("legal_drafting",), languages=("es",))
    s1 = expert("Senior Forensics", seniority="senior", roles=("digital_forensics",), country="GD")
    expert("Senior Lawyer", seniority="senior", roles=("legal_drafting",), languages=("fr",))
    with pytest.raises(PermissionDenied):
        services.mentoring_pairs_propose(actor=users["public"])
    pairs = services.mentoring_pairs_propose(actor=users["coordinator"])
    assert [(p.mentee_id, p.mentor_id) for p in pairs] == [(n1.pk, s1.pk)]  # n2 shares no language
    assert "same country" in pairs[0].reason
    assert services.mentoring_pairs_propose(actor=users["coordinator"]) == []  # idempotent
    assert n2.mentors.count() == 0
    services.activity_record(
        actor=users["coordinator"],
        specialist=n1,
        kind="co_wrote_review",
        on=dt.date(2026, 2, 1),
        description="Co-wrote a review",
    )
    services.profile_update(actor=DEMO, profile=n1, seniority="junior")
    from reef.experts.selectors import growth_timeline

    kinds = [item["kind"] for item in growth_timeline(n1)]
    assert "seniority" in kinds and "co_wrote_review" in kinds and "mentoring" in kinds
    with pytest.raises(PermissionDenied):
        services.activity_record(
            actor=users["outsider"], specialist=n1, kind="other", on=dt.date(2026, 2, 1)
        )


def test_explain_fills_the_engine_templates_in_the_active_language() -> None:
    parts = [
        ["fills the required %(role)s role", {"role": "technical"}],
        ["fit %(fit)s (%(seniority)s)", {"fit": "0.700", "seniority": "senior"}],
    ]
    assert (
        services.explain(parts, "unused") == "fills the required technical role; fit 0.700 (Senior)"
    )
    assert services.explain(None, "the engine's text") == "the engine's text"
