"""Importing a completed assessment from a file (`reef assessment import FILE`).

The file's shape is ``schema/assessment.schema.json`` (JSON Schema, draft 2020-12); what a
schema cannot check (the framework and country exist, the cycle is new, each rating names
an indicator of the framework and a listed assessor, the targets fit the framework) is
checked here. Every problem is reported at once, as ``file: path: what is wrong``, and
nothing is stored unless the whole file is right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
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
from reef.core.validation import ImportFileError, Problem, check
from reef.directory.models import Country
from reef.frameworks import selectors as framework_selectors
from reef.frameworks.models import Framework, Indicator

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "assessment.schema.json"


class AssessmentFileError(ImportFileError, ServiceError):
    """An assessment file that cannot be imported; nothing was stored.

    ``problems`` lists every problem found (``file``, ``path`` and ``problems[0].message``
    are the first). As every :class:`ServiceError`, it is refused on the field ``file``
    and ``message`` is the text to show: one ``file: path: what is wrong`` line per problem.
    """

    def __init__(
        self, file: str, path: str, message: str, problems: Sequence[Problem] = ()
    ) -> None:
        super().__init__(file, path, message, problems)
        self.message = str(self)
        self.field = "file"
        self.code = "invalid"


@dataclass
class _Contents:
    """What the file holds, checked against the framework and ready to store."""

    framework: Framework
    country: Country
    filename: str
    tlp: str = ""
    cycle: str = ""
    indicators: dict[str, Indicator] = field(default_factory=dict)
    assessors: dict[str, str] = field(default_factory=dict)
    # (indicator key, assessor id) -> rating: a later rating replaces an earlier one.
    ratings: dict[tuple[str, str], Rating] = field(default_factory=dict)
    decisions: dict[str, tuple[str, str]] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def bad(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.filename, path, message))


def _framework_and_country(doc: dict[str, Any], filename: str) -> tuple[Framework, Country]:
    slug, _sep, version = doc["framework"].partition("@")
    fw_qs = Framework.objects.filter(slug=slug)
    if version:
        fw_qs = fw_qs.filter(release=version)
    framework = fw_qs.order_by("-created_at", "-pk").first()
    country = Country.objects.filter(code=doc["country"].upper()).first()
    problems = []
    if framework is None:
        problems.append(
            Problem(
                filename,
                "framework",
                _("no framework %(value)s is installed") % {"value": repr(doc["framework"])},
            )
        )
    if country is None:
        problems.append(
            Problem(
                filename,
                "country",
                _("unknown ISO 3166 code %(value)s") % {"value": repr(doc["country"])},
            )
        )
    if framework is None or country is None:
        raise AssessmentFileError.from_problems(problems)
    return framework, country


def _require_import_right(actor: Actor, country: Country) -> None:
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


def _read_label_and_cycle(doc: dict[str, Any], c: _Contents) -> None:
    c.tlp = str(doc.get("tlp") or DEFAULT_ASSESSMENT_TLP)
    if c.tlp not in TLP.values:
        c.bad("tlp", _("must be one of %(known)s") % {"known": ", ".join(TLP.values)})
    c.cycle = str(doc["cycle"]).strip()
    if not c.cycle:
        c.bad("cycle", _("is required"))
    elif Assessment.objects.filter(
        country=c.country, framework__slug=c.framework.slug, cycle=c.cycle
    ).exists():
        c.bad(
            "cycle",
            _("%(country)s already has a %(framework)s assessment for cycle %(cycle)s")
            % {
                "country": c.country.display_name,
                "framework": c.framework.slug,
                "cycle": c.cycle,
            },
        )


def _read_assessors(doc: dict[str, Any], c: _Contents) -> None:
    for i, a in enumerate(doc.get("assessors", [])):
        aid = str(a["id"])
        if aid in c.assessors:
            c.bad(f"assessors[{i}].id", _("duplicate assessor id %(value)s") % {"value": repr(aid)})
        c.assessors[aid] = str(a.get("name") or aid)


def _unknown_indicator(c: _Contents, path: str, key: str) -> bool:
    if key in c.indicators:
        return False
    c.bad(
        path,
        _("unknown indicator %(value)s in %(framework)s")
        % {"value": repr(key), "framework": c.framework.ref},
    )
    return True


def _read_ratings(doc: dict[str, Any], c: _Contents) -> None:
    label = stricter(c.tlp if c.tlp in TLP.values else DEFAULT_ASSESSMENT_TLP, DEFAULT_RATING_TLP)
    for i, r in enumerate(doc["ratings"]):
        key, aid = r["indicator"], str(r["assessor"])
        if _unknown_indicator(c, f"ratings[{i}].indicator", key):
            continue
        if aid not in c.assessors:
            c.bad(
                f"ratings[{i}].assessor",
                _("%(value)s is not listed in assessors") % {"value": repr(aid)},
            )
            continue
        # A later rating by the same assessor replaces the earlier one (and takes its place).
        c.ratings.pop((key, aid), None)
        c.ratings[(key, aid)] = Rating(
            indicator=c.indicators[key],
            assessor_key=aid,
            assessor_name=c.assessors[aid],
            value=r["value"],
            evidence_text=r.get("evidence", ""),
            tlp=label,
            owner_country=c.country,
        )


def _read_decisions(doc: dict[str, Any], c: _Contents) -> None:
    for i, d in enumerate(doc.get("decisions", [])):
        if not _unknown_indicator(c, f"decisions[{i}].indicator", d["indicator"]):
            c.decisions[d["indicator"]] = (d["value"], d.get("note", ""))


def _read_targets(doc: dict[str, Any], c: _Contents) -> None:
    # The schema lets either pair through; the framework's kind says which is meant.
    staged = c.framework.kind == "staged"
    item_field, target_field = ("aspect", "stage") if staged else ("pillar", "score")
    for t in doc.get("targets", []):
        key = t.get(item_field, t.get("aspect", t.get("pillar")))
        c.targets[key] = t.get(target_field, t.get("stage", t.get("score")))
    try:
        scoring.score(framework_selectors.parsed(c.framework), [], {}, c.targets)
    except scoring.ScoringError as exc:
        c.bad("targets", _scoring_problem(exc))


def _store(c: _Contents, doc: dict[str, Any]) -> Assessment:
    framework, country = c.framework, c.country
    assessment: Assessment = Assessment.objects.create(
        framework=framework,
        country=country,
        cycle=c.cycle,
        title=str(doc.get("title") or f"{country.name}: {framework.name} ({c.cycle})"),
        status=Status.COMPLETE,
        tlp=c.tlp,
        owner_country=country,
        imported=True,
        external_assessors=c.assessors,
        previous=Assessment.objects.filter(country=country, framework__slug=framework.slug)
        .order_by("-created_at", "-pk")
        .first(),
    )
    rows = list(c.ratings.values())
    for row in rows:
        row.assessment = assessment
        row.tlp = at_least(row.tlp, assessment.tlp)  # raw SQL: no pre_save floor
    _insert_ratings(rows)
    Decision.objects.bulk_create(
        Decision(
            assessment=assessment,
            indicator=c.indicators[key],
            value=value,
            note=note,
            tlp=stricter(c.tlp, DEFAULT_RATING_TLP),
            owner_country=country,
        )
        for key, (value, note) in c.decisions.items()
    )
    Target.objects.bulk_create(
        Target(
            assessment=assessment,
            key=key,
            value=float(value),
            tlp=stricter(c.tlp, DEFAULT_ASSESSMENT_TLP),
            owner_country=country,
        )
        for key, value in c.targets.items()
    )
    return assessment


@transaction.atomic
def assessment_import(*, actor: Actor, data: Any, filename: str = "<data>") -> Assessment:
    """Create a completed assessment from the import format (see docs). All or nothing.

    The operator's console import (`OPERATOR_IMPORT`) may import any country; a user must
    be the country's focal point, a coordinator of its region or an administrator. A file
    that is not right raises :class:`AssessmentFileError` listing every problem.
    """
    check(data, SCHEMA_PATH, filename, AssessmentFileError)
    framework, country = _framework_and_country(data, filename)
    _require_import_right(actor, country)
    contents = _Contents(framework=framework, country=country, filename=filename)
    contents.indicators = {i.key: i for i in Indicator.objects.filter(framework=framework)}
    for read in (
        _read_label_and_cycle,
        _read_assessors,
        _read_ratings,
        _read_decisions,
        _read_targets,
    ):
        read(data, contents)
    if contents.problems:
        raise AssessmentFileError.from_problems(contents.problems)
    assessment = _store(contents, data)
    audit_append(
        action="assessment_import",
        actor=actor,
        obj=assessment,
        detail={"file": filename, "ratings": len(contents.ratings)},
    )
    return assessment


def assessment_import_text(*, actor: Actor, text: str | bytes, filename: str) -> Assessment:
    from reef.core import safeload  # bounded: size, depth, values, 1e999999

    try:
        data = safeload.load_json(text)
    except safeload.LoadError as exc:
        raise AssessmentFileError(filename, "", exc.message) from None
    return assessment_import(actor=actor, data=data, filename=filename)
