"""No lost updates: versioned writes, ETags with If-Match, and a conflict page for forms.

Every `Labelled` record carries a `version`. A write names the version it was
based on; the UPDATE only matches that version and bumps it in the same
statement, so two writers starting from the same version cannot both win:

    UPDATE ... SET ..., version = version + 1 WHERE id = %s AND version = %s

Zero rows updated means someone else wrote first: `Conflict`. This works the
same on SQLite (where `select_for_update()` does nothing) and PostgreSQL.

The API exposes the version as an ETag; writes must send `If-Match` (428 when
missing, 412 when stale). HTML forms carry the version in a hidden field and,
on conflict, show the user's values beside the current ones (`_conflict.html`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.core.errors import Conflict

VERSION_FIELD = "version"


class PreconditionRequired(Exception):
    """A write without If-Match (HTTP 428)."""

    @property
    def message(self) -> str:
        return _("This write needs an If-Match header with the record's current ETag.")


class PreconditionFailed(Exception):
    """If-Match does not match the current version (HTTP 412)."""

    @property
    def message(self) -> str:
        return _("The record changed since you read it: fetch it again and reapply your change.")


def save_versioned(obj: models.Model, *, expected_version: int, fields: Iterable[str]) -> int:
    """Write `fields` of `obj` only if the stored version is still `expected_version`.

    Returns the new version (also set on `obj`). Raises `Conflict` when the row
    moved on (or is gone). Call it inside the service's transaction.
    """
    names = [f for f in fields if f != VERSION_FIELD]
    if not names:
        raise ValueError("save_versioned needs at least one field to write")
    model = type(obj)
    values: dict[str, Any] = {}
    for name in names:
        field = model._meta.get_field(name)
        values[getattr(field, "attname", name)] = getattr(obj, getattr(field, "attname", name))
    # QuerySet.update() skips auto_now: set it ourselves.
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) and field.attname not in values:
            now = timezone.now()
            values[field.attname] = now
            setattr(obj, field.attname, now)
    updated = model._base_manager.filter(pk=obj.pk, **{VERSION_FIELD: expected_version}).update(
        **values, **{VERSION_FIELD: F(VERSION_FIELD) + 1}
    )
    if updated != 1:
        raise Conflict()
    new_version = expected_version + 1
    setattr(obj, VERSION_FIELD, new_version)
    return new_version


# --- HTTP: ETag and If-Match -------------------------------------------------------------


def etag_for(obj: models.Model) -> str:
    """A strong ETag naming the record and its version, e.g. "organisation-12-v3"."""
    return f'"{obj._meta.model_name}-{obj.pk}-v{getattr(obj, VERSION_FIELD)}"'


def _parse_if_match(header: str) -> list[str]:
    return [part.strip() for part in header.split(",") if part.strip()]


def check_if_match(request: HttpRequest, obj: models.Model) -> int:
    """The version the caller's If-Match names; 428 when missing, 412 when stale.

    Strong comparison (RFC 9110): weak tags (W/"...") never match, and "*" is
    refused because it would let a client overwrite without having read.
    """
    header = request.headers.get("If-Match", "")
    tags = _parse_if_match(header)
    if not tags or tags == ["*"]:
        raise PreconditionRequired()
    current = etag_for(obj)
    if current not in tags:
        raise PreconditionFailed()
    version: int = getattr(obj, VERSION_FIELD)
    return version


def versioned_write[M: models.Model](
    request: HttpRequest, response: HttpResponse, obj: models.Model, write: Callable[[int], M]
) -> M:
    """The API's versioned write: If-Match checked against `obj` (428/412), `write` called
    with the version it names, a `Conflict` meanwhile answered 412, the new ETag set."""
    expected = check_if_match(request, obj)
    try:
        written = write(expected)
    except Conflict:
        raise PreconditionFailed() from None
    response["ETag"] = etag_for(written)
    return written


# --- HTML forms ------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    name: str
    label: str
    yours: Any
    current: Any

    @property
    def differs(self) -> bool:
        return bool(self.yours != self.current)


def conflict_context(
    *, current: models.Model, yours: Mapping[str, Any], fields: Iterable[str]
) -> dict[str, Any]:
    """Template context for `_conflict.html`: the user's values beside the stored ones.

    `current` must be freshly read (after the conflict). The form should be
    re-rendered with `version` set to `current.version`, so that submitting again
    deliberately overwrites what the other person saved.
    """
    rows = []
    for name in fields:
        field = current._meta.get_field(name)
        rows.append(
            ConflictRow(
                name=name,
                label=str(getattr(field, "verbose_name", name)),
                yours=yours.get(name, ""),
                current=getattr(current, name),
            )
        )
    return {
        "conflict_rows": rows,
        "conflict_version": getattr(current, VERSION_FIELD),
        "conflict_object": current,
    }


def render_conflict(
    request: HttpRequest,
    *,
    current: models.Model,
    yours: Mapping[str, Any],
    fields: Iterable[str],
    template: str = "_conflict.html",
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """Answer a form submission that lost the race: 409 with both versions shown.

    Pass the view's own form template (which includes `_conflict.html`) as
    `template` for a full page; the default renders the partial alone (htmx).
    """
    model = type(current)
    fresh = model._base_manager.get(pk=current.pk)
    ctx = dict(context or {})
    ctx.update(conflict_context(current=fresh, yours=yours, fields=fields))
    return render(request, template, ctx, status=409)
