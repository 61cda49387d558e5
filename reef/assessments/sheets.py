"""An assessor's own rating sheet as XLSX: exported to fill offline, imported back.

The sheet holds only the assessor's own ratings (independence) and names its assessment
and assessor on a second sheet, so that a sheet of another assessment or another assessor
is refused. Each row carries the version of the rating it was made from: a rating changed
online since the export is reported, not overwritten.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from reef.assessments.models import Assessment, Rating, RatingValue
from reef.assessments.ratingrows import RatingRow, RatingRowsInvalid, RowError
from reef.core.errors import ServiceError
from reef.frameworks import selectors as framework_selectors
from reef.frameworks.models import Indicator

RATINGS = "Ratings"
ABOUT = "About"
#: Column letter -> (row field, header). The order is the sheet's.
COLUMNS = {
    "A": ("indicator", "Indicator"),
    "B": ("", "Part"),
    "C": ("", "Statement"),
    "D": ("value", "Rating"),
    "E": ("evidence", "Evidence"),
    "F": ("evidence_link", "Evidence link"),
    "G": ("version", "Version (do not change)"),
}
FIELD_COLUMN = {f: c for c, (f, _h) in COLUMNS.items() if f}
MAX_ROWS = 5000


def column_of(field: str) -> str:
    return FIELD_COLUMN.get(field, "")


def export_sheet(user: Any, assessment: Assessment) -> bytes:
    """The user's own rating sheet: every indicator, with their ratings so far."""
    own = {r.indicator_id: r for r in Rating.objects.filter(assessment=assessment, assessor=user)}
    wb = Workbook()
    default = wb.active
    ws = wb.create_sheet(RATINGS)
    if default is not None:
        wb.remove(default)
    ws.append([h for _f, h in COLUMNS.values()])
    indicators = Indicator.objects.filter(framework=assessment.framework).order_by("position")
    # Statements in the reader's language; keys (column A) are what the import reads.
    texts = framework_selectors.indicator_texts(framework_selectors.shown(assessment.framework))
    n = 1
    for ind in indicators:
        r = own.get(ind.pk)
        ws.append(
            [
                ind.key,
                ind.factor_key or ind.pillar_key,
                texts.get(ind.key) or ind.text,
                r.value if r else "",
                r.evidence_text if r else "",
                r.evidence_link if r else "",
                r.version if r else None,
            ]
        )
        n += 1
    check = DataValidation(
        type="list", formula1='"' + ",".join(RatingValue.values) + '"', allow_blank=True
    )
    check.add(f"D2:D{max(n, 2)}")
    ws.add_data_validation(check)
    ws.freeze_panes = "B2"
    for col, width in zip("ABCDEFG", (14, 8, 60, 10, 40, 30, 10), strict=True):
        ws.column_dimensions[col].width = width
    about = wb.create_sheet(ABOUT)
    about.append(["assessment", assessment.pk])
    about.append(["assessor", user.pk])
    about.append(["framework", assessment.framework.ref])
    about.append(["ratings", ", ".join(RatingValue.values)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bad(message: str) -> ServiceError:
    return ServiceError(message, field="sheet")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_sheet(data: bytes, *, user: Any, assessment: Assessment) -> list[RatingRow]:
    """The sheet's filled rows as `RatingRow`s (`row` = the sheet's row number).

    A file that is not a rating sheet, or is another assessment's or another assessor's,
    is refused as a whole; rows are checked by the service (errors by row and column).
    """
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _bad(_("This file is not an XLSX rating sheet.")) from None
    if RATINGS not in wb.sheetnames or ABOUT not in wb.sheetnames:
        raise _bad(_("This workbook is not a Reef rating sheet (its sheets are missing)."))
    about = {
        _text(row[0]): row[1] if len(row) > 1 else None
        for row in wb[ABOUT].iter_rows(values_only=True)
        if row
    }
    if _text(about.get("assessment")) != str(assessment.pk):
        raise _bad(
            _("This sheet is for assessment %(other)s, not this one (%(this)s).")
            % {"other": _text(about.get("assessment")) or "?", "this": assessment.pk}
        )
    if _text(about.get("assessor")) != str(user.pk):
        raise _bad(
            _("This sheet holds another assessor's ratings: export and fill your own sheet.")
        )
    rows: list[RatingRow] = []
    errors: list[RowError] = []
    for number, cells in enumerate(wb[RATINGS].iter_rows(min_row=2, values_only=True), start=2):
        if number > MAX_ROWS:
            raise _bad(_("The sheet has too many rows (at most %(n)s).") % {"n": MAX_ROWS})
        values = list(cells) + [None] * (7 - len(cells))
        key, value = _text(values[0]), _text(values[3])
        if not key and not value:
            continue
        if not value:
            continue  # not rated yet
        raw_version = _text(values[6])
        version: int | None = None
        if raw_version:
            try:
                version = int(raw_version)
            except ValueError:
                errors.append(RowError(number, "version", _("The version must be a whole number.")))
                continue
        rows.append(
            RatingRow(
                indicator=key,
                value=value.lower(),
                evidence=_text(values[4]),
                evidence_link=_text(values[5]),
                version=version,
                row=number,
            )
        )
    if errors:
        raise RatingRowsInvalid(errors)
    if not rows:
        raise _bad(_("The sheet has no ratings filled in."))
    return rows
