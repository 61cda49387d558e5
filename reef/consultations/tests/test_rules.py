"""Every consultations rule: one persona it allows, one it refuses (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest

from reef.consultations import rules as R
from reef.consultations.models import (
    Amendment,
    Consultation,
    DelphiRound,
    Participation,
    Section,
    Statement,
)
from reef.consultations.tests.helpers import community_consultation
from reef.core.rules import DEMO, RULES, WORKER, Rule, allowed

pytestmark = pytest.mark.django_db

RUN = "run"  # the owner's (CARICOM IMPACS) editors
PART = "part"  # invited to take part


#: rule -> (what it acts on, allowed persona, refused persona)
CASES: dict[Rule, tuple[str, str, str]] = {
    R.may_create: (RUN, "coordinator", "donor"),
    R.may_import_polis: (RUN, "coordinator", "donor"),
    R.may_export_polis: (RUN, "coordinator", "expert"),
    R.may_set_window: (RUN, "coordinator", "focal_point"),
    R.may_add_members: (RUN, "coordinator", "outsider"),
    R.may_moderate: (RUN, "coordinator", "expert"),
    R.may_create_round: (RUN, "coordinator", "donor"),
    R.may_close_round: (RUN, "coordinator", "focal_point"),
    R.may_create_section: (RUN, "coordinator", "public"),
    R.may_decide_amendment: (RUN, "coordinator", "focal_point"),
    R.may_join: (PART, "focal_point", "donor"),
    R.may_submit_statement: (PART, "expert", "donor"),
    R.may_vote: (PART, "outsider", "public"),
    R.may_respond: (PART, "focal_point", "donor"),
    R.may_comment: (PART, "expert", "public"),
    R.may_propose_amendment: (PART, "focal_point", "donor"),
}


def _target(rule: Rule, c: Consultation) -> Any:
    kind: type[Any] | None = {
        R.may_moderate: Statement,
        R.may_vote: Statement,
        R.may_close_round: DelphiRound,
        R.may_respond: DelphiRound,
        R.may_decide_amendment: Amendment,
        R.may_comment: Section,
        R.may_propose_amendment: Section,
    }.get(rule)
    return c if kind is None else kind(consultation=c)  # unsaved: the rules read its consultation


def test_every_consultations_rule_is_covered() -> None:
    names = {n for n in RULES if n.startswith("consultations.")}
    assert names == {r.name for r in CASES} | {R.may_remind.name, R.may_rebase_amendment.name}


def test_only_its_proposer_rebases_an_amendment(users: dict[str, Any]) -> None:
    from reef.consultations.models import Participant

    c = community_consultation(users["coordinator"])
    mine = Amendment(consultation=c, participant=Participant(consultation=c, user=users["expert"]))
    assert allowed(R.may_rebase_amendment, users["expert"], mine)
    for other in ("coordinator", "focal_point", "donor"):
        assert not allowed(R.may_rebase_amendment, users[other], mine), other
    assert not allowed(R.may_rebase_amendment, DEMO, mine)


@pytest.mark.parametrize("rule", list(CASES), ids=lambda r: r.name)
def test_rule_allows_one_persona_and_refuses_another(rule: Rule, users: dict[str, Any]) -> None:
    c = community_consultation(users["coordinator"])
    _kind, yes, no = CASES[rule]
    target = _target(rule, c)
    assert allowed(rule, users[yes], target), yes
    assert not allowed(rule, users[no], target), no


def test_system_actors_run_but_never_take_part(users: dict[str, Any]) -> None:
    c = community_consultation(users["coordinator"])
    for rule, (kind, _yes, _no) in CASES.items():
        assert allowed(rule, DEMO, _target(rule, c)) is (kind == RUN), rule.name


def test_reminders_are_the_workers_alone(users: dict[str, Any]) -> None:
    assert allowed(R.may_remind, WORKER)
    assert not allowed(R.may_remind, users["coordinator"])


def test_named_members_take_part_in_a_named_consultation(users: dict[str, Any]) -> None:
    c = community_consultation(
        users["coordinator"], participation=Participation.NAMED, members=[users["donor"]]
    )
    assert allowed(R.may_join, users["donor"], c)
    assert not allowed(R.may_join, users["focal_point"], c)  # in the community, not named
    assert allowed(R.may_join, users["coordinator"], c)  # the owner's editors always may


def test_pages_show_the_editors_buttons_only_to_who_may(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    from django.urls import reverse

    c = community_consultation(users["coordinator"])
    url = reverse("consultations:detail", args=[c.pk])
    moderate = reverse("consultations:moderate", args=[c.pk])
    manage = reverse("consultations:manage", args=[c.pk])
    window = reverse("consultations:window", args=[c.pk])
    editor = clients["coordinator"].get(url).content.decode()
    assert moderate in editor and manage in editor and window in editor
    for who in ("focal_point", "expert", "donor"):
        page = clients[who].get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert moderate not in body and manage not in body and window not in body, who
        assert clients[who].get(moderate).status_code == 403
