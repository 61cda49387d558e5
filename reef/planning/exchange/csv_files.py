"""Plans as CSV: one row per action (a need without actions has one row with empty action
columns); the first columns name the country and the cycle of the plan.

Reading turns the rows back into the JSON document :func:`plan_import` takes, so a CSV
file is checked by the same schema; what only the rows can get wrong (missing columns,
rows of two plans) is said with the line.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from reef.core.validation import line_where
from reef.planning.exchange.document import BOOLS, FORMAT, VERSION, refuse
from reef.planning.exchange.export import plan_to_dict
from reef.planning.models import Plan

CSV_COLUMNS = [
    "country",
    "cycle",
    "plan_title",
    "need_ref",
    "priority",
    "area",
    "need_title",
    "need_description",
    "need_tlp",
    "framework",
    "factor_key",
    "aspect_key",
    "cost_amount",
    "cost_currency",
    "impact",
    "urgency",
    "feasibility",
    "cost_rating",
    "action_title",
    "action_description",
    "lead_organisation",
    "start",
    "end",
    "budget_amount",
    "budget_currency",
    "status",
    "progress",
    "delivery",
    "is_training",
    "train_the_trainer",
    "curriculum_integration",
    "local_ownership",
    "post_donor_funding",
]
#: What a CSV plan file is called in messages when it came without a name.
UNNAMED_CSV = "plan.csv"
_REQUIRED = {"country", "cycle", "need_ref", "area", "need_title"}


# ------------------------------------------------------------------------------ writing


def _need_columns(meta: dict[str, Any], n: dict[str, Any]) -> dict[str, Any]:
    return {
        "country": meta["country"],
        "cycle": meta["cycle"],
        "plan_title": meta["title"],
        "need_ref": n["ref"],
        "priority": n["priority"],
        "area": n["area"],
        "need_title": n["title"],
        "need_description": n["description"],
        "need_tlp": n["tlp"],
        "framework": n["framework"],
        "factor_key": n["factor_key"],
        "aspect_key": n["aspect_key"],
        "cost_amount": n["cost"]["amount"] or "",
        "cost_currency": n["cost"]["currency"],
        "impact": n["ratings"]["impact"],
        "urgency": n["ratings"]["urgency"],
        "feasibility": n["ratings"]["feasibility"],
        "cost_rating": n["ratings"]["cost"],
    }


def _action_columns(a: dict[str, Any]) -> dict[str, Any]:
    sus = a["sustainability"]
    return {
        "action_title": a["title"],
        "action_description": a["description"],
        "lead_organisation": a["lead_organisation"] or "",
        "start": a["start"],
        "end": a["end"],
        "budget_amount": a["budget"]["amount"] or "",
        "budget_currency": a["budget"]["currency"],
        "status": a["status"],
        "progress": a["progress"],
        "delivery": sus["delivery"],
        **{k: "yes" if sus[k] else "no" for k in BOOLS},
    }


def plan_to_csv(user: Any, plan: Plan) -> str:
    data = plan_to_dict(user, plan)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for n in data["needs"]:
        base = _need_columns(data["plan"], n)
        if not n["actions"]:
            writer.writerow({k: _csv_cell(v) for k, v in base.items()})
        for a in n["actions"]:
            row = {**base, **_action_columns(a)}
            writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return out.getvalue()


_FORMULA_START = "=+-@\t\r"


def _csv_cell(value: Any) -> Any:
    """Spreadsheet programs run cells starting with = + - @ as formulas: neutralise them."""
    if isinstance(value, str) and value and value[0] in _FORMULA_START:
        return "'" + value
    return value


def _csv_uncell(value: str | None) -> str:
    if value and len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_START:
        return value[1:]
    return value or ""


# ------------------------------------------------------------------------------ reading


def csv_to_dict(text: str, filename: str = UNNAMED_CSV) -> dict[str, Any]:
    """Turn an exported CSV back into the JSON structure accepted by `plan_import`."""
    try:
        return _csv_to_dict(text, filename)
    except csv.Error as exc:
        message = _("The CSV file cannot be read: %(error)s.") % {"error": exc}
        raise refuse(filename, "", message) from None


def _priority(value: str | None, default: int, filename: str, line: int) -> int:
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        message = _("%(field)s: %(value)s is not a whole number.") % {
            "field": "priority",
            "value": repr(value),
        }
        raise refuse(filename, line_where(line), message) from None


def _need_from_row(row: dict[str, str], ref: str, priority: int) -> dict[str, Any]:
    return {
        "ref": ref,
        "priority": priority,
        "area": row["area"],
        "title": row["need_title"],
        "description": row.get("need_description", ""),
        "tlp": row.get("need_tlp") or None,
        "framework": row.get("framework", ""),
        "factor_key": row.get("factor_key", ""),
        "aspect_key": row.get("aspect_key", ""),
        "cost": {
            "amount": row.get("cost_amount") or None,
            "currency": row.get("cost_currency") or "USD",
        },
        "ratings": {
            "impact": row.get("impact"),
            "urgency": row.get("urgency"),
            "feasibility": row.get("feasibility"),
            "cost": row.get("cost_rating"),
        },
        "actions": [],
    }


def _action_from_row(row: dict[str, str]) -> dict[str, Any]:
    return {
        "title": row["action_title"],
        "description": row.get("action_description", ""),
        "lead_organisation": row.get("lead_organisation") or None,
        "start": row.get("start"),
        "end": row.get("end"),
        "budget": {
            "amount": row.get("budget_amount") or None,
            "currency": row.get("budget_currency") or "USD",
        },
        "status": row.get("status") or "planned",
        "progress": row.get("progress") or 0,
        "sustainability": {
            "delivery": row.get("delivery") or "recurring_programme",
            **{k: row.get(k, "no") for k in BOOLS},
        },
    }


def _csv_to_dict(text: str, filename: str) -> dict[str, Any]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = _REQUIRED - set(reader.fieldnames or [])
    if missing:
        message = _("CSV columns missing: %(columns)s.") % {"columns": ", ".join(sorted(missing))}
        raise refuse(filename, line_where(1), message)
    meta: dict[str, Any] = {}
    needs: dict[str, dict[str, Any]] = {}
    for line, raw in enumerate(reader, start=2):
        row = {k: _csv_uncell(v) for k, v in raw.items() if k}
        if not meta:
            meta = {
                "kind": "national",
                "country": row["country"],
                "cycle": row["cycle"],
                "title": row.get("plan_title", ""),
            }
        elif (row["country"], row["cycle"]) != (meta["country"], meta["cycle"]):
            message = _("Line %(line)s: all rows must belong to one plan.") % {"line": line}
            raise refuse(filename, "", message)  # the message names the line
        ref = row["need_ref"] or f"line-{line}"
        need = needs.get(ref)
        if need is None:
            priority = _priority(row.get("priority"), len(needs) + 1, filename, line)
            need = needs[ref] = _need_from_row(row, ref, priority)
        if row.get("action_title"):
            need["actions"].append(_action_from_row(row))
    if not meta:
        raise refuse(filename, "", _("The CSV file has no rows."))
    return {"format": FORMAT, "version": VERSION, "plan": meta, "needs": list(needs.values())}
