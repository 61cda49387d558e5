"""CSV rows with their line numbers, and the checks every Polis file reader shares."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

from reef.consultations.polis_io.errors import PolisFormatError, gettext_noop
from reef.consultations.polis_io.records import PolisId, parse_id


def _id_or_error(text: str, path: Path, line: int, column: str) -> PolisId:
    if text == "":
        raise PolisFormatError(path, line, column, gettext_noop("empty id"))
    return parse_id(text)


def _int_or_error(text: str, path: Path, line: int, column: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise PolisFormatError(
            path,
            line,
            column,
            gettext_noop("expected an integer, got %(value)s"),
            {"value": repr(text)},
        ) from None


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with the 1-based line on which each record starts (bodies may span lines)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        start = 1
        try:
            for row in reader:
                yield start, row
                start = reader.line_num + 1
        except csv.Error as exc:
            raise PolisFormatError(
                path,
                reader.line_num,
                None,
                gettext_noop("CSV syntax: %(error)s"),
                {"error": str(exc)},
            ) from None


def _check_header(path: Path, header: list[str], required: Iterable[str]) -> dict[str, int]:
    index = {name: i for i, name in enumerate(header)}
    for name in required:
        if name not in index:
            raise PolisFormatError(path, 1, name, gettext_noop("missing column in header"))
    return index


def _check_width(path: Path, line: int, row: list[str], header: list[str]) -> None:
    if len(row) != len(header):
        col = header[len(row)] if len(row) < len(header) else f"#{len(row)}"
        raise PolisFormatError(
            path,
            line,
            col,
            gettext_noop("expected %(expected)s fields, found %(found)s"),
            {"expected": len(header), "found": len(row)},
        )
