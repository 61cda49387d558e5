"""A notification's text, built when it is read or mailed, in the active language.

The record's name (and the link to it) appear only if the recipient may still see
the record through the access layer; otherwise a neutral text says nothing of it.
"""

from __future__ import annotations

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
