"""Every write to frameworks: import (and the export that mirrors it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from django.db import transaction
from django.utils.translation import gettext as _

from reef.core.audit import audit_append
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import Actor, require, user_of
from reef.frameworks import formats
from reef.frameworks.models import DEFAULT_FRAMEWORK_TLP, Framework, Indicator
from reef.frameworks.rules import may_import_framework


def _indicator_rows(fw: Framework, parsed: formats.Framework) -> list[Indicator]:
    rows: list[Indicator] = []
    common: dict[str, Any] = {"framework": fw, "tlp": fw.tlp}
    if parsed.kind == "staged":
        for d in parsed.dimensions:
            for f in d.factors:
                for a in f.aspects:
                    for i in a.indicators:
                        rows.append(
                            Indicator(
                                key=i.key,
                                position=len(rows),
                                text=i.text,
                                stage=i.stage,
                                dimension_key=d.key,
                                factor_key=f.key,
                                aspect_key=a.key,
                                **common,
                            )
                        )
    else:
        for p in parsed.pillars:
            for i in p.indicators:
                rows.append(
                    Indicator(
                        key=i.key,
                        position=len(rows),
                        text=i.text,
                        pillar_key=p.key,
                        points=i.points,
                        weight=i.weight,
                        **common,
                    )
                )
    return rows


def _content(data: Any) -> Any:
    """A framework document without its translations (what a version's content is)."""
    if isinstance(data, dict):
        return {k: _content(v) for k, v in data.items() if k != "translations"}
    if isinstance(data, list):
        return [_content(v) for v in data]
    return data


def _translations_update(
    existing: Framework, document: dict[str, Any], *, actor: Actor, filename: str
) -> Framework:
    """The stored version takes the file's translations (nothing else differs)."""
    existing.document = document
    existing.version += 1  # a new key for the parsed-document cache
    existing.save(update_fields=["document", "version", "updated_at"])
    audit_append(
        action="framework_translations_update",
        actor=actor,
        obj=existing,
        detail={"ref": existing.ref, "file": filename},
    )
    return existing


def _already_imported(parsed: formats.Framework) -> ServiceError:
    """The refusal of a file whose slug and version are imported with other content."""
    return ServiceError(
        _(
            "%(file)s: version: framework %(ref)s already exists; "
            "give the file a new version to import it"
        )
        % {"file": parsed.filename, "ref": f"{parsed.slug}@{parsed.version}"},
        field="file",
        code="conflict",
    )


@transaction.atomic
def framework_import(
    *,
    actor: Actor,
    source: str | bytes | Path,
    filename: str | None = None,
    tlp: str = DEFAULT_FRAMEWORK_TLP,
) -> Framework:
    """Validate and store a framework file. Nothing is stored when anything is wrong.

    Errors name the file, the path to the bad key and what is wrong. A file whose slug and
    version are already imported is refused, unless it differs from the stored one only in
    its `translations`: translations are not content (no key, text as written, stage or
    weight changes, so assessments made on the version read the same), and they replace
    the stored ones in place (`framework_translations_update` in the audit trail).
    """
    # The operator's console import (OPERATOR_IMPORT) and the demo pass as system actors.
    try:
        require(may_import_framework, actor)
    except PermissionDenied:
        raise PermissionDenied(
            _("Only a platform administrator or a regional coordinator may import frameworks.")
        ) from None
    try:
        parsed = formats.load(source, filename)
    except formats.FrameworkFormatError as exc:
        raise ServiceError(str(exc), field="file") from exc
    document = formats.to_data(parsed)
    existing: Framework | None = (
        Framework.objects.select_for_update()
        .filter(slug=parsed.slug, release=parsed.version)
        .first()
    )
    if (
        existing is not None
        and existing.document != document
        and _content(existing.document) == _content(document)
    ):
        return _translations_update(existing, document, actor=actor, filename=parsed.filename)
    if existing is not None:
        raise _already_imported(parsed)
    fw: Framework = Framework.objects.create(
        slug=parsed.slug,
        release=parsed.version,
        name=parsed.name,
        kind=parsed.kind,
        document=document,
        tlp=tlp,
        imported_by=user_of(actor),
    )
    Indicator.objects.bulk_create(_indicator_rows(fw, parsed), batch_size=500)
    audit_append(
        action="framework_import",
        actor=actor,
        obj=fw,
        detail={"ref": fw.ref, "file": parsed.filename},
    )
    return fw


def framework_export(*, framework: Framework, fmt: Literal["json", "yaml"] = "json") -> str:
    """The framework as a file in the import format (a round trip loses nothing)."""
    if fmt not in ("json", "yaml"):
        raise ServiceError(
            _("Unknown format %(value)s: use json or yaml.") % {"value": fmt}, field="format"
        )
    parsed = formats.parse(framework.document, f"{framework.slug}.json")
    return formats.dump(parsed, fmt)
