"""Needs from an assessment's gaps, in the framework's own words."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reef.accounts.language import language_of
from reef.core.errors import ServiceError
from reef.core.rules import Actor, SystemActor
from reef.directory.models import Country
from reef.frameworks import formats
from reef.frameworks import selectors as framework_selectors
from reef.frameworks.models import Framework
from reef.planning.models import Need, Plan
from reef.planning.reference import area_for
from reef.planning.services.needs import need_create
from reef.planning.services.plans import plan_create


def _latest_national_plan(country: Country) -> Plan | None:
    return (
        Plan.objects.filter(kind=Plan.Kind.NATIONAL, country=country)
        .order_by("-cycle", "-created_at")
        .first()
    )


def _language_of(actor: Actor) -> str:
    if isinstance(actor, SystemActor):
        return translation.get_language() or settings.LANGUAGE_CODE
    return language_of(actor)


def _framework_document(ref: str, record: Framework | None) -> formats.Framework | None:
    """The parsed framework a gap belongs to: the record given, else by `slug[@version]`."""
    if record is None:
        slug, _sep, release = ref.partition("@")
        found = Framework.objects.filter(slug=slug.strip())
        if release.strip():
            found = found.filter(release=release.strip())
        record = found.order_by("-created_at", "-pk").first()
    if record is None:
        return None
    try:
        return framework_selectors.parsed(record)
    except formats.FrameworkFormatError:  # pragma: no cover - imported documents are valid
        return None


#: More missing indicators than this are counted, not listed.
_GAP_LISTED = 25


def gap_texts(
    *,
    framework: formats.Framework | None,
    factor: str,
    aspect: str,
    missing: Sequence[str],
    language: str,
) -> tuple[str, str] | None:
    """A need's title and description from the framework's own texts, in `language`:
    "Factor: Aspect" and the missing indicators' statements. None when the framework
    does not know the factor."""
    if framework is None:
        return None
    factor_item = formats.element(framework, factor)
    aspect_item = formats.element(framework, aspect) if aspect and aspect != factor else None
    if factor_item is None and aspect_item is None:
        return None
    with translation.override(language):
        factor_name = formats.localized(factor_item, "name", language) if factor_item else factor
        if aspect_item is not None:
            aspect_name = formats.localized(aspect_item, "name", language)
            title = _("%(factor)s: %(aspect)s") % {"factor": factor_name, "aspect": aspect_name}
        else:
            title = factor_name
        lines: list[str] = []
        for key in missing[:_GAP_LISTED]:
            item = formats.element(framework, key)
            text = formats.localized(item, "text", language) if item is not None else ""
            lines.append(f"- {text} ({key})" if text else f"- {key}")
        if len(missing) > _GAP_LISTED:
            lines.append(
                _("- and %(count)s more indicators") % {"count": len(missing) - _GAP_LISTED}
            )
        if lines:
            intro = _("To close this gap in %(what)s, these are still missing:") % {"what": title}
            description = "\n".join([intro, *lines])
        else:
            description = _("Close the gap in %(what)s.") % {"what": title}
    return title[:300], description[:4000]


def _plan_for_gap(actor: Actor, country: Country, plan: Plan | None) -> Plan:
    """The plan given (it must be the country's), else its latest national plan, else a
    new one for the current year."""
    if plan is None:
        plan = _latest_national_plan(country)
    if plan is None:
        year = timezone.now().year
        return plan_create(
            actor=actor,
            country=country,
            title=f"National cyber security plan of {country.name}",
            cycle=f"{year}-{year + 2}",
        )
    if plan.country_id != country.pk:
        raise ServiceError(_("The plan is not the country's plan."), field="plan")
    return plan


def _need_texts(
    actor: Actor,
    gap: dict[str, Any],
    factor: str,
    aspect: str,
    missing: list[Any],
    framework: str,
    framework_record: Framework | None,
) -> tuple[str, str]:
    """The need's title and description: the gap's own title, else one written from the
    framework's texts; the description written from them, then the gap's own."""
    given = str(gap.get("description") or gap.get("summary") or "").strip()
    # Readable texts from the framework's own names and indicators, in the creator's language.
    texts = gap_texts(
        framework=_framework_document(framework, framework_record),
        factor=factor,
        aspect=aspect,
        missing=[str(m) for m in missing],
        language=_language_of(actor),
    )
    title = (
        str(gap.get("title") or "").strip()
        or (texts[0] if texts else "")
        or str(gap.get("factor_name") or "").strip()
        or _("Close the gap in %(what)s") % {"what": f"{factor} ({aspect})" if aspect else factor}
    )
    description = "\n\n".join(t for t in ((texts[1] if texts else ""), given) if t)
    return title, description


# Long because of its eleven arguments and a docstring on where each of the gap's fields goes.
@transaction.atomic
def need_create_from_gap(
    *,
    actor: Actor,
    country: Country,
    gap: dict[str, Any],
    framework: str,
    assessment_id: int | None,
    plan: Plan | None = None,
    area: str | None = None,
    tlp: str | None = None,
    cost_amount: Decimal | str | None = None,
    cost_currency: str = "USD",
    framework_record: Framework | None = None,
) -> Need:
    """A need from an assessment's gap.

    `gap` carries at least a factor key (`factor_key` or `factor`) and may carry
    `aspect_key`/`aspect`, `missing`/`missing_indicators` (indicator keys), a
    `title`, a `description`/`summary` and an `area`. The need goes into `plan`, else
    the country's latest national plan (one is created for the current year when the
    country has none). The area is taken from `area`, the gap, or guessed from the
    factor's words (and can be corrected later).

    Unless the gap brings its own title, the title and description are written from
    the framework's texts (`framework_record`, else the latest version of the
    `framework` slug): the factor and aspect names and the missing indicators, in the
    language of the person who creates the need. Without a cost the need stays a
    draft (see `need_publish`).
    """
    factor = str(gap.get("factor_key") or gap.get("factor") or "").strip()
    if not factor:
        raise ServiceError(_("The gap names no framework factor."), field="gap")
    aspect = str(gap.get("aspect_key") or gap.get("aspect") or "").strip()
    missing = gap.get("missing_indicators", gap.get("missing", [])) or []
    if not isinstance(missing, list):
        raise ServiceError(_("The gap's missing indicators must be a list of keys."), field="gap")
    title, description = _need_texts(
        actor, gap, factor, aspect, missing, framework, framework_record
    )
    plan = _plan_for_gap(actor, country, plan)
    area_key = (
        area
        or str(gap.get("area") or "")
        or area_for(factor, aspect, title, str(gap.get("dimension") or ""))
    )
    return need_create(
        actor=actor,
        plan=plan,
        area=area_key,
        title=title[:300],
        description=description,
        source=Need.Source.GAP,
        framework=framework,
        factor_key=factor,
        aspect_key=aspect,
        missing_indicators=[str(m) for m in missing],
        assessment_ref=assessment_id,
        tlp=tlp,
        cost_amount=cost_amount,
        cost_currency=cost_currency,
    )
