"""What the services of events, publications and briefings share: the rule asked with a
message that says who may, the owner, label, short name and links checked, the version
bumped, a translation set, an upload stored and a draft's fields changed."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, BinaryIO, Protocol

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.utils.text import slugify
from django.utils.translation import gettext as _

from reef.core.access import can
from reef.core.errors import Conflict, PermissionDenied, ServiceError
from reef.core.rules import Actor, Rule, SystemActor, require
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.records import uploads
from reef.records.models import Briefing, Event, LinkKind, Publication


class Upload(Protocol):
    """What a service needs of an uploaded file (Django's UploadedFile fits)."""

    @property
    def name(self) -> str | None: ...

    @property
    def size(self) -> int | None: ...

    def open(self, mode: str = ...) -> Any: ...


def _require(which: Rule, actor: Actor, obj: Any, message: str, *, seen: Any = None) -> None:
    """`require` with a message that says who may; "not found" where the actor may not
    even see the record (`seen`, by default `obj`)."""
    target = obj if seen is None else seen
    hidden = not isinstance(actor, SystemActor) and not can(actor, target)
    try:
        require(which, actor, obj, hidden=hidden)
    except PermissionDenied:
        raise PermissionDenied(message) from None


def _check_owner(
    which: Rule,
    actor: Actor,
    unsaved: Event | Publication | Briefing,
    owner_country: Country | None,
    owner_organisation: Organisation | None,
) -> None:
    """Before a record exists: exactly one owner, for which the actor may create it."""
    if (owner_country is None) == (owner_organisation is None):
        raise ServiceError(
            _("Give exactly one owner: a country or an organisation."), field="owner"
        )
    unsaved.owner_country, unsaved.owner_organisation = owner_country, owner_organisation
    try:
        require(which, actor, unsaved)
    except PermissionDenied:
        if owner_country is not None:
            raise PermissionDenied(
                _("Only editors of the owning country may create this record.")
            ) from None
        raise PermissionDenied(
            _("Only editors of the owning organisation may create this record.")
        ) from None


def _check_tlp(tlp: str) -> None:
    if tlp not in TLP.values:
        raise ServiceError(_("Unknown TLP label %(value)s.") % {"value": tlp}, field="tlp")


def _unique_slug(
    model: type[Event] | type[Publication] | type[Briefing], wanted: str, title: str
) -> str:
    slug = slugify(wanted or title)[:70]
    if not slug:
        raise ServiceError(_("A title is needed to make a short name."), field="slug")
    if wanted and model.objects.filter(slug=slug).exists():
        raise ServiceError(_("The short name %(value)s is taken.") % {"value": slug}, field="slug")
    base, n = slug, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _check_links(links: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    for link in links:
        kind = str(link.get("kind", ""))
        if kind not in LinkKind.values:
            raise ServiceError(
                _("Unknown kind of linked record %(value)s.") % {"value": kind}, field="links"
            )
        try:
            target = int(link.get("id", 0))
        except (TypeError, ValueError):
            target = 0
        if target <= 0:
            raise ServiceError(_("A linked record needs a positive id."), field="links")
        title = str(link.get("title", "")).strip()[:300]
        if not title:
            raise ServiceError(_("A linked record needs a title."), field="links")
        cleaned.append({"kind": kind, "id": target, "title": title})
    return cleaned


def _bump(obj: Event | Publication | Briefing, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != obj.version:
        raise Conflict()
    obj.version += 1


def _apply_changes(
    obj: Event | Publication,
    *,
    expected_version: int | None,
    title: str | None,
    untitled: str,
    tlp: str | None,
    values: dict[str, str | None],
) -> None:
    """The change of an event or a publication: each field given (not None) is checked
    and set, `untitled` refusing an empty title; then the version is bumped and saved."""
    if title is not None:
        if not title.strip():
            raise ServiceError(untitled, field="title")
        obj.title = title.strip()
    if tlp is not None:
        _check_tlp(tlp)
        obj.tlp = tlp  # below its sources' label: refused on save (core.derivation)
    for name, value in values.items():
        if value is not None:
            setattr(obj, name, value)
    _bump(obj, expected_version)
    obj.save()


def _language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def _set_translation(
    obj: Event | Publication, language: str, values: dict[str, str | None]
) -> None:
    if language not in _language_codes() or language == settings.LANGUAGE_CODE:
        raise ServiceError(
            _("Unknown or original language %(value)s.") % {"value": language}, field="language"
        )
    current = dict(obj.translations or {})
    entry = dict(current.get(language, {}))
    for name, value in values.items():
        if value is None:
            continue
        if value.strip():
            entry[name] = value.strip()
        else:
            entry.pop(name, None)
    if entry:
        current[language] = entry
    else:
        current.pop(language, None)
    obj.translations = current
    obj.version += 1
    obj.save(update_fields=["translations", "version", "updated_at"])


def _store(upload: Upload, allowed: frozenset[str]) -> tuple[uploads.Checked, File[Any], int]:
    name = upload.name or ""
    size = int(upload.size or 0)
    stream: BinaryIO = upload.open("rb")
    try:
        checked = uploads.inspect(
            name=name,
            size=size,
            stream=stream,
            max_bytes=settings.REEF_MAX_UPLOAD_BYTES,
            allowed=allowed,
        )
        stream.seek(0)
        data = stream.read(settings.REEF_MAX_UPLOAD_BYTES + 1)
    except uploads.UploadRefused as exc:
        raise ServiceError(_(exc.message) % exc.params, field="file") from None
    if len(data) != size or len(data) > settings.REEF_MAX_UPLOAD_BYTES:
        raise ServiceError(_("The file's size does not match what was sent."), field="file")
    stored = ContentFile(data, name=f"{uuid.uuid4().hex}.{checked.extension}")
    return checked, stored, size
