"""The rules layer: actors, require/allowed, and the generated table in docs/access.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reef.core import independence
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.roles import Scope
from reef.core.rules import DEMO, RULES, Rule, allowed, require, rules_markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "access.md"


def test_docs_access_table_matches_the_rules() -> None:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"<!-- rules:begin -->\n(.*?)<!-- rules:end -->", text, re.S)
    assert found, "docs/access.md lost its rules markers"
    assert found.group(1) == rules_markdown(), "regenerate with: reef rules --markdown"


def _rule(system: bool = True) -> Rule:
    return Rule(
        name="test.thing",
        record="thing",
        roles="country editors",
        predicate=lambda scope, obj: scope.can_in_country(obj, "edit"),
        system=system,
    )


def test_anonymous_and_none_are_never_allowed() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not allowed(_rule(), None, 1)
    assert not allowed(_rule(), AnonymousUser(), 1)
    with pytest.raises(PermissionDenied):
        require(_rule(), None, 1)


def test_hidden_refusal_is_not_found() -> None:
    with pytest.raises(ServiceError) as err:
        require(_rule(), None, 1, hidden=True)
    assert err.value.code == "not_found"


def test_system_actor_is_allowed_only_where_the_rule_says() -> None:
    assert allowed(_rule(system=True), DEMO, 1)
    assert not allowed(_rule(system=False), DEMO, 1)
    assert str(DEMO) == "system:demo"


def test_predicate_reads_the_scope() -> None:
    r = _rule()
    assert r(Scope(user_id=1, countries={7: 2}), 7)
    assert not r(Scope(user_id=1, countries={7: 1}), 7)


def test_every_registered_rule_is_named_after_its_app() -> None:
    for name, r in RULES.items():
        app, _sep, action = name.partition(".")
        assert app and action and r.record and r.roles, name


@pytest.mark.parametrize(
    ("phase", "see"),
    [
        (independence.Phase(open=True), False),
        (independence.Phase(open=True, is_author=True), True),
        (independence.Phase(open=True, has_submitted=True), True),
        (independence.Phase(open=False), True),
    ],
)
def test_independent_phase_hides_answers_until_submitted_or_closed(
    phase: independence.Phase, see: bool
) -> None:
    assert independence.may_see_answer(phase) is see


def test_who_has_seen_others_may_not_answer_first() -> None:
    assert independence.may_answer(phase_open=True, has_seen_others=False)
    assert not independence.may_answer(phase_open=True, has_seen_others=True)
    assert not independence.may_answer(phase_open=False, has_seen_others=False)
