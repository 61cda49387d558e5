"""The demo consultation: the findings it is meant to show, and idempotence."""

from __future__ import annotations

from typing import Any

import pytest

from reef.consultations import demo
from reef.consultations.models import Amendment, Consultation, DelphiRound, Participant, Vote

pytestmark = pytest.mark.django_db


def test_demo_shows_real_and_apparent_consensus_and_is_idempotent(users: dict[str, Any]) -> None:
    demo.load(lambda _line: None)
    c = Consultation.objects.get(title=demo.TITLE)
    assert c.owner_organisation is not None and c.owner_organisation.slug == "caricom-impacs"
    labels = [s["label"] for s in c.analysis["reality"]["statements"]]
    assert labels.count("real_consensus") == 1
    assert labels.count("apparent_consensus") == 1
    apparent = next(
        s for s in c.analysis["reality"]["statements"] if s["label"] == "apparent_consensus"
    )
    assert "sector civil society" in apparent["dissenting"]
    assert len(c.analysis["result"]["groups"]) >= 2
    sectors = set(Participant.objects.filter(consultation=c).values_list("sector", flat=True))
    assert len(sectors) == 5
    assert Participant.objects.filter(consultation=c).count() >= 60
    assert DelphiRound.objects.filter(consultation=c).count() == 2
    accepted = Amendment.objects.get(consultation=c, status=Amendment.Status.ACCEPTED)
    assert accepted.decision_reason
    counts = (Consultation.objects.count(), Vote.objects.count(), Participant.objects.count())
    demo.load(lambda _line: None)
    assert (Consultation.objects.count(), Vote.objects.count(), Participant.objects.count()) == (
        counts
    )
