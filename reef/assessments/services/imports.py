"""Importing a completed assessment from a file (`reef assessment import FILE`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from reef.assessments import rules, scoring
from reef.assessments.models import (
    DEFAULT_ASSESSMENT_TLP,
    DEFAULT_RATING_TLP,
    Assessment,
    Decision,
    Rating,
    RatingValue,
    Status,
    Target,
)
from reef.assessments.services.ratings import _insert_ratings
from reef.assessments.services.targets import _scoring_problem
from reef.core.audit import audit_append
from reef.core.derivation import at_least
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import Actor, require
from reef.core.tlp import TLP, stricter
from reef.directory.models import Country
from reef.frameworks import selectors as framework_selectors
from reef.frameworks.models import Framework, Indicator


def _fail(filename: str, path: str, message: str) -> ServiceError:
    return ServiceError(
        f"{filename}: {path}: {message}" if path else f"{filename}: {message}", field="file"
    )


def _parse_import(data: Any, filename: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _fail(filename, "", _("must be a JSON object"))
    for key, kind in (("framework", str), ("country", str), ("ratings", list)):
        if key not in data:
            raise _fail(filename, key, _("is required"))
        if not isinstance(data[key], kind):
            raise _fail(
                filename, key, _("must be a string") if kind is str else _("must be a list")
            )
    for key in ("cycle", "title", "tlp"):
        if key in data and (isinstance(data[key], bool) or not isinstance(data[key], str | int)):
            raise _fail(filename, key, _("must be a string"))
    for key in ("assessors", "decisions", "targets"):
        if key in data and not isinstance(data[key], list):
            raise _fail(filename, key, _("must be a list"))
    return data


@transaction.atomic
def assessment_import(*, actor: Actor, data: Any, filename: str = "<data>") -> Assessment:
    """Create a completed assessment from the import format (see docs). All or nothing.

    The operator's console import (`OPERATOR_IMPORT`) may import any country; a user must
    be the country's focal point, a coordinator of its region or an administrator.
    """
    doc = _parse_import(data, filename)
    slug, _sep, version = str(doc["framework"]).partition("@")
    fw_qs = Framework.objects.filter(slug=slug)
    if version:
        fw_qs = fw_qs.filter(release=version)
    framework = fw_qs.order_by("-created_at", "-pk").first()
    if framework is None:
        raise _fail(
            filename,
            "framework",
            _("no framework %(value)s is installed") % {"value": repr(doc["framework"])},
        )
    country = Country.objects.filter(code=str(doc["country"]).upper()).first()
    if country is None:
        raise _fail(
            filename,
            "country",
            _("unknown ISO 3166 code %(value)s") % {"value": repr(doc["country"])},
        )
    try:
        require(rules.may_import, actor, country)
    except PermissionDenied:
        raise PermissionDenied(
            _(
                "You may not import assessments of %(country)s: you need to be its focal "
                "point, a coordinator of its region or an administrator."
            )
            % {"country": country.display_name}
        ) from None
    tlp = str(doc.get("tlp") or DEFAULT_ASSESSMENT_TLP)
    if tlp not in TLP.values:
        raise _fail(
            filename, "tlp", _("must be one of %(known)s") % {"known": ", ".join(TLP.values)}
        )
    cycle = str(doc.get("cycle") or "").strip()
    if not cycle:
        raise _fail(filename, "cycle", _("is required"))
    if Assessment.objects.filter(
        country=country, framework__slug=framework.slug, cycle=cycle
    ).exists():
        raise _fail(
            filename,
            "cycle",
            _("%(country)s already has a %(framework)s assessment for cycle %(cycle)s")
            % {"country": country.display_name, "framework": framework.slug, "cycle": cycle},
        )

    assessors: dict[str, str] = {}
    for i, a in enumerate(doc.get("assessors", [])):
        if not isinstance(a, dict) or not isinstance(a.get("id"), str | int) or a.get("id") == "":
            raise _fail(filename, f"assessors[{i}].id", _("is required"))
        aid = str(a["id"])
        if aid in assessors:
            raise _fail(
                filename,
                f"assessors[{i}].id",
                _("duplicate assessor id %(value)s") % {"value": repr(aid)},
            )
        assessors[aid] = str(a.get("name") or aid)
    indicators = {i.key: i for i in Indicator.objects.filter(framework=framework)}
    rows: list[Rating] = []
    seen: set[tuple[str, str]] = set()
    for i, r in enumerate(doc["ratings"]):
        where = f"ratings[{i}]"
        if not isinstance(r, dict):
            raise _fail(filename, where, _("must be an object"))
        key = r.get("indicator")
        if key not in indicators:
            raise _fail(
                filename,
                f"{where}.indicator",
                _("unknown indicator %(value)s in %(framework)s")
                % {"value": repr(key), "framework": framework.ref},
            )
        aid = str(r.get("assessor", ""))
        if aid not in assessors:
            raise _fail(
                filename,
                f"{where}.assessor",
                _("%(value)s is not listed in assessors") % {"value": repr(aid)},
            )
        value = r.get("value")
        if value not in RatingValue.values:
            raise _fail(
                filename,
                f"{where}.value",
                _("must be one of %(known)s, not %(value)s")
                % {"known": ", ".join(RatingValue.values), "value": repr(value)},
            )
        text = r.get("evidence", "")
        if not isinstance(text, str):
            raise _fail(filename, f"{where}.evidence", _("must be a string"))
        if (str(key), aid) in seen:
            # A later rating by the same assessor replaces the earlier one.
            rows = [x for x in rows if not (x.indicator.key == key and x.assessor_key == aid)]
        seen.add((str(key), aid))
        rows.append(
            Rating(
                indicator=indicators[str(key)],
                assessor_key=aid,
                assessor_name=assessors[aid],
                value=value,
                evidence_text=text,
                tlp=stricter(tlp, DEFAULT_RATING_TLP),
                owner_country=country,
            )
        )
    decisions: dict[str, tuple[str, str]] = {}
    for i, d in enumerate(doc.get("decisions", [])):
        where = f"decisions[{i}]"
        if not isinstance(d, dict):
            raise _fail(filename, where, _("must be an object"))
        key = d.get("indicator")
        if key not in indicators:
            raise _fail(
                filename,
                f"{where}.indicator",
                _("unknown indicator %(value)s in %(framework)s")
                % {"value": repr(key), "framework": framework.ref},
            )
        if d.get("value") not in RatingValue.values:
            raise _fail(
                filename,
                f"{where}.value",
                _("must be one of %(known)s, not %(value)s")
                % {"known": ", ".join(RatingValue.values), "value": repr(d.get("value"))},
            )
        decisions[str(key)] = (str(d["value"]), str(d.get("note", "")))
    targets: dict[str, float] = {}
    target_field = "stage" if framework.kind == "staged" else "score"
    item_field = "aspect" if framework.kind == "staged" else "pillar"
    for i, t in enumerate(doc.get("targets", [])):
        where = f"targets[{i}]"
        if not isinstance(t, dict):
            raise _fail(filename, where, _("must be an object"))
        key = t.get(item_field, t.get("aspect", t.get("pillar")))
        value = t.get(target_field, t.get("stage", t.get("score")))
        if not isinstance(key, str):
            raise _fail(filename, f"{where}.{item_field}", _("is required"))
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(filename, f"{where}.{target_field}", _("must be a number"))
        targets[key] = value
    fw = framework_selectors.parsed(framework)
    try:
        scoring.score(fw, [], {}, targets)
    except scoring.ScoringError as exc:
        raise _fail(filename, "targets", _scoring_problem(exc)) from None

    assessment: Assessment = Assessment.objects.create(
        framework=framework,
        country=country,
        cycle=cycle,
        title=str(doc.get("title") or f"{country.name}: {framework.name} ({cycle})"),
        status=Status.COMPLETE,
        tlp=tlp,
        owner_country=country,
        imported=True,
        external_assessors=assessors,
        previous=Assessment.objects.filter(country=country, framework__slug=framework.slug)
        .order_by("-created_at", "-pk")
        .first(),
    )
    for row in rows:
        row.assessment = assessment
        row.tlp = at_least(row.tlp, assessment.tlp)  # raw SQL: no pre_save floor
    _insert_ratings(rows)
    Decision.objects.bulk_create(
        [
            Decision(
                assessment=assessment,
                indicator=indicators[key],
                value=value,
                note=note,
                tlp=stricter(tlp, DEFAULT_RATING_TLP),
                owner_country=country,
            )
            for key, (value, note) in decisions.items()
        ]
    )
    Target.objects.bulk_create(
        [
            Target(
                assessment=assessment,
                key=key,
                value=float(value),
                tlp=stricter(tlp, DEFAULT_ASSESSMENT_TLP),
                owner_country=country,
            )
            for key, value in targets.items()
        ]
    )
    audit_append(
        action="assessment_import",
        actor=actor,
        obj=assessment,
        detail={"file": filename, "ratings": len(rows)},
    )
    return assessment


def assessment_import_text(*, actor: Actor, text: str | bytes, filename: str) -> Assessment:
    from reef.core import safeload  # bounded: size, depth, values, 1e999999

    try:
        data = safeload.load_json(text)
    except safeload.LoadError as exc:
        raise _fail(filename, "", exc.message) from None
    return assessment_import(actor=actor, data=data, filename=filename)
