"""Labels never widen through derivation: a record made from another is at least as strict.

A *derivation* is any place where the code makes a labelled record out of another
one (a need from an assessment's gap, a report from an assessment, a publication
from a consultation, a decision from ratings, a record inside its parent...). Each
is declared here, in one list, with:

- `target`: the derived model ("app_label.model"), or a computed result (the
  assessment report is rendered, not stored);
- `sources(obj)`: the records a target was derived from;
- `targets(source)`: the records derived from a source (to follow a source that
  becomes stricter);
- `released(obj)`: whether the source's owner released the target from the floor
  (an assessment report that the assessed country's manager released).

The *floor* of a record is the strictest label of its unreleased sources. It is
enforced three ways:

- at creation, a derived record is raised to its floor (a need made from an
  AMBER gap is AMBER even if asked for GREEN); a `pre_save` receiver does it for
  every declared target, so each derive function (`need_create_from_gap`,
  `publication_create`, `outcome_add`, `rating_submit`...) is covered;
- a change that would lower a saved record below its floor is refused with a
  clear error (`record_set_label`, and any service that saves a lower label);
- when a source becomes stricter through `record_set_label`, the records derived
  from it follow (`follow_source`).

Raw SQL and queryset `update()` bypass `pre_save`: the bulk paths that use them
call `at_least()` themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _

from reef.core.errors import ServiceError
from reef.core.tlp import ORDER, TLP, stricter

type Sources = Callable[[Any], Iterable[Any]]
type Targets = Callable[[Any], Iterable[Any]]


def rank(label: str) -> int:
    return ORDER.index(TLP(label))


def at_least(label: str, *floors: str) -> str:
    """`label`, raised to the strictest of `floors` when it is less strict."""
    result = label
    for floor in floors:
        if floor:
            result = stricter(result, floor)
    return result


def strictest(labels: Iterable[str]) -> str | None:
    result: str | None = None
    for label in labels:
        result = label if result is None else stricter(result, label)
    return result


@dataclass(frozen=True)
class Derivation:
    name: str
    target: str  # "app_label.model", or "app_label.model:computed" for a rendered result
    source: str  # what it is derived from, for the documentation
    source_models: tuple[str, ...]  # "app_label.model" of every possible source
    via: str  # the service(s) that derive it
    sources: Sources
    targets: Targets
    released: Callable[[Any], bool] | None = None

    @property
    def computed(self) -> bool:
        return ":" in self.target


DERIVATIONS: list[Derivation] = []


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def _declare(
    name: str,
    *,
    target: str,
    source: str,
    source_models: tuple[str, ...],
    via: str,
    sources: Sources,
    targets: Targets,
    released: Callable[[Any], bool] | None = None,
) -> None:
    DERIVATIONS.append(
        Derivation(
            name=name,
            target=target,
            source=source,
            source_models=source_models,
            via=via,
            sources=sources,
            targets=targets,
            released=released,
        )
    )


def _one(obj: Any, field: str) -> list[Any]:
    """The parent record named by the foreign key `field` (none when unset)."""
    if getattr(obj, f"{field}_id", None) is None:
        return []
    return [getattr(obj, field)]


def _part_of(target: str, parent: str, field: str, via: str) -> None:
    """A record inside another (a rating inside its assessment): made with its parent's label."""
    _declare(
        f"{parent.partition('.')[2]} -> {target.partition('.')[2]}",
        target=target,
        source=parent,
        source_models=(parent,),
        via=via,
        sources=lambda obj: _one(obj, field),
        targets=lambda src: _model(target)._default_manager.filter(**{field: src}),
    )


# --- a publication's links, kept as {"kind": ..., "id": ...} -------------------------

_LINK_MODELS = {
    "need": "planning.need",
    "plan": "planning.plan",
    "action": "planning.action",
    "consultation": "consultations.consultation",
    "assessment": "assessments.assessment",
}


def _linked(obj: Any, kinds: Iterable[str]) -> list[Any]:
    wanted = set(kinds)
    found: list[Any] = []
    for link in getattr(obj, "links", None) or []:
        kind = str(link.get("kind", ""))
        if kind not in wanted or kind not in _LINK_MODELS:
            continue
        record = _model(_LINK_MODELS[kind])._default_manager.filter(pk=link.get("id")).first()
        if record is not None:
            found.append(record)
    return found


def _linking(target: str, kinds: Iterable[str]) -> Targets:
    wanted = set(kinds)

    def targets(src: Any) -> list[Any]:
        kind = next((k for k, v in _LINK_MODELS.items() if v == src._meta.label_lower), None)
        if kind is None or kind not in wanted:
            return []
        model = _model(target)
        found: list[Any] = []
        for obj in model._default_manager.exclude(links=[]):
            links: list[dict[str, Any]] = getattr(obj, "links", None) or []
            if any(
                str(link.get("kind")) == kind and str(link.get("id")) == str(src.pk)
                for link in links
            ):
                found.append(obj)
        return found

    return targets


def _report_released(publication: Any) -> bool:
    return bool(publication.kind == "assessment_report" and publication.released_at is not None)


# --- the declarations ----------------------------------------------------------------


def _gap_sources(need: Any) -> list[Any]:
    if need.source != "gap" or need.assessment_ref is None:
        return []
    found = _model("assessments.assessment")._default_manager.filter(pk=need.assessment_ref).first()
    return [found] if found is not None else []


_declare(
    "gap -> need",
    target="planning.need",
    source="assessments.assessment (its gap)",
    source_models=("assessments.assessment",),
    via="planning.services.need_create_from_gap (assessments.services.gap_propose_need)",
    sources=_gap_sources,
    targets=lambda a: _model("planning.need")._default_manager.filter(
        source="gap", assessment_ref=a.pk
    ),
)
_declare(
    "assessment -> report",
    target="records.publication",
    source="assessments.assessment (linked)",
    source_models=("assessments.assessment",),
    via="records.services.publication_create (released by publication_release)",
    sources=lambda p: _linked(p, ["assessment"]),
    targets=_linking("records.publication", ["assessment"]),
    released=_report_released,
)
_declare(
    "consultation -> publication",
    target="records.publication",
    source="consultations.consultation (linked)",
    source_models=("consultations.consultation",),
    via="records.services.publication_create",
    sources=lambda p: _linked(p, ["consultation"]),
    targets=_linking("records.publication", ["consultation"]),
)
_declare(
    "plan, need, action -> publication",
    target="records.publication",
    source="planning.plan, planning.need, planning.action (linked)",
    source_models=("planning.plan", "planning.need", "planning.action"),
    via="records.services.publication_create",
    sources=lambda p: _linked(p, ["plan", "need", "action"]),
    targets=_linking("records.publication", ["plan", "need", "action"]),
)
# Not an event outcome's links: an outcome is its event's content and is read with it;
# its links are references that records.selectors.visible_links shows (title included)
# only to who may read the linked record.


def _decision_sources(decision: Any) -> list[Any]:
    ratings = _model("assessments.rating")._default_manager.filter(
        assessment_id=decision.assessment_id, indicator_id=decision.indicator_id
    )
    return list(ratings)


def _decisions_of(rating: Any) -> Any:
    return _model("assessments.decision")._default_manager.filter(
        assessment_id=rating.assessment_id, indicator_id=rating.indicator_id
    )


_declare(
    "rating -> decision",
    target="assessments.decision",
    source="assessments.rating (same indicator)",
    source_models=("assessments.rating",),
    via="assessments.services.decision_record, assessment_import",
    sources=_decision_sources,
    targets=_decisions_of,
)


def _report_sources(assessment: Any) -> list[Any]:
    return [
        assessment,
        *_model("assessments.rating")._default_manager.filter(assessment=assessment),
        *_model("assessments.decision")._default_manager.filter(assessment=assessment),
    ]


_declare(
    "rating -> result",
    target="assessments.assessment:report",
    source="assessments.assessment, its ratings and decisions",
    source_models=(),
    via="assessments.report.report_context (the label printed on the report and PDF)",
    sources=_report_sources,
    targets=lambda src: [],
)

for _target in ("rating", "decision", "target", "stakeholdersession"):
    _part_of(
        f"assessments.{_target}",
        "assessments.assessment",
        "assessment",
        "assessments.services (rating_submit, ratings_bulk_submit, decision_record, "
        "target_set, session_record, assessment_import)",
    )
# Not plan -> need: a need carries its own label within its plan (a plan's needs may be
# shown to donors while the plan stays AMBER; plan exchange files carry each need's label).
_part_of("planning.risk", "planning.plan", "plan", "planning.services.risk_create")
_part_of("planning.prioritychange", "planning.plan", "plan", "planning.services.plan_prioritise")
_part_of("planning.action", "planning.need", "need", "planning.services.action_create")
_part_of("planning.commitment", "planning.need", "need", "planning.services.commitment_offer")
_part_of("planning.milestone", "planning.action", "action", "planning.services.milestone_create")
_part_of(
    "planning.commitmentevent",
    "planning.commitment",
    "commitment",
    "planning.services.commitment_transition",
)


def _efforts(link: Any) -> list[Any]:
    found = []
    for ref in (link.a_ref, link.b_ref):
        kind, _sep, pk = str(ref).partition(":")
        if kind in {"action", "commitment"} and pk.isdigit():
            record = _model(f"planning.{kind}")._default_manager.filter(pk=int(pk)).first()
            if record is not None:
                found.append(record)
    return found


def _twinned(effort: Any) -> Any:
    ref = f"{effort._meta.model_name}:{effort.pk}"
    return _model("planning.twinninglink")._default_manager.filter(
        models.Q(a_ref=ref) | models.Q(b_ref=ref)
    )


_declare(
    "two efforts -> twinning link",
    target="planning.twinninglink",
    source="planning.action or planning.commitment (both ends)",
    source_models=("planning.action", "planning.commitment"),
    via="planning.services.twinning_link",
    sources=_efforts,
    targets=_twinned,
)
for _target in ("participant", "session", "eventfile", "outcome"):
    _part_of(
        f"records.{_target}",
        "records.event",
        "event",
        "records.services (participant_add, session_add, outcome_add, event_file_add)",
    )
for _target in (
    "participant",
    "statement",
    "vote",
    "delphiround",
    "delphiitem",
    "delphiresponse",
    "section",
    "sectioncomment",
    "amendment",
):
    _part_of(
        f"consultations.{_target}",
        "consultations.consultation",
        "consultation",
        "consultations.services (every record inside a consultation)",
    )


# --- queries -----------------------------------------------------------------------


def derivations_of(model: type[models.Model] | str) -> list[Derivation]:
    """The declared derivations whose target is `model`."""
    label = model if isinstance(model, str) else model._meta.label_lower
    return [d for d in DERIVATIONS if d.target == label]


def derivations_from(model: type[models.Model] | str) -> list[Derivation]:
    """The declared derivations whose sources may be of `model` (any declared target)."""
    label = model if isinstance(model, str) else model._meta.label_lower
    return [d for d in DERIVATIONS if not d.computed and label in d.source_models]


@dataclass(frozen=True)
class Bound:
    """A source that holds a record's label up: what it is and its label."""

    derivation: Derivation
    source: Any

    @property
    def label(self) -> str:
        return str(self.source.tlp)


def bounds(obj: Any) -> list[Bound]:
    """Every unreleased source of `obj`, with the derivation that links them."""
    found: list[Bound] = []
    for d in derivations_of(type(obj)):
        if d.released is not None and d.released(obj):
            continue
        found.extend(Bound(d, src) for src in d.sources(obj) if src is not None)
    return found


def floor_of(obj: Any) -> str | None:
    """The strictest label among `obj`'s sources; None when it derives from nothing."""
    return strictest(b.label for b in bounds(obj))


def label_of_computed(name: str, source: Any) -> str:
    """The label of a computed result (such as an assessment report)."""
    d = next(d for d in DERIVATIONS if d.name == name)
    label = strictest(str(s.tlp) for s in d.sources(source))
    return label or str(source.tlp)


def check_label(obj: Any, label: str) -> None:
    """Refuse a label below the floor of `obj`, naming the source that holds it up."""
    for b in bounds(obj):
        if rank(label) < rank(b.label):
            source = b.source
            message = _(
                "This record is derived from %(source)s (%(label)s): its label cannot be "
                "less strict than %(label)s."
            ) % {"source": f"{source._meta.verbose_name} {source.pk}", "label": b.label}
            if any(d.released is not None for d in derivations_of(type(obj))):
                message += " " + _(
                    "The owner of the source may release it first (an assessment report is "
                    "released by a manager of the assessed country)."
                )
            raise ServiceError(message, field="tlp", code="below_source")


def follow_source(source: Any) -> list[Any]:
    """Raise every record derived from `source` to at least its label (and so on down).

    Returns the records that changed. Each gets a new version, as any write would.
    """
    from django.db.models import F

    changed: list[Any] = []
    pending = [source]
    seen: set[tuple[str, Any]] = set()
    while pending:
        current = pending.pop()
        key = (current._meta.label_lower, current.pk)
        if key in seen:
            continue
        seen.add(key)
        for d in derivations_from(type(current)):
            if d.released is not None:
                targets = [t for t in d.targets(current) if not d.released(t)]
            else:
                targets = list(d.targets(current))
            for target in targets:
                if rank(str(target.tlp)) >= rank(str(current.tlp)):
                    continue
                type(target)._base_manager.filter(pk=target.pk).update(
                    tlp=current.tlp, version=F("version") + 1
                )
                target.tlp = current.tlp
                changed.append(target)
                pending.append(target)
    return changed


# --- creation: every declared target is raised to its floor when saved ---------------


def _on_pre_save(sender: type[models.Model], instance: Any, raw: bool = False, **_: Any) -> None:
    if raw or not derivations_of(sender):
        return
    floor = floor_of(instance)
    if floor is None or rank(str(instance.tlp)) >= rank(floor):
        return
    if not instance._state.adding and instance.pk is not None:
        stored = sender._base_manager.filter(pk=instance.pk).values_list("tlp", flat=True).first()
        if stored is not None and stored != instance.tlp:
            # An explicit change to a label below the sources': a clear refusal.
            check_label(instance, str(instance.tlp))
    instance.tlp = floor


def install() -> None:
    """Connect the creation floor to every declared target model (called once at start-up)."""
    for label in sorted({d.target for d in DERIVATIONS if not d.computed}):
        pre_save.connect(
            _on_pre_save, sender=_model(label), dispatch_uid=f"reef-derivation-{label}"
        )


def derivations_markdown() -> str:
    """The table of every derivation, as docs/sharing.md carries it."""
    lines = [
        "| derivation | derived record | from | made by | released by |",
        "|---|---|---|---|---|",
    ]
    for d in DERIVATIONS:
        released = "the assessed country's manager (`publication_release`)" if d.released else ""
        lines.append(f"| {d.name} | `{d.target}` | {d.source} | {d.via} | {released} |")
    return "\n".join(lines) + "\n"
