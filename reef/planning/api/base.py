"""The planning API's router: every route module of the package adds its routes to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ninja import Router


class PlanningRouter(Router):
    """A router whose operations keep the ids they were published under when the routes
    were one module (``reef_planning_api_<function>``): clients generated from the
    schema call them by these ids."""

    def add_api_operation(
        self,
        path: str,
        methods: list[str],
        view_func: Callable[..., Any],
        *,
        operation_id: str | None = None,
        **options: Any,
    ) -> None:
        super().add_api_operation(
            path,
            methods,
            view_func,
            operation_id=operation_id or f"reef_planning_api_{view_func.__name__}",
            **options,
        )


router = PlanningRouter(tags=["planning"])
