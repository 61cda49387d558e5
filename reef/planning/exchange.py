"""Plans in and out: JSON and CSV export/import, and IATI 2.03 activity XML of commitments.

JSON (format "reef-plan", version 1) carries the plan, its needs in priority order
with their actions and milestones, its risks, and (for information) its
commitments. Import creates a new plan from needs, actions, milestones and risks;
commitments are agreements between two parties and are not imported: they are
offered again by the pledging organisations.

CSV has one row per action (a need without actions has one row with empty action
columns); its first columns name the country and the cycle of the plan.

Exports contain only what the user may see (the access layer decides).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.core.audit import audit_append
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import Actor, allowed
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation, OrganisationKind
from reef.planning import iati, rollup, rules, selectors, services
from reef.planning.models import Commitment, Plan

FORMAT = "reef-plan"
VERSION = 1

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

_BOOLS = (
    "is_training",
    "train_the_trainer",
    "curriculum_integration",
    "local_ownership",
    "post_donor_funding",
)


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def plan_to_dict(user: Any, plan: Plan) -> dict[str, Any]:
    """The plan as the user may see it, as plain JSON data."""
    needs = list(selectors.plan_needs(user, plan))
    actions = list(selectors.plan_actions(user, plan))
    commitments = list(selectors.plan_commitments(user, plan))
    by_need: dict[int, list[Any]] = {}
    for a in actions:
        by_need.setdefault(a.need_id, []).append(a)
    out_needs = []
    for n in needs:
        out_needs.append(
            {
                "ref": f"need-{n.pk}",
                "priority": n.position,
                "area": n.area.key,
                "title": n.title,
                "description": n.description,
                "tlp": n.tlp,
                "source": n.source,
                "framework": n.framework,
                "factor_key": n.factor_key,
                "aspect_key": n.aspect_key,
                "missing_indicators": n.missing_indicators,
                "assessment_ref": n.assessment_ref,
                "cost": {"amount": _dec(n.cost_amount), "currency": n.cost_currency},
                "ratings": {
                    "impact": n.impact,
                    "urgency": n.urgency,
                    "feasibility": n.feasibility,
                    "cost": n.cost_rating,
                },
                "score": _dec(n.score),
                "actions": [
                    {
                        "ref": f"action-{a.pk}",
                        "title": a.title,
                        "description": a.description,
                        "lead_organisation": a.lead_organisation.slug
                        if a.lead_organisation
                        else None,
                        "start": a.start.isoformat(),
                        "end": a.end.isoformat(),
                        "budget": {"amount": _dec(a.budget_amount), "currency": a.budget_currency},
                        "status": a.status,
                        "progress": a.progress,
                        "sustainability": {
                            "delivery": a.delivery,
                            **{k: getattr(a, k) for k in _BOOLS},
                            "drive_by_training": a.drive_by_training,
                            "score": a.sustainability_score,
                        },
                        "milestones": [
                            {
                                "title": m.title,
                                "due": m.due.isoformat(),
                                "done_on": m.done_on.isoformat() if m.done_on else None,
                            }
                            for m in a.milestones.all()
                        ],
                    }
                    for a in by_need.get(n.pk, [])
                ],
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
        "plan": {
            "kind": plan.kind,
            "title": plan.title,
            "cycle": plan.cycle,
            "country": plan.country.code if plan.country else None,
            "organisation": plan.organisation.slug if plan.organisation else None,
            "grouping": plan.grouping.slug if plan.grouping else None,
            "tlp": plan.tlp,
            "currency": plan.currency,
            "taxonomy": plan.taxonomy,
            "weights": {k: str(v) for k, v in plan.weights.items()},
            "start": plan.start.isoformat() if plan.start else None,
            "end": plan.end.isoformat() if plan.end else None,
            "priorities_confirmed_at": (
                plan.priorities_confirmed_at.isoformat() if plan.priorities_confirmed_at else None
            ),
        },
        "needs": out_needs,
        "risks": [
            {
                "category": r.category,
                "description": r.description,
                "likelihood": r.likelihood,
                "impact": r.impact,
                "owner": r.risk_owner,
                "mitigation": r.mitigation,
                "review_on": r.review_on.isoformat() if r.review_on else None,
            }
            for r in selectors.plan_risks(user, plan)
        ],
        "commitments": [
            {
                "ref": f"commitment-{c.pk}",
                "need": f"need-{c.need_id}",
                "organisation": c.organisation.slug,
                "kind": c.kind,
                "status": c.status,
                "amount": _dec(c.amount),
                "currency": c.currency,
                "description": c.description,
                "start": c.start.isoformat() if c.start else None,
                "end": c.end.isoformat() if c.end else None,
            }
            for c in commitments
        ],
    }


def _date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ServiceError(
            _("%(field)s: %(value)s is not a date (YYYY-MM-DD).")
            % {"field": field, "value": repr(value)},
            field=field,
        ) from None


def _int(value: Any, field: str, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise ServiceError(
            _("%(field)s: %(value)s is not a whole number.")
            % {"field": field, "value": repr(value)},
            field=field,
        ) from None


def _object(value: Any) -> dict[str, Any]:
    """An object of the file, absent: empty (`check_plan_shape` has checked its kind)."""
    return cast(dict[str, Any], value or {})


def _objects(value: Any) -> list[dict[str, Any]]:
    """A list of objects of the file, absent: empty (kinds checked by `check_plan_shape`)."""
    return cast(list[dict[str, Any]], value or [])


def _keys(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(k, str | int) for k in value):
        raise ServiceError(
            _("%(field)s: the missing indicators must be a list of keys.") % {"field": field},
            field="missing_indicators",
        )
    return [str(k) for k in value]


def _ref(value: Any, field: str) -> int | None:
    ref = _int(value, field, 0)
    if not 0 <= ref <= 2**31 - 1:
        raise ServiceError(
            _("%(field)s: %(value)s is out of range.") % {"field": field, "value": ref},
            field=field,
        )
    return ref or None


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "y"}


def _organisation(slug: Any) -> Organisation | None:
    if not slug:
        return None
    org: Organisation | None = Organisation.objects.filter(slug=str(slug)).first()
    if org is None:
        raise ServiceError(
            _("Unknown organisation %(value)s.") % {"value": repr(slug)}, field="lead_organisation"
        )
    return org


# ----------------------------------------------------------------- reading plan files

# Where a plan file has objects and lists: anything else there is refused before
# any row is written (a list of numbers where needs are expected used to answer 500).
_ANY = "any"
_VALUES = "values"
_PLAN_SHAPE: dict[str, Any] = {
    "plan": {"weights": {}},
    "needs": [
        {
            "cost": {},
            "ratings": {},
            "missing_indicators": _VALUES,
            "actions": [{"budget": {}, "sustainability": {}, "milestones": [{}]}],
        }
    ],
    "risks": [{}],
    "commitments": _ANY,  # exported for information, never imported
}


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return _("an object")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, str):
        return _("a string")
    if isinstance(value, bool):
        return _("true or false")
    return _("a number")


def _shape_error(path: str, expected: str, value: Any) -> ServiceError:
    return ServiceError(
        _("%(path)s: expected %(expected)s, found %(found)s")
        % {"path": path, "expected": expected, "found": _kind(value)},
        field=path,
    )


def _check_shape(value: Any, shape: Any, path: str) -> None:
    if shape == _ANY:
        return
    if shape == _VALUES:
        if not isinstance(value, list):
            raise _shape_error(path, _("a list"), value)
        for index, item in enumerate(value):
            if isinstance(item, (dict, list)):
                raise _shape_error(f"{path}[{index}]", _("a single value"), item)
        return
    if isinstance(shape, list):
        if not isinstance(value, list):
            raise _shape_error(path, _("a list"), value)
        for index, item in enumerate(value):
            _check_shape(item, shape[0], f"{path}[{index}]")
        return
    if not isinstance(value, dict):
        raise _shape_error(path, _("an object"), value)
    for key, item in value.items():
        if item is None:
            continue
        if key in shape:
            _check_shape(item, shape[key], f"{path}.{key}")
        elif isinstance(item, (dict, list)):
            raise _shape_error(f"{path}.{key}", _("a single value"), item)


def check_plan_shape(data: Any) -> None:
    """Refuse a plan document whose objects and lists are not where the format has them."""
    _check_shape(data, _PLAN_SHAPE, "$")


PLAN_FILE_MAX_BYTES = 5 * 1024 * 1024


def plan_data_from_file(
    raw: str | bytes, filename: str, *, max_bytes: int = PLAN_FILE_MAX_BYTES
) -> dict[str, Any]:
    """The parse entry of plan import (CLI and page): CSV, or JSON read by the bounded loader.

    Size, depth, node count and non-finite numbers are refused before objects are built;
    errors name the file, the place and what was expected, and nothing is written.
    """
    from reef.core import safeload

    limits = safeload.Limits(max_bytes=max_bytes)
    try:
        if filename.lower().endswith(".csv"):
            text = raw if isinstance(raw, str) else raw.decode("utf-8-sig")
            if len(text) > limits.max_bytes:
                raise safeload.LoadError(_("the file is too large"))
            return csv_to_dict(text)
        data = safeload.load_json(raw, limits=limits)
    except UnicodeDecodeError as exc:
        raise ServiceError(
            _("%(file)s: not UTF-8 text (byte %(at)s)") % {"file": filename, "at": exc.start},
            field="file",
        ) from None
    except safeload.LoadError as exc:
        raise ServiceError(f"{filename}: {exc.message}", field="file") from None
    return cast(dict[str, Any], data)  # its shape is checked by plan_import


@transaction.atomic
def plan_import(*, actor: Actor, data: dict[str, Any], cycle: str | None = None) -> Plan:
    """Create a national plan from exported JSON (needs, actions, milestones, risks)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ServiceError(
            _("Not a Reef plan file (format must be %(format)s).") % {"format": repr(FORMAT)},
            field="format",
        )
    if data.get("version") != VERSION:
        raise ServiceError(
            _("Unsupported plan file version %(value)s.") % {"value": repr(data.get("version"))},
            field="version",
        )
    check_plan_shape(data)
    meta = _object(data.get("plan"))
    if meta.get("kind", "national") != Plan.Kind.NATIONAL:
        raise ServiceError(_("Only national plans can be imported."), field="kind")
    country = Country.objects.filter(code=str(meta.get("country") or "").upper()).first()
    if country is None:
        raise ServiceError(
            _("Unknown country %(value)s.") % {"value": repr(meta.get("country"))}, field="country"
        )
    if not allowed(rules.may_import_plan, actor, country):
        raise PermissionDenied(_("Only the country's managers may import a plan for it."))
    plan = services.plan_create(
        actor=actor,
        country=country,
        title=str(meta.get("title") or ""),
        cycle=cycle or str(meta.get("cycle") or ""),
        tlp=str(meta.get("tlp") or TLP.AMBER),
        currency=str(meta.get("currency") or "USD"),
        start=_date(meta.get("start"), "start"),
        end=_date(meta.get("end"), "end"),
        weights=_object(meta.get("weights")) or None,
    )
    needs = _objects(data.get("needs"))
    ranked = sorted(needs, key=lambda n: _int(n.get("priority"), "needs[].priority", 0))
    for index, item in enumerate(ranked, start=1):
        cost = _object(item.get("cost"))
        ratings = _object(item.get("ratings"))
        need = services.need_create(
            actor=actor,
            plan=plan,
            area=str(item.get("area") or ""),
            title=str(item.get("title") or ""),
            description=str(item.get("description") or ""),
            cost_amount=cost.get("amount"),
            cost_currency=str(cost.get("currency") or "USD"),
            impact=_int(ratings.get("impact"), f"needs[{index}].impact", 3),
            urgency=_int(ratings.get("urgency"), f"needs[{index}].urgency", 3),
            feasibility=_int(ratings.get("feasibility"), f"needs[{index}].feasibility", 3),
            cost_rating=_int(ratings.get("cost"), f"needs[{index}].cost", 3),
            tlp=str(item.get("tlp") or plan.tlp),
            source=str(item.get("source") or "manual"),
            framework=str(item.get("framework") or ""),
            factor_key=str(item.get("factor_key") or ""),
            aspect_key=str(item.get("aspect_key") or ""),
            missing_indicators=_keys(item.get("missing_indicators"), f"needs[{index}]"),
            assessment_ref=_ref(item.get("assessment_ref"), f"needs[{index}].assessment_ref"),
        )
        for a in _objects(item.get("actions")):
            budget = _object(a.get("budget"))
            sus = _object(a.get("sustainability"))
            start = _date(a.get("start"), "start")
            end = _date(a.get("end"), "end")
            if start is None or end is None:
                raise ServiceError(
                    _("The action %(title)s needs a start and an end.")
                    % {"title": repr(a.get("title"))},
                    field="start",
                )
            action = services.action_create(
                actor=actor,
                need=need,
                title=str(a.get("title") or ""),
                description=str(a.get("description") or ""),
                lead_organisation=_organisation(a.get("lead_organisation")),
                start=start,
                end=end,
                budget_amount=budget.get("amount"),
                budget_currency=str(budget.get("currency") or "USD"),
                status=str(a.get("status") or "planned"),
                progress=_int(a.get("progress"), "progress", 0),
                delivery=str(sus.get("delivery") or "recurring_programme"),
                is_training=_bool(sus.get("is_training", False)),
                train_the_trainer=_bool(sus.get("train_the_trainer", False)),
                curriculum_integration=_bool(sus.get("curriculum_integration", False)),
                local_ownership=_bool(sus.get("local_ownership", False)),
                post_donor_funding=_bool(sus.get("post_donor_funding", False)),
            )
            for m in _objects(a.get("milestones")):
                due = _date(m.get("due"), "due")
                if due is None:
                    raise ServiceError(_("A milestone needs a due date."), field="due")
                services.milestone_create(
                    actor=actor,
                    action=action,
                    title=str(m.get("title") or ""),
                    due=due,
                )
    for r in _objects(data.get("risks")):
        services.risk_create(
            actor=actor,
            plan=plan,
            category=str(r.get("category") or ""),
            description=str(r.get("description") or ""),
            likelihood=_int(r.get("likelihood"), "likelihood", 0),
            impact=_int(r.get("impact"), "impact", 0),
            risk_owner=str(r.get("owner") or ""),
            mitigation=str(r.get("mitigation") or ""),
            review_on=_date(r.get("review_on"), "review_on"),
        )
    audit_append(action="plan_import", actor=actor, obj=plan, detail={"needs": len(needs)})
    return plan


def plan_to_csv(user: Any, plan: Plan) -> str:
    data = plan_to_dict(user, plan)
    meta = data["plan"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for n in data["needs"]:
        base = {
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
        if not n["actions"]:
            writer.writerow({k: _csv_cell(v) for k, v in base.items()})
        for a in n["actions"]:
            sus = a["sustainability"]
            row = {
                **base,
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
                **{k: "yes" if sus[k] else "no" for k in _BOOLS},
            }
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


def csv_to_dict(text: str) -> dict[str, Any]:
    """Turn an exported CSV back into the JSON structure accepted by `plan_import`."""
    try:
        return _csv_to_dict(text)
    except csv.Error as exc:
        raise ServiceError(
            _("The CSV file cannot be read: %(error)s.") % {"error": exc}, field="csv"
        ) from None


def _csv_to_dict(text: str) -> dict[str, Any]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = {"country", "cycle", "need_ref", "area", "need_title"} - set(reader.fieldnames or [])
    if missing:
        raise ServiceError(
            _("CSV columns missing: %(columns)s.") % {"columns": ", ".join(sorted(missing))},
            field="csv",
        )
    meta: dict[str, Any] = {}
    needs: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(reader, start=2):
        row = {k: _csv_uncell(v) for k, v in row.items() if k}
        if not meta:
            meta = {
                "kind": "national",
                "country": row["country"],
                "cycle": row["cycle"],
                "title": row.get("plan_title", ""),
            }
        elif (row["country"], row["cycle"]) != (meta["country"], meta["cycle"]):
            raise ServiceError(
                _("Line %(line)s: all rows must belong to one plan.") % {"line": line}, field="csv"
            )
        ref = row["need_ref"] or f"line-{line}"
        need = needs.get(ref)
        if need is None:
            need = needs[ref] = {
                "ref": ref,
                "priority": _int(row.get("priority"), "priority", len(needs) + 1),
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
        if row.get("action_title"):
            need["actions"].append(
                {
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
                        **{k: row.get(k, "no") for k in _BOOLS},
                    },
                }
            )
    if not meta:
        raise ServiceError(_("The CSV file has no rows."), field="csv")
    return {"format": FORMAT, "version": VERSION, "plan": meta, "needs": list(needs.values())}


# --- IATI ----------------------------------------------------------------------------

_TYPE_CODES: dict[str, str] = {
    OrganisationKind.GOVERNMENT: "10",
    OrganisationKind.REGIONAL: "40",
    OrganisationKind.INTERNATIONAL: "40",
    OrganisationKind.DONOR: "40",
    OrganisationKind.PRIVATE: "70",
    OrganisationKind.ACADEMIA: "80",
    OrganisationKind.CIVIL_SOCIETY: "22",
}
#: OECD DAC region code of "Caribbean & Central America" (regional activities).
DAC_REGION_CARIBBEAN = "380"


def _iati_org(org: Organisation) -> iati.IatiOrganisation:
    return iati.IatiOrganisation(f"XI-REEF-{org.slug}", org.name, _TYPE_CODES.get(org.kind, "90"))


def _iati_commitment(c: Commitment) -> iati.IatiCommitment:
    amount = rollup.Money(c.amount, c.currency) if c.amount is not None else None
    status = rollup.CommitmentStatus(c.status)
    accepted = c.accepted_on
    if accepted is None and status in rollup.ACTIVE_STATUSES:
        accepted = c.offered_on
    delivered = c.delivered_on
    if delivered is None and status in rollup.DELIVERED_STATUSES:
        delivered = c.verified_on or accepted
    return iati.IatiCommitment(
        id=f"c{c.pk}",
        funder=_iati_org(c.organisation),
        status=status,
        amount=amount,
        accepted_on=accepted,
        delivered_on=delivered,
    )


def plan_to_iati(user: Any, plan: Plan, generated_at: datetime | None = None) -> bytes:
    """Commitments of the plan that the user may see, as IATI 2.03 activities: one
    activity per action with commitments, and one per need for commitments made
    against the need itself."""
    commitments = list(
        selectors.plan_commitments(user, plan).select_related(
            "need__area", "action", "organisation"
        )
    )
    if not commitments:
        raise ServiceError(_("The plan has no commitments that you may see to export."))
    groups: dict[str, list[Commitment]] = {}
    for c in commitments:
        key = f"a{c.action_id}" if c.action_id else f"n{c.need_id}"
        groups.setdefault(key, []).append(c)
    code = plan.country.code if plan.country else None
    if plan.country is not None:
        reporting = iati.IatiOrganisation(
            f"XI-REEF-{plan.country.code}", f"Government of {plan.country.name}", "10"
        )
        beneficiary: iati.IatiOrganisation | None = reporting
    elif plan.organisation is not None:
        reporting = _iati_org(plan.organisation)
        beneficiary = None
    else:
        raise ServiceError(_("The plan has neither a country nor an organisation."))
    activities = []
    for key, items in groups.items():
        first = items[0]
        if first.action is not None:
            title, description = first.action.title, first.action.description
            start, end = first.action.start, first.action.end
        else:
            title, description = first.need.title, first.need.description
            starts = [d for c in items for d in (c.start, c.offered_on) if d]
            ends = [d for c in items for d in (c.end, c.delivered_on, c.offered_on) if d]
            start = min(starts) if starts else plan.start or timezone.localdate()
            end = max(ends) if ends else plan.end or start
            end = max(end, start)
        activities.append(
            iati.IatiActivity(
                id=f"{plan.cycle}-{key}".replace(" ", "-"),
                title=title,
                description=description,
                start=start,
                end=end,
                recipient_country=code,
                recipient_region=None if code else DAC_REGION_CARIBBEAN,
                commitments=tuple(_iati_commitment(c) for c in items),
                beneficiary=beneficiary,
                sectors=(
                    iati.DAC_SECURITY_SYSTEM_MANAGEMENT,
                    iati.IatiSector(first.need.area.key, "99", first.need.area.name),
                ),
            )
        )
    return iati.export_iati_xml(
        activities,
        reporting,
        generated_at or timezone.now(),
        rates=selectors._rates(plan),
    )
