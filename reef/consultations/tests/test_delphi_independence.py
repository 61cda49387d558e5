"""Issue 13 item 3: the owner's editors may not read an open Delphi round's feedback and
then give "first" answers; an open round is an independent phase (reef.core.independence)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from reef.consultations import rules as R
from reef.consultations import selectors, services
from reef.consultations.models import Consultation, DelphiResponse, DelphiRound
from reef.consultations.tests.helpers import community_consultation, join
from reef.core.access import scope_for
from reef.core.errors import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(users: dict[str, Any]) -> Consultation:
    return community_consultation(users["coordinator"])  # the coordinator edits for the owner


@pytest.fixture
def rnd(c: Consultation, users: dict[str, Any]) -> DelphiRound:
    """An open round that two panellists have answered."""
    r = services.delphi_round_create(
        actor=users["coordinator"], consultation=c, title="Priorities", items=["A", "B"]
    )
    for who, code in (("focal_point", "GD"), ("expert", "TT")):
        join(users[who], c, code=code)
        services.delphi_respond(actor=users[who], round=r, ratings={i.pk: 5 for i in r.items.all()})
    return r


def test_editors_do_not_see_an_open_rounds_feedback_anywhere(
    c: Consultation, rnd: DelphiRound, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    editor = users["coordinator"]
    assert R.runs(scope_for(editor), c)
    assert not selectors.delphi_feedback_visible(editor, rnd)
    with pytest.raises(selectors.FeedbackHidden):
        selectors.delphi_feedback(editor, rnd)
    page = clients["coordinator"].get(reverse("consultations:delphi", args=[c.pk, rnd.number]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="feedback"' not in body and "Median" not in body
    api = f"/api/v1/consultations/{c.pk}/delphi/{rnd.number}/feedback"
    assert clients["coordinator"].get(api).status_code == 403
    # Neither do readers who may still join, nor those who joined but have not answered.
    assert clients["donor"].get(api).status_code in (403, 404)
    join(users["outsider"], c, code="BB")
    assert clients["outsider"].get(api).status_code == 403
    # Panellists who answered do.
    assert clients["expert"].get(api).status_code == 200


def test_an_editor_who_joins_gives_an_independent_first_answer_then_sees_feedback(
    c: Consultation, rnd: DelphiRound, users: dict[str, Any]
) -> None:
    editor = users["coordinator"]
    join(editor, c, code="GD")
    items = list(rnd.items.all())
    services.delphi_respond(actor=editor, round=rnd, ratings={i.pk: 1 for i in items})
    first = DelphiResponse.objects.filter(participant__user=editor)
    assert {r.first_rating for r in first} == {1}
    assert selectors.delphi_feedback_visible(editor, rnd)
    assert selectors.delphi_feedback(editor, rnd).respondents == 3


def test_whoever_has_seen_the_feedback_gives_no_first_answer(rnd: DelphiRound) -> None:
    assert R.may_answer_first(rnd, has_seen_feedback=False)
    assert not R.may_answer_first(rnd, has_seen_feedback=True)
    assert not R.may_see_feedback(rnd, has_submitted=False)
    assert R.may_see_feedback(rnd, has_submitted=True)


def test_a_closed_round_shows_its_feedback_to_every_reader_and_takes_no_answers(
    c: Consultation, rnd: DelphiRound, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    services.delphi_round_close(actor=users["coordinator"], round=rnd)
    rnd.refresh_from_db()
    assert selectors.delphi_feedback_visible(users["coordinator"], rnd)
    assert R.may_see_feedback(rnd, has_submitted=False)
    assert not R.may_answer_first(rnd, has_seen_feedback=True)
    join(users["outsider"], c, code="BB")
    with pytest.raises(ServiceError):
        services.delphi_respond(
            actor=users["outsider"], round=rnd, ratings={i.pk: 3 for i in rnd.items.all()}
        )
    assert not DelphiResponse.objects.filter(participant__user=users["outsider"]).exists()
