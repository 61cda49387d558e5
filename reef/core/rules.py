"""The one rules layer for writes (reads go through `for_user`, see access.py).

An actor is a signed-in `User` or a named `SystemActor` (the demo loader, an
import run by the operator, the task worker): never `None`. A rule is a pure
predicate over the actor's scope and the record it acts on. Services call
`require(rule, actor, obj)`; views, templates (which buttons to show), the API
and the CLI ask `allowed(rule, actor, obj)`, so a button appears only when its
action would be allowed.

Each app declares its rules in its own `rules.py` with the `rule` decorator:

    @rule("planning.need_edit", record="need", roles="editors and managers of the plan's country")
    def may_edit_need(scope: Scope, need: Need) -> bool:
        return scope.can_in_country(need.plan.country_id, Action.EDIT)

The registry feeds the table in docs/access.md (`reef rules --markdown`), which
a test keeps equal to the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.translation import gettext as _

from reef.core.errors import PermissionDenied, ServiceError
from reef.core.roles import ANONYMOUS_SCOPE, Scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from reef.accounts.models import User


@dataclass(frozen=True)
class SystemActor:
    """The platform acting on its own: never a person, always named in the audit trail."""

    name: str

    is_authenticated = False
    is_active = True
    pk = None
    email = ""

    def __str__(self) -> str:
        return f"system:{self.name}"


#: The demo loader.
DEMO = SystemActor("demo")
#: A file imported by the operator from the console without `--as`.
OPERATOR_IMPORT = SystemActor("import")
#: Background tasks (analyses, reminders, mail).
WORKER = SystemActor("worker")

type Actor = User | SystemActor


class Predicate(Protocol):
    def __call__(self, scope: Scope, obj: Any, /) -> bool: ...


@dataclass(frozen=True)
class Rule:
    """A named permission: who (roles) may do `name` to which `record`."""

    name: str
    record: str
    roles: str
    predicate: Predicate
    system: bool = True  # whether a system actor passes

    def __call__(self, scope: Scope, obj: Any = None) -> bool:
        return bool(self.predicate(scope, obj))


RULES: dict[str, Rule] = {}


def rule(
    name: str, *, record: str, roles: str, system: bool = True
) -> Callable[[Callable[[Scope, Any], bool]], Rule]:
    """Declare and register a rule. The decorated function becomes the `Rule`."""

    def register(fn: Callable[[Scope, Any], bool]) -> Rule:
        if name in RULES:
            raise RuntimeError(f"rule {name!r} declared twice")
        declared = Rule(name=name, record=record, roles=roles, predicate=fn, system=system)
        RULES[name] = declared
        return declared

    return register


def scope_of(actor: Actor | AnonymousUser | None) -> Scope:
    from reef.core.access import scope_for

    if actor is None or isinstance(actor, SystemActor):
        return ANONYMOUS_SCOPE
    return scope_for(actor)


def allowed(rule: Rule, actor: Actor | AnonymousUser | None, obj: Any = None) -> bool:
    """Whether `actor` may do what `rule` names to `obj`. Anonymous callers never may."""
    if isinstance(actor, SystemActor):
        return rule.system
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    return rule(scope_of(actor), obj)


def require(
    rule: Rule, actor: Actor | AnonymousUser | None, obj: Any = None, *, hidden: bool = False
) -> None:
    """Raise unless allowed. `hidden=True` when the actor may not even see `obj`: a 404."""
    if allowed(rule, actor, obj):
        return
    if hidden:
        raise ServiceError(_("Not found."), code="not_found")
    raise PermissionDenied()


def user_of(actor: Actor | None) -> User | None:
    """The person behind an actor (None for the system), for foreign keys such as `created_by`."""
    if actor is None or isinstance(actor, SystemActor):
        return None
    return actor


def rules_markdown() -> str:
    """The table of every rule, as docs/access.md carries it."""
    lines = [
        "| rule | record | who may | system actors |",
        "|---|---|---|---|",
    ]
    for name in sorted(RULES):
        r = RULES[name]
        lines.append(f"| `{r.name}` | {r.record} | {r.roles} | {'yes' if r.system else 'no'} |")
    return "\n".join(lines) + "\n"
