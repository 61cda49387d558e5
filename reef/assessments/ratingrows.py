"""A batch of ratings as rows (API batch, rating sheet) and its row-by-row errors.

Shared by the services that save the rows and by the sheet reader that makes them, so
neither imports the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import ngettext

from reef.core.errors import ServiceError


@dataclass(frozen=True)
class RatingRow:
    """One rating of a batch (API or rating sheet). `version`: the stored rating's version
    the row was based on, None for a rating not made yet. `row`: its place for errors."""

    indicator: str
    value: str
    evidence: str = ""
    evidence_link: str = ""
    version: int | None = None
    row: int = 0


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


class RatingRowsInvalid(ServiceError):
    """Some rows of a batch are wrong: every problem is listed; nothing was saved."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__(
            ngettext(
                "%(n)s problem in the ratings; nothing was saved.",
                "%(n)s problems in the ratings; nothing was saved.",
                len(self.errors),
            )
            % {"n": len(self.errors)},
            field="ratings",
        )
