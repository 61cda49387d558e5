"""Delphi services: feedback after one's first answers, stability, agreement bands."""

from __future__ import annotations

from typing import Any

import pytest

from reef.consultations import selectors, services
from reef.consultations.models import Consultation, DelphiResponse
from reef.consultations.tests.helpers import community_consultation, join
from reef.core.errors import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(users: dict[str, Any]) -> Consultation:
    return community_consultation(users["coordinator"])


def test_delphi_feedback_hidden_until_first_answers(c: Consultation, users: dict[str, Any]) -> None:
    rnd = services.delphi_round_create(
        actor=users["coordinator"], consultation=c, title="Priorities", items=["A", "B", "C"]
    )
    items = list(rnd.items.all())
    join(users["expert"], c)
    join(users["focal_point"], c, code="GD")
    assert not selectors.delphi_feedback_visible(users["expert"], rnd)
    with pytest.raises(selectors.FeedbackHidden):
        selectors.delphi_feedback(users["expert"], rnd)
    with pytest.raises(ServiceError, match="every item"):
        services.delphi_respond(actor=users["expert"], round=rnd, ratings={items[0].pk: 4})
    assert not DelphiResponse.objects.exists()
    with pytest.raises(ServiceError, match="between"):
        services.delphi_respond(actor=users["expert"], round=rnd, ratings={i.pk: 9 for i in items})
    services.delphi_respond(actor=users["expert"], round=rnd, ratings={i.pk: 4 for i in items})
    assert selectors.delphi_feedback_visible(users["expert"], rnd)
    assert not selectors.delphi_feedback_visible(users["focal_point"], rnd)
    services.delphi_respond(
        actor=users["focal_point"], round=rnd, ratings={i.pk: n for n, i in enumerate(items, 2)}
    )
    fb = selectors.delphi_feedback(users["expert"], rnd)
    assert fb.respondents == 2 and fb.items[0].summary.n == 2
    assert fb.kendall is not None
    # A revision keeps the first answer.
    services.delphi_respond(actor=users["expert"], round=rnd, ratings={items[0].pk: 1})
    r = DelphiResponse.objects.get(item=items[0], participant__user=users["expert"])
    assert (r.first_rating, r.rating) == (4, 1)


def test_delphi_second_round_stability(c: Consultation, users: dict[str, Any]) -> None:
    first = services.delphi_round_create(
        actor=users["coordinator"], consultation=c, title="R1", items=["A", "B"]
    )
    join(users["expert"], c)
    services.delphi_respond(
        actor=users["expert"], round=first, ratings={i.pk: 4 for i in first.items.all()}
    )
    second = services.delphi_round_create(actor=users["coordinator"], consultation=c, title="R2")
    first.refresh_from_db()
    assert first.status == "closed"
    services.delphi_respond(
        actor=users["expert"], round=second, ratings={i.pk: 4 for i in second.items.all()}
    )
    fb = selectors.delphi_feedback(users["expert"], second)
    assert all(f.change == 0.0 and f.stable for f in fb.items)
    with pytest.raises(ServiceError, match="not open"):
        services.delphi_respond(
            actor=users["expert"], round=first, ratings={i.pk: 4 for i in first.items.all()}
        )


def test_delphi_agreement_band_defaults_by_scale(c: Consultation, users: dict[str, Any]) -> None:
    """The page and the API get the same default: 7-9 on a 1-9 scale, the top two
    points otherwise; a given value wins."""
    coordinator = users["coordinator"]

    def make(title: str, **kwargs: Any) -> int:
        rnd = services.delphi_round_create(
            actor=coordinator, consultation=c, title=title, items=["A", "B"], **kwargs
        )
        return rnd.agree_min

    assert make("Nine", scale=(1, 9), rule="70/15") == 7
    assert make("Five", scale=(1, 5)) == 4
    assert make("Given", scale=(1, 9), agree_min=8) == 8
