"""The error of a malformed Polis export: which file, which line and column, what is wrong."""

from __future__ import annotations

import os
from collections.abc import Mapping

from reef.core.validation import ImportFileError, line_where


def gettext_noop(message: str) -> str:
    """Marks a reason for translation; the Django layer translates it (no Django here)."""
    return message


class PolisFormatError(ImportFileError):
    """A Polis export file is malformed; names the file, the 1-based line and the column.

    An :class:`~reef.core.validation.ImportFileError` with one problem, at ``line N, column
    'C'`` of the file (`line_where`; the file alone when it is missing: line 0). ``path``
    is the file, as before this was an ImportFileError; ``where`` is the place in it.

    ``template`` is an English message marked with ``gettext_noop``; ``params`` fill its
    ``%(name)s`` placeholders. ``reason`` (and ``message``) is the filled-in English text.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        line: int,
        column: str | None,
        message: str,
        params: Mapping[str, object] | None = None,
    ):
        filled: dict[str, object] = dict(params or {})
        reason = message % filled if filled else message
        # Quoted: Polis columns are often numbers (comment ids in participants-votes.csv).
        where = line_where(line, None if column is None else f"'{column}'") if line else ""
        super().__init__(str(path), where, reason)
        self.path = str(path)
        self.where = where
        self.line = line
        self.column = column
        self.template = message
        self.params = filled
        self.reason = reason
