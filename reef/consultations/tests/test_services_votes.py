"""Statement and vote services: one vote each, moderation, what comes next, the rate limit."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from reef.consultations import selectors, services
from reef.consultations.models import Consultation, Participation, Statement, Vote
from reef.consultations.tests.helpers import accepted, community_consultation, join
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.tlp import TLP

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(users: dict[str, Any]) -> Consultation:
    return community_consultation(users["coordinator"])


def test_one_vote_per_participant_per_statement(c: Consultation, users: dict[str, Any]) -> None:
    s = accepted(users["coordinator"], c, "Every state needs a CSIRT.")
    p = join(users["expert"], c)
    services.vote_cast(actor=users["expert"], statement=s, value=1)
    services.vote_cast(actor=users["expert"], statement=s, value=-1)
    votes = Vote.objects.filter(statement=s)
    assert votes.count() == 1 and votes.get().value == -1
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(consultation=c, participant=p, statement=s, value=1, tlp=c.tlp)


def test_vote_refuses_bad_input(c: Consultation, users: dict[str, Any]) -> None:
    s = accepted(users["coordinator"], c, "Statement.")
    with pytest.raises(ServiceError, match="Join"):
        services.vote_cast(actor=users["expert"], statement=s, value=1)
    join(users["expert"], c)
    with pytest.raises(ServiceError, match="agree"):
        services.vote_cast(actor=users["expert"], statement=s, value=2)
    pending = services.statement_submit(actor=users["expert"], consultation=c, body="Mine.")
    assert pending.status == Statement.Status.PENDING
    with pytest.raises(ServiceError, match="not open for votes"):
        services.vote_cast(actor=users["expert"], statement=pending, value=1)
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=users["donor"], statement=s, value=1)
    assert not Vote.objects.filter(consultation=c).exists()


def test_moderation_only_by_editors(c: Consultation, users: dict[str, Any]) -> None:
    join(users["expert"], c)
    s = services.statement_submit(actor=users["expert"], consultation=c, body="Add a council.")
    with pytest.raises(PermissionDenied):
        services.statement_moderate(actor=users["expert"], statement=s, status="accepted")
    services.statement_moderate(actor=users["coordinator"], statement=s, status="accepted")
    s.refresh_from_db()
    assert s.status == Statement.Status.ACCEPTED
    with pytest.raises(ServiceError, match="already"):
        services.statement_submit(actor=users["expert"], consultation=c, body="add a council.")


def test_next_statement_fewest_votes_then_priority(c: Consultation, users: dict[str, Any]) -> None:
    a = accepted(users["coordinator"], c, "A")
    b = accepted(users["coordinator"], c, "B")
    join(users["expert"], c)
    join(users["focal_point"], c, code="GD")
    services.vote_cast(actor=users["focal_point"], statement=a, value=1)
    # No analysis yet: the statement with the fewest votes comes first.
    assert selectors.next_statement(users["expert"], c) == b
    services.vote_cast(actor=users["expert"], statement=b, value=1)
    assert selectors.next_statement(users["expert"], c) == a
    services.vote_cast(actor=users["expert"], statement=a, value=0)
    assert selectors.next_statement(users["expert"], c) is None
    c.refresh_from_db()
    analysis = services.consultation_analyse(consultation=c)
    assert set(analysis["priority"]) == {"1", "2"}
    new = accepted(users["coordinator"], c, "C")
    c.refresh_from_db()
    # A statement newer than the analysis comes first for someone who has not voted on it.
    assert selectors.next_statement(users["focal_point"], c) == new


def test_rate_limit_for_public_consultations(users: dict[str, Any]) -> None:
    c = community_consultation(
        users["coordinator"],
        participation=Participation.PUBLIC,
        tlp=TLP.CLEAR,
        votes_per_minute=3,
    )
    statements = [accepted(users["coordinator"], c, f"S{i}") for i in range(5)]
    join(users["public"], c)
    for s in statements[:3]:
        services.vote_cast(actor=users["public"], statement=s, value=1, ip="10.0.0.1")
    with pytest.raises(services.RateLimited):
        services.vote_cast(actor=users["public"], statement=statements[3], value=1, ip="10.0.0.1")
    assert Vote.objects.filter(consultation=c).count() == 3
    # The per-address counter also stops another account on the same address.
    join(users["expert"], c)
    for s in statements[:3]:
        with pytest.raises(services.RateLimited):
            services.vote_cast(actor=users["expert"], statement=s, value=1, ip="10.0.0.1")
