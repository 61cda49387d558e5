"""Each assessment and framework rule: a persona it allows and one it refuses; system actors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reef.accounts.models import User
from reef.assessments import rules
from reef.assessments.models import Status
from reef.assessments.tests.helpers import build
from reef.core.roles import Scope
from reef.core.rules import DEMO, OPERATOR_IMPORT, WORKER, Rule, allowed
from reef.directory.models import Country
from reef.frameworks.rules import may_import_framework
from tests_support.world import make_user

pytestmark = pytest.mark.django_db


def admin_user(monkeypatch: pytest.MonkeyPatch, email: str = "admin@example.org") -> User:
    """A platform administrator.

    Assumption until the "people" work lands on main: the role shows as `Scope.is_admin`
    (which exists); here compute_scope is patched to set it for this user.
    """
    import dataclasses

    from reef.core import access as scope_module  # where the access layer looks it up

    user = make_user(email=email)
    real = scope_module.compute_scope  # type: ignore[attr-defined]

    def compute(u: Any) -> Scope:
        found = real(u)
        return dataclasses.replace(found, is_admin=True) if u.pk == user.pk else found

    monkeypatch.setattr(scope_module, "compute_scope", compute)
    return user


# rule, what it acts on ("assessment" or "country"), allowed personas, refused personas
CASES: list[tuple[Rule, str, list[str], list[str]]] = [
    (rules.may_request, "country", ["focal_point"], ["coordinator", "expert", "outsider"]),
    (rules.may_accept, "assessment", ["coordinator"], ["focal_point", "expert", "outsider"]),
    (rules.may_assign_team, "assessment", ["coordinator"], ["focal_point", "expert"]),
    (rules.may_open_rating, "assessment", ["coordinator"], ["focal_point", "expert", "outsider"]),
    (rules.may_record_session, "assessment", ["coordinator", "expert"], ["focal_point", "donor"]),
    (rules.may_rate, "assessment", ["coordinator", "expert"], ["focal_point", "outsider"]),
    (rules.may_close_rating, "assessment", ["coordinator"], ["expert", "focal_point"]),
    (rules.may_decide, "assessment", ["coordinator"], ["expert", "focal_point"]),
    (rules.may_finish_consolidation, "assessment", ["coordinator"], ["expert", "focal_point"]),
    (rules.may_set_summary, "assessment", ["coordinator"], ["expert", "focal_point"]),
    (rules.may_set_targets, "assessment", ["coordinator", "focal_point"], ["expert", "outsider"]),
    (rules.may_agree_targets, "assessment", ["focal_point"], ["coordinator", "expert"]),
    (rules.may_propose_need, "assessment", ["focal_point"], ["coordinator", "expert", "outsider"]),
    (rules.may_import, "country", ["focal_point", "coordinator"], ["expert", "outsider", "public"]),
    (may_import_framework, "none", ["coordinator"], ["focal_point", "expert", "public"]),
]


@pytest.mark.parametrize(("rule", "on", "yes", "no"), CASES, ids=[c[0].name for c in CASES])
def test_rule_allows_and_refuses(
    users: dict[str, Any], rule: Rule, on: str, yes: list[str], no: list[str]
) -> None:
    a = build(users, until=Status.RATING)
    objects: dict[str, Callable[[], Any]] = {
        "assessment": lambda: a,
        "country": lambda: Country.objects.get(code="GD"),
        "none": lambda: None,
    }
    obj = objects[on]()
    for who in yes:
        assert allowed(rule, users[who], obj), (rule.name, who)
    for who in no:
        assert not allowed(rule, users[who], obj), (rule.name, who)


def test_administrators_import_but_have_no_rights_on_country_records(
    users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = admin_user(monkeypatch)
    a = build(users, until=Status.RATING)
    gd = Country.objects.get(code="GD")
    assert allowed(rules.may_import, admin, gd)
    assert allowed(may_import_framework, admin)
    for rule in (rules.may_accept, rules.may_rate, rules.may_set_targets, rules.may_agree_targets):
        assert not allowed(rule, admin, a), rule.name
    assert not allowed(rules.may_request, admin, gd)


def test_system_actors_only_import(users: dict[str, Any]) -> None:
    a = build(users, until=Status.RATING)
    gd = Country.objects.get(code="GD")
    assert allowed(rules.may_import, OPERATOR_IMPORT, gd)
    assert allowed(may_import_framework, DEMO)
    for actor in (DEMO, OPERATOR_IMPORT, WORKER):
        assert not allowed(rules.may_rate, actor, a)
        assert not allowed(rules.may_request, actor, gd)
        assert not allowed(rules.may_agree_targets, actor, a)


def test_system_actor_cannot_take_a_persons_step(users: dict[str, Any]) -> None:
    from reef.assessments import services
    from reef.core.errors import PermissionDenied

    a = build(users, until=Status.RATING)
    with pytest.raises(PermissionDenied, match="team"):
        services.rating_submit(actor=DEMO, assessment=a, indicator="P.1.a.2.1", value="met")
    assert not a.ratings.exists()


def test_buttons_follow_the_rules(users: dict[str, Any], clients: dict[str, Any]) -> None:
    a = build(users, until=Status.RATING)
    close = b"Close rating and open consolidation"
    assign = b"Change the team"
    lead_page = clients["coordinator"].get(f"/assessments/{a.pk}/").content
    assert close in lead_page and assign in lead_page
    expert_page = clients["expert"].get(f"/assessments/{a.pk}/").content
    assert close not in expert_page and assign not in expert_page
    assert b"My ratings" in expert_page
    focal_page = clients["focal_point"].get(f"/assessments/{a.pk}/").content
    assert b"My ratings" not in focal_page and close not in focal_page
    # Only who may request an assessment sees the button on the list.
    request = b"Request an assessment"
    assert request in clients["focal_point"].get("/assessments/").content
    assert request not in clients["expert"].get("/assessments/").content
