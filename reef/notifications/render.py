"""A notification's text, built when it is read or mailed, in the active language.

The record's name (and the link to it) appear only if the recipient may still see
the record through the access layer; otherwise a neutral text says nothing of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from reef.core.access import LabelledQuerySet
from reef.notifications.kinds import get_kind
from reef.notifications.models import Notification


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    url: str
    visible: bool


def visible_subject(notification: Notification) -> models.Model | None:
    """The record the notification is about, if its recipient may see it now."""
    if notification.subject_type_id is None or notification.subject_id is None:
        return None
    model = notification.subject_type.model_class() if notification.subject_type else None
    if model is None:
        return None
    qs = model._default_manager.all()
    if not isinstance(qs, LabelledQuerySet):
        return None
    found: models.Model | None = (
        qs.for_user(notification.recipient).filter(pk=notification.subject_id).first()
    )
    return found


def _actor_name(notification: Notification) -> str:
    if notification.actor is not None:
        return str(notification.actor)
    return _("Reef")


def neutral() -> tuple[str, str]:
    return (
        _("Notification about a record you cannot open"),
        _(
            "This notification is about a record you may not see (it may have been removed "
            "or its label changed). Ask the person who shared it with you."
        ),
    )


def render(notification: Notification) -> Rendered:
    kind = get_kind(notification.kind)
    subject: Any = visible_subject(notification) if kind is not None else None
    return _rendered(notification, subject)


def render_all(notifications: Sequence[Notification], reader: Any) -> list[Rendered]:
    """`render` for a list of `reader`'s own notifications (an inbox page, the home): one
    query per kind of record they are about, and the reader's scope computed once, where
    `render` asks the access layer once per notification, as its recipient."""
    reader_id = getattr(reader, "pk", None)
    own = [n for n in notifications if n.recipient_id == reader_id]
    wanted: dict[int, tuple[Any, set[int]]] = {}
    for n in own:
        if n.subject_type is not None and n.subject_id is not None:
            wanted.setdefault(n.subject_type.pk, (n.subject_type, set()))[1].add(n.subject_id)
    found: dict[tuple[int, int], models.Model] = {}
    for type_id, (content_type, ids) in wanted.items():
        model = content_type.model_class()
        qs = model._default_manager.all() if model is not None else None
        if isinstance(qs, LabelledQuerySet):
            for obj in qs.for_user(reader).filter(pk__in=ids):
                found[(type_id, obj.pk)] = obj
    shown = []
    for n in notifications:
        if n.recipient_id != reader_id:  # someone else's: as they would see it
            shown.append(render(n))
            continue
        subject = found.get((n.subject_type_id or 0, n.subject_id or 0))
        shown.append(_rendered(n, subject if get_kind(n.kind) is not None else None))
    return shown


def _rendered(notification: Notification, subject: Any) -> Rendered:
    kind = get_kind(notification.kind)
    if kind is None or subject is None:
        title, body = neutral()
        return Rendered(title=title, body=body, url="", visible=False)
    params = {"subject": str(subject), "actor": _actor_name(notification)}
    return Rendered(
        title=str(kind.title) % params,
        body=str(kind.body) % params,
        url=notification.url,
        visible=True,
    )
