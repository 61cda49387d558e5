"""Who is acting and from where, for the audit trail, without threading request through."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str = ""
    user_agent: str = ""
    via: str = "web"  # web, api, cli, task


_EMPTY = RequestContext()
_current: ContextVar[RequestContext] = ContextVar(
    "reef_request_context",
    default=_EMPTY,
)


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext) -> object:
    return _current.set(ctx)


def reset(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
