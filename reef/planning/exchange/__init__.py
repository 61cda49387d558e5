"""Plans in and out: JSON and CSV export/import, and IATI 2.03 activity XML of commitments.

JSON (format "reef-plan", version 1) carries the plan, its needs in priority order
with their actions and milestones, its risks, and (for information) its
commitments. Import creates a new plan from needs, actions, milestones and risks;
commitments are agreements between two parties and are not imported: they are
offered again by the pledging organisations. The format is the JSON Schema
``reef/planning/schema/plan.schema.json``.

CSV has one row per action (a need without actions has one row with empty action
columns); its first columns name the country and the cycle of the plan.

Exports contain only what the user may see (the access layer decides). A file that
cannot be imported raises :class:`PlanFileError` (an ``ImportFileError`` and a
``ServiceError``) naming every problem: the file, where in it, what was expected.

Modules: ``document`` (format, schema, checks), ``export`` (JSON), ``csv_files``,
``importing`` (file to plan), ``iati_export``.
"""

from __future__ import annotations

from reef.planning.exchange.csv_files import CSV_COLUMNS, csv_to_dict, plan_to_csv
from reef.planning.exchange.document import (
    FORMAT,
    SCHEMA_PATH,
    VERSION,
    PlanFileError,
    check_plan_shape,
    read_plan,
)
from reef.planning.exchange.export import plan_to_dict
from reef.planning.exchange.iati_export import DAC_REGION_CARIBBEAN, plan_to_iati
from reef.planning.exchange.importing import PLAN_FILE_MAX_BYTES, plan_data_from_file, plan_import

__all__ = [
    "CSV_COLUMNS",
    "DAC_REGION_CARIBBEAN",
    "FORMAT",
    "PLAN_FILE_MAX_BYTES",
    "SCHEMA_PATH",
    "VERSION",
    "PlanFileError",
    "check_plan_shape",
    "csv_to_dict",
    "plan_data_from_file",
    "plan_import",
    "plan_to_csv",
    "plan_to_dict",
    "plan_to_iati",
    "read_plan",
]
