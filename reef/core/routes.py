"""Access rules declared on every view, checked by the route authorisation test.

- PUBLIC: anyone, signed in or not;
- SIGNED_IN: any signed-in user (anonymous users are sent to sign in);
- LABELLED: the view shows records through the access layer; hidden ones are 404;
- SERVICE: the view checks a role through a service (403/404 as the service says).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Rule(StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    LABELLED = "labelled"
    SERVICE = "service"


def access(rule: Rule) -> Callable[[F], F]:
    def mark(view: F) -> F:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return mark


def rule_of(view: Any) -> Rule | None:
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "__wrapped__", None)):
        rule = getattr(candidate, "access_rule", None)
        if rule is not None:
            return Rule(rule)
    return None
